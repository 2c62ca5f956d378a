/** A writer's key file and the trust file (core/crypto/writer-file.ts). */
import { decodeTrustFile, decodeWriterKeyFile, encodeTrustFile, encodeWriterKeyFile } from '../../../core/crypto/writer-file.js';
import { parseWriter } from '../../../core/crypto/writer-key.js';
import { fuzzInput } from '../mutate.js';
import { gitsealError, type FuzzTarget } from '../target.js';
import { signatureVectors, yamlTree } from './seeds.js';

const writer = () => signatureVectors().writer;

export async function writerKeyFileTarget(): Promise<FuzzTarget> {
  const w = writer();
  const seeds = [encodeWriterKeyFile(w.name, new Uint8Array(Buffer.from(w.secret, 'hex')))];
  return {
    name: 'writer-key-file',
    arbitrary: fuzzInput(seeds, { values: seeds.map(yamlTree), format: 'yaml' }),
    parse: (text) => decodeWriterKeyFile(text, 'writer.yaml'),
    typed: gitsealError,
  };
}

export async function trustFileTarget(): Promise<FuzzTarget> {
  const key = parseWriter(writer().key);
  const seeds = [
    encodeTrustFile({ requireSignatures: true, writers: [{ name: 'alice', key, signsFor: false }, { name: 'ci', key, signsFor: true }] }),
    encodeTrustFile({ requireSignatures: false, writers: [] }),
  ];
  return {
    name: 'trust-file',
    arbitrary: fuzzInput(seeds, { values: seeds.map(yamlTree), format: 'yaml' }),
    parse: (text) => decodeTrustFile(text, 'trust.yaml'),
    typed: gitsealError,
  };
}
