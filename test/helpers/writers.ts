/**
 * Writer keys and trust files for CLI tests: a key file a test points
 * GITSEAL_WRITER_KEY at, and a trust file for GITSEAL_TRUST, written into
 * the test's workspace.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeTrustFile, encodeWriterKeyFile } from '../../core/crypto/writer-file.js';
import { formatWriter, generateWriterSecret, writerFromSecret, type WriterPublic } from '../../core/crypto/writer-key.js';

export interface TestWriter {
  readonly name: string;
  readonly kid: string;
  /** The writer key file (secret), mode 0600. */
  readonly keyFile: string;
  /** `gitseal-writer1:…`, as `.gitseal.yaml` and trust files list it. */
  readonly publicKey: string;
  readonly key: WriterPublic;
  /** `{ GITSEAL_WRITER_KEY }` for a command this writer runs. */
  readonly env: Record<string, string>;
}

export function makeWriter(dir: string, name: string): TestWriter {
  const secret = generateWriterSecret();
  const key = writerFromSecret(secret);
  const keyFile = join(dir, `${name}.writer.yaml`);
  writeFileSync(keyFile, encodeWriterKeyFile(name, secret), { mode: 0o600 });
  return { name, kid: key.kid, keyFile, publicKey: formatWriter(key), key: { kid: key.kid, publicKey: key.publicKey }, env: { GITSEAL_WRITER_KEY: keyFile } };
}

/** Writes a trust file listing `writers` and returns `{ GITSEAL_TRUST }` for it. */
export function trustFile(path: string, writers: readonly TestWriter[], requireSignatures = false): Record<string, string> {
  writeFileSync(path, encodeTrustFile({ requireSignatures, writers: writers.map((w) => ({ name: w.name, key: w.key })) }));
  return { GITSEAL_TRUST: path };
}

/** `.gitseal.yaml` text with a `writers:` list (and requireSignatures) added. */
export const withWriters = (config: string, writers: ReadonlyArray<{ name: string; publicKey: string }>, requireSignatures = false): string =>
  `${config.replace(/\n*$/, '\n')}${requireSignatures ? 'requireSignatures: true\n' : ''}writers:\n${writers.map((w) => `  - name: ${JSON.stringify(w.name)}\n    key: ${w.publicKey}\n`).join('')}`;
