/**
 * `gitseal keys list | rotate | revoke KID | destroy KID`: the org keys of
 * the rewrap service at GITSEAL_SERVER (admin operations need a policy
 * grant for keys.rotate / keys.revoke / keys.destroy). `gitseal keys writer`:
 * the service's own writer key, which signs documents for the callers it
 * authenticates, to trust with `gitseal trust add NAME KEY --signs-for`.
 */
import { fail } from '../../core/errors.js';
import { clientFromEnv } from '../../kms/client/client-env.js';
import type { KeysOptions } from './keys.command.js';

export async function run(opts: KeysOptions): Promise<number> {
  const action = opts.action;
  const client = clientFromEnv();
  try {
    if (action === 'list') {
      const keys = await client.keys();
      if (opts.json) process.stdout.write(JSON.stringify(keys, null, 2) + '\n');
      else for (const k of keys) process.stdout.write(`${k.kid} ${k.state} ${k.alg} created ${k.created}\n`);
      return 0;
    }
    if (action === 'writer') {
      const writer = await client.writerKey();
      if (!writer) fail('E_NO_KEY', 'the rewrap service has no writer key (writerKey in its configuration)');
      if (opts.json) process.stdout.write(JSON.stringify(writer, null, 2) + '\n');
      else process.stdout.write(`${writer.kid} ${writer.key}\n`);
      if (!opts.json) process.stderr.write('Trust it to name whom it signs for: gitseal trust add NAME KEY --signs-for\n');
      return 0;
    }
    const kid = typeof opts.kid === 'string' ? opts.kid : undefined;
    if (action !== 'rotate' && !kid) fail('E_USAGE', `name the key: gitseal keys ${action} KID`);
    const key = action === 'rotate' ? await client.rotate() : action === 'revoke' ? await client.revoke(kid!) : await client.destroy(kid!);
    process.stdout.write(action === 'rotate' ? `new active key ${key.kid}\n${key.recipient}\n` : `${key.kid} is now ${key.state}\n`);
    if (action === 'rotate') process.stderr.write('Add the new recipient to .gitseal.yaml, then run "gitseal updatekeys" on your files.\n');
    return 0;
  } finally {
    client.close();
  }
}
