/**
 * `gitseal recipient`: the active org key's public recipient, from GET
 * /v1/recipient of the rewrap service at GITSEAL_SERVER, as `kubeseal
 * --fetch-cert` fetches a certificate. It needs no credential, but it is
 * only worth what the channel is: the service's certificate is checked as
 * for every call (GITSEAL_SERVER_CA, else the system's CAs), the kid is
 * computed here from the key rather than taken from the answer, and
 * `--check KID` refuses any other key, so a key swapped on the way (a proxy
 * that terminates TLS, a wrong CA) does not end up in `.gitseal.yaml`.
 */
import { fail, isGitsealError } from '../../core/errors.js';
import { parseRecipient } from '../../core/crypto/recipients/index.js';
import type { Recipient } from '../../core/crypto/recipients/types.js';
import { publicClientFromEnv } from '../../kms/client/client-env.js';
import type { RecipientOptions } from './recipient.command.js';

export async function run(opts: RecipientOptions): Promise<void> {
  if (opts.check !== undefined && !/^[\w.:-]{1,64}$/.test(opts.check)) fail('E_USAGE', '--check needs a kid, e.g. --check org-3f2a9c1d7e5b4a60');
  const client = publicClientFromEnv();
  const server = process.env.GITSEAL_SERVER;
  const answer = await client.recipient().finally(() => client.close());
  let key: Recipient;
  try {
    key = parseRecipient(answer.recipient);
  } catch (e) {
    if (!isGitsealError(e, 'E_RECIPIENT')) throw e;
    return fail('E_SERVER', `the rewrap service at ${server} answered a recipient that does not parse`);
  }
  const { kid, alg } = key;
  if (kid !== answer.kid) fail('E_SERVER', `the rewrap service at ${server} says its recipient is ${answer.kid}, but the key it sent is ${kid}`);
  if (opts.check !== undefined && opts.check !== kid)
    fail(
      'E_RECIPIENT',
      `the rewrap service at ${server} answered key ${kid}, not ${opts.check} (--check): if its key was rotated, ask its operators for the new kid; otherwise something between you and the service answers with a key of its own`,
    );
  if (opts.json) process.stdout.write(JSON.stringify({ kid, alg, recipient: answer.recipient }, null, 2) + '\n');
  else process.stdout.write(answer.recipient + '\n');
  process.stderr.write(
    opts.check !== undefined
      ? `gitseal: ${kid} is the key --check expects\n`
      : `gitseal: org key ${kid} (${alg}) of ${server}; compare this kid with the one its operators publish, then use --check ${kid}\n`,
  );
}
