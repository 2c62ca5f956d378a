import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostname, userInfo } from 'node:os';
import { fail } from '../../core/errors.js';
import { encodeKeystore } from '../../core/crypto/keystore.js';
import { formatRecipient, generateIdentity } from '../../core/crypto/recipients/index.js';
import { writeAtomic } from '../files.js';
import { defaultKeyFile, newPassphraseFor } from '../keys.js';
import type { KeygenOptions } from './keygen.command.js';
import { writerKeyPath } from '../writer.js';

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

/** `--writer`: the key that signs what this person writes (README "Writers"). */
async function writerKey(out: string, name: string, force: boolean): Promise<void> {
  if (existsSync(out) && !force) fail('E_IO', `${out} exists: pass --force to replace it (documents it signed then need "gitseal sign")`);
  const { encodeWriterKeyFile } = await import('../../core/crypto/writer-file.js');
  const { generateWriterSecret, writerFromSecret, formatWriter } = await import('../../core/crypto/writer-key.js');
  const secret = generateWriterSecret();
  const signer = writerFromSecret(secret);
  mkdirSync(dirname(out), { recursive: true, mode: 0o700 });
  writeAtomic(out, encodeWriterKeyFile(name, secret), 0o600);
  secret.fill(0);
  process.stderr.write(`gitseal: wrote writer key ${signer.kid} for ${name} to ${out} (mode 0600); readers trust it with:\n  gitseal trust add ${JSON.stringify(name)} <the key below>\n`);
  process.stdout.write(formatWriter(signer) + '\n');
}

export async function run(opts: KeygenOptions): Promise<void> {
  if (opts.signingKey) return signingKey(opts.output, opts.force === true);
  if (opts.writer) return writerKey(opts.output ?? writerKeyPath(), opts.name ?? `${userInfo().username}@${hostname()}`, opts.force === true);
  const out = opts.output ?? defaultKeyFile();
  if (existsSync(out) && !opts.force) fail('E_IO', `${out} exists: pass --force to replace it (the old key can no longer decrypt anything)`);
  // Asked first: a passphrase that is refused leaves nothing behind.
  const passphrase = opts.passphrase ? await newPassphraseFor(out) : undefined;
  if (passphrase === '') fail('E_PASSPHRASE', 'the passphrase is empty');
  mkdirSync(dirname(out), { recursive: true, mode: 0o700 });
  const { identity, secret } = generateIdentity(opts.alg);
  writeAtomic(out, encodeKeystore([{ identity, secret, created: new Date().toISOString() }], passphrase), 0o600);
  secret.fill(0);
  process.stderr.write(`gitseal: wrote key ${identity.kid} to ${out} (mode 0600); its public recipient follows\n`);
  process.stdout.write(formatRecipient(identity.recipient) + '\n');
}
