/** Valid inputs the fuzzers start from: the known-answer vectors and examples in this repository. */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const root = new URL('../../../', import.meta.url);
export const readRepoFile = (path: string): string => readFileSync(new URL(path, root), 'utf8');

interface FileVectors {
  vectors: Array<{ encrypted: string }>;
}
/** The encrypted texts of a test/vectors file, valid and corrupted ones alike. */
export const encryptedVectors = (file: string): string[] => (JSON.parse(readRepoFile(`test/vectors/${file}`)) as FileVectors).vectors.map((v) => v.encrypted);

export interface KeyVector {
  alg: string;
  secret: string;
  kid: string;
  recipient: string;
}
export const vectorKeys = (): Record<string, KeyVector> => (JSON.parse(readRepoFile('test/vectors/keys.json')) as { keys: Record<string, KeyVector> }).keys;

export interface SignatureVectors {
  writer: { name: string; secret: string; kid: string; key: string };
  vectors: Array<{ encrypted: string }>;
}
export const signatureVectors = (): SignatureVectors => JSON.parse(readRepoFile('test/vectors/signatures.json')) as SignatureVectors;

/** The first YAML document of a file as a tree, for tree mutations. */
export function yamlTree(text: string): unknown {
  const docs = parseAllDocuments(text);
  return Array.isArray(docs) ? (docs[0]?.toJS() as unknown) : null;
}
