/**
 * Tools reorder mappings: a Kubernetes API server returns a custom
 * resource's keys sorted, as do `kubectl get -o yaml`, yq and kustomize.
 * Any reordering of any mapping of an encrypted file (encryptedData, the
 * envelope, recipient stanzas, metadata, generic mode's readable fields) must
 * still verify and decrypt to the same bytes (FORMAT.md §8, §9), and
 * re-encrypting a reordered file writes the canonical order back.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { generateIdentity } from '../core/crypto/recipients/index.js';
import type { OpenedDocument } from '../core/format/seal.js';
import { decryptStream, encryptStream, openStream } from '../core/format/stream.js';
import { jsonFile, yamlStream } from './format-arbitrary.js';

const { identity } = generateIdentity('mlkem1024-x25519');
const second = generateIdentity('mlkem1024').identity;
const readablePaths = [['apiVersion'], ['kind'], ['metadata', 'name'], ['metadata', 'labels']];
const encrypt = (text: string, previous?: OpenedDocument[]) =>
  encryptStream(text, { recipients: [identity.recipient, second.recipient], scope: 'namespace', readablePaths, ...(previous ? { previous } : {}) });

/** A small seeded PRNG (mulberry32), so fast-check shrinks and replays the shuffles. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every mapping's keys in a random order; sequences keep theirs, as every tool keeps them. */
function shuffleMappings(v: Json, random: () => number): Json {
  if (Array.isArray(v)) return v.map((x) => shuffleMappings(x, random));
  if (v === null || typeof v !== 'object') return v;
  const entries = Object.entries(v);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  return Object.fromEntries(entries.map(([k, x]) => [k, shuffleMappings(x, random)]));
}

/** JSON with sorted keys, like the API server's output and `kubectl get -o json`. */
function sortedJson(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortedJson);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortedJson(v[k]!)]),
  );
}

const documentsOf = (text: string): Json[] => parseAllDocuments(text).map((d) => d.toJS() as Json);
const asYaml = (docs: Json[]): string => docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');

const SECRET = [
  'apiVersion: v1',
  'kind: Secret',
  'metadata:',
  '  name: db',
  '  namespace: payments',
  '  labels: {app: db, tier: backend}',
  '  annotations:',
  '    note: "kept"',
  'type: Opaque',
  'data:',
  '  password: cGFzc3dvcmQ=',
  '  user: YXBw',
  'stringData:',
  '  url: postgres://db:5432/app',
  '  zz-last: z',
  '  aa-first: a',
  '',
].join('\n');

describe('reordered mappings', () => {
  it('a Secret: any order of every mapping, through yaml and through sorted JSON, decrypts byte for byte', () => {
    const sealed = encrypt(SECRET);
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const docs = documentsOf(sealed);
        const shuffled = asYaml(docs.map((d) => shuffleMappings(d, prng(seed))));
        expect(decryptStream(shuffled, [identity])).toBe(SECRET);
        expect(decryptStream(shuffled, [second])).toBe(SECRET);
      }),
      { numRuns: 60 },
    );
    expect(decryptStream(JSON.stringify(sortedJson(documentsOf(sealed)[0]!), null, 2), [identity])).toBe(SECRET);
  });

  it('generated YAML streams (generic mode, readable fields): shuffled and sorted, byte for byte', () => {
    fc.assert(
      fc.property(yamlStream, fc.integer(), (text, seed) => {
        const docs = documentsOf(encrypt(text));
        const random = prng(seed);
        expect(decryptStream(asYaml(docs.map((d) => shuffleMappings(d, random))), [identity])).toBe(text);
        expect(decryptStream(asYaml(docs.map(sortedJson)), [identity])).toBe(text);
      }),
      { numRuns: 80 },
    );
  });

  it('generated JSON files: written back by JSON.stringify with sorted keys, byte for byte', () => {
    fc.assert(
      fc.property(jsonFile, (text) => {
        const [doc] = documentsOf(encrypt(text));
        expect(decryptStream(JSON.stringify(sortedJson(doc!)), [identity])).toBe(text);
      }),
      { numRuns: 60 },
    );
  });

  it('re-encrypting a reordered file writes the canonical order back: only what changed moves', () => {
    const sealed = encrypt(SECRET);
    const reordered = asYaml(documentsOf(sealed).map((d) => shuffleMappings(d, prng(7))));
    expect(reordered).not.toBe(sealed);
    const again = encrypt(SECRET, openStream(reordered, [identity]).opened);
    expect(again).toBe(sealed);
    const tokens = (text: string) => [...text.matchAll(/^ {4}(t\.[\w-]+):/gm)].map((m) => m[1]!);
    expect(tokens(sealed)).toEqual([...tokens(sealed)].sort());
  });
});
