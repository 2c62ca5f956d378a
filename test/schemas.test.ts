/**
 * schemas/*.schema.json against real files: every encrypted document in the
 * known-answer vectors validates; corrupted shapes and a mistyped
 * `.gitseal.yaml` do not.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { parseAllDocuments, parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderConfig } from '../cli/config.js';
import { formatWriter, writerFromSecret } from '../core/crypto/writer-key.js';
import type { FileVectorSet } from './vectors/files.js';
import { fixedKey, VECTOR_DIR } from './vectors/kit.js';

const SCHEMAS = new URL('../schemas/', import.meta.url);
const loadJson = (url: URL): Record<string, unknown> => JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
for (const name of ['encrypted-secret', 'encrypted-generic', 'gitseal-config']) ajv.addSchema(loadJson(new URL(`${name}.schema.json`, SCHEMAS)));
const validator = (name: string): ValidateFunction => ajv.getSchema(`https://gitseal.dev/schemas/${name}.schema.json`)!;
const secretSchema = validator('encrypted-secret');
const genericSchema = validator('encrypted-generic');
const configSchema = validator('gitseal-config');

/** The documents of an encrypted file as plain objects, JSON or YAML. */
function documentsOf(text: string): Array<Record<string, unknown>> {
  if (/^\s*\{/.test(text)) return [JSON.parse(text) as Record<string, unknown>];
  return parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
}

function validate(doc: Record<string, unknown>): string[] {
  const v = doc.kind === 'EncryptedSecret' ? secretSchema : genericSchema;
  return v(doc) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

const FILES = ['secret.json', 'generic.json', 'multi-document.json', 'json.json', 'mlkem1024.json'];

describe('encrypted document schemas', () => {
  for (const file of FILES) {
    const set = JSON.parse(readFileSync(new URL(file, VECTOR_DIR), 'utf8')) as FileVectorSet;
    it(`accept every document of the success vectors in ${file}`, () => {
      for (const v of set.vectors.filter((x) => x.expect === 'success'))
        for (const doc of documentsOf(v.encrypted)) expect(validate(doc), v.name).toEqual([]);
    });
  }

  it('see both modes in the vectors', () => {
    const multi = JSON.parse(readFileSync(new URL('multi-document.json', VECTOR_DIR), 'utf8')) as FileVectorSet;
    const kinds = documentsOf(multi.vectors[0]!.encrypted).map((d) => (d.kind === 'EncryptedSecret' ? 'secret' : 'generic'));
    expect(kinds).toEqual(['secret', 'generic', 'secret']);
  });

  it('reject the corrupted shapes a reader refuses before any crypto', () => {
    const set = JSON.parse(readFileSync(new URL('secret.json', VECTOR_DIR), 'utf8')) as FileVectorSet;
    const byName = (n: string) => documentsOf(set.vectors.find((v) => v.name === `secret/${n}`)!.encrypted)[0]!;
    expect(validate(byName('id-noncanonical'))).not.toEqual([]);
    expect(validate(byName('version-2'))).not.toEqual([]);
    const good = documentsOf(set.vectors[0]!.encrypted)[0]!;
    const spec = good.spec as Record<string, unknown>;
    const broken: Array<Record<string, unknown>> = [
      { ...good, spec: { ...spec, scope: 'global' } },
      { ...good, spec: { ...spec, layout: 'v2.abc' } },
      { ...good, spec: { ...spec, encryptedData: { 'not-a-token': 'v1.x' } } },
      { ...good, spec: { ...spec, envelope: { ...(spec.envelope as object), recipients: [] } } },
      { ...good, spec: { ...spec, template: { type: 'Opaque' } } },
      { ...good, kind: 'Secret' },
      { apiVersion: 'x/v1', gitseal: { ...spec, scope: 'strict' } },
      { apiVersion: 'x/v1', spec },
    ];
    for (const doc of broken) expect(validate(doc)).not.toEqual([]);
  });
});

describe('.gitseal.yaml schema', () => {
  const recipient = fixedKey('hybrid').recipient;

  it('accepts what "gitseal init" writes', () => {
    expect(configSchema(parse(renderConfig([recipient], 'strict')))).toBe(true);
    expect(configSchema(parse(renderConfig([recipient, { file: 'keys/org.pub' }], 'strict')))).toBe(true);
  });

  it('accepts every field', () => {
    const writer = formatWriter(writerFromSecret(new Uint8Array(64).fill(7)));
    const config = `recipients: [${recipient}]
requireSignatures: true
writers:
  - {name: alice, key: ${writer}}
  - {name: rewrap-service, key: ${writer}, signsFor: true}
scope: namespace
readable: [apiVersion, kind, metadata.name, 'spec["x.y"]']
creation_rules:
  - path_regex: '^prod/.*\\.ya?ml$'
    recipients: [${fixedKey('pq').recipient}]
    scope: strict
    readable: [metadata.name]
  - path_regex: '(^|/)secrets?/'
  - path_regex: '^staging/'
    recipients: [{file: keys/staging.pub}, ${recipient}]
`;
    expect(configSchema(parse(config)), JSON.stringify(configSchema.errors)).toBe(true);
  });

  it.each([
    ['a misspelled field', { recipient: [recipient] }],
    ['an unknown scope', { scope: 'global' }],
    ['a recipient that is not gitseal1:', { recipients: ['age1qqqq'] }],
    ['a creation rule without path_regex', { creation_rules: [{ scope: 'strict' }] }],
    ['readable as a string', { readable: 'metadata.name' }],
    ['a recipient file that is not a string', { recipients: [{ file: 7 }] }],
    ['a recipient entry with another field', { recipients: [{ file: 'keys/org.pub', path: 'x' }] }],
    ['an empty recipient file path', { recipients: [{ file: '' }] }],
    ['requireSignature (a typo)', { requireSignature: true }],
    ['requireSignatures as a string', { requireSignatures: 'yes' }],
    ['a writer without a key', { writers: [{ name: 'alice' }] }],
  ])('rejects %s', (_, config) => {
    expect(configSchema(config)).toBe(false);
  });
});
