import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fail } from '../../core/errors.js';
import { encodeKeystore } from '../../core/crypto/keystore.js';
import { formatRecipient, generateIdentity } from '../../core/crypto/recipients/index.js';
import { writeAtomic } from '../files.js';
import { defaultKeyFile, passphraseFor } from '../keys.js';
import type { KeygenOptions } from './keygen.command.js';

/** `--signing-key`: a developer's Ed25519 key for signing requests to the rewrap service. */
async function signingKey(out: string | undefined, force: boolean): Promise<void> {
  if (!out) fail('E_USAGE', 'name the file: gitseal keygen --signing-key -o FILE');
  if (existsSync(out) && !force) fail('E_IO', `${out} exists: pass --force to replace it`);
  const { generateSigningKey } = await import('../../kms/auth/request-signature.js');
  const key = generateSigningKey();
  writeAtomic(out, key.privatePem, 0o600);
  process.stderr.write(`gitseal: wrote a signing key to ${out} (mode 0600); give the service this public key (auth.ed25519.keys):\n`);
  process.stdout.write(key.publicKey + '\n');
}

export async function run(opts: KeygenOptions): Promise<void> {
  if (opts.signingKey) return signingKey(opts.output, opts.force === true);
  const out = opts.output ?? defaultKeyFile();
  if (existsSync(out) && !opts.force) fail('E_IO', `${out} exists: pass --force to replace it (the old key can no longer decrypt anything)`);
  mkdirSync(dirname(out), { recursive: true, mode: 0o700 });
  const { identity, secret } = generateIdentity(opts.alg);
  const passphrase = opts.passphrase ? await passphraseFor(out) : undefined;
  if (passphrase === '') fail('E_PASSPHRASE', 'the passphrase is empty');
  writeAtomic(out, encodeKeystore([{ identity, secret, created: new Date().toISOString() }], passphrase), 0o600);
  secret.fill(0);
  process.stderr.write(`gitseal: wrote key ${identity.kid} to ${out} (mode 0600); its public recipient follows\n`);
  process.stdout.write(formatRecipient(identity.recipient) + '\n');
}
