/**
 * Encrypted files, YAML and JSON (core/format/encrypted-store.ts), parsed and
 * opened with the vectors' keys so that mutations reach the layout, the MAC
 * and the values; and the envelope's signature field, checked against the
 * vectors' writer (core/format/signature.ts).
 */
import { parseWriter } from '../../../core/crypto/writer-key.js';
import { identityFromSecret, type RecipientAlg } from '../../../core/crypto/recipients/index.js';
import { parseEncrypted } from '../../../core/format/encrypted-store.js';
import { checkSignature } from '../../../core/format/signature.js';
import { decryptStream } from '../../../core/format/stream.js';
import { fuzzInput } from '../mutate.js';
import { gitsealError, type FuzzTarget } from '../target.js';
import { encryptedVectors, signatureVectors, vectorKeys, yamlTree } from './seeds.js';

const identities = () => Object.values(vectorKeys()).map((k) => identityFromSecret(k.alg as RecipientAlg, new Uint8Array(Buffer.from(k.secret, 'hex'))));

export async function encryptedYamlTarget(): Promise<FuzzTarget> {
  const seeds = [...encryptedVectors('secret.json'), ...encryptedVectors('generic.json'), ...encryptedVectors('multi-document.json')];
  const ids = identities();
  return {
    name: 'encrypted-yaml',
    arbitrary: fuzzInput(seeds, { values: seeds.slice(0, 3).map(yamlTree), format: 'yaml' }),
    parse: (text) => decryptStream(text, ids),
    typed: gitsealError,
  };
}

export async function encryptedJsonTarget(): Promise<FuzzTarget> {
  const seeds = encryptedVectors('json.json');
  const ids = identities();
  return {
    name: 'encrypted-json',
    arbitrary: fuzzInput(seeds, { values: seeds.slice(0, 2).map((s) => JSON.parse(s) as unknown), format: 'json' }),
    parse: (text) => decryptStream(text, ids),
    typed: gitsealError,
  };
}

export async function envelopeSignatureTarget(): Promise<FuzzTarget> {
  const v = signatureVectors();
  const seeds = v.vectors.map((x) => x.encrypted);
  const trusted = [{ name: v.writer.name, key: parseWriter(v.writer.key), signsFor: false }];
  return {
    name: 'envelope-signature',
    arbitrary: fuzzInput(seeds, { values: seeds.slice(0, 2).map(yamlTree), format: 'yaml' }),
    parse: (text) => {
      for (const doc of parseEncrypted(text).docs) checkSignature(doc, trusted);
    },
    typed: gitsealError,
  };
}
