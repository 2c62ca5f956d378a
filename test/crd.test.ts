/**
 * schemas/encryptedsecret.crd.yaml: generated from the JSON Schema (the
 * committed file and its copy in examples/deploy equal the generator's
 * output), structural as the API server requires, accepting exactly the
 * EncryptedSecrets the real CLI writes, not tampered shapes, and keeping
 * every field the format needs through an API server's pruning.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseRecipient } from '../core/crypto/recipients/index.js';
import { generateWriterSecret, writerFromSecret } from '../core/crypto/writer-key.js';
import { fromDisk } from '../core/format/encrypted-document.js';
import { checkSignature } from '../core/format/signature.js';
import { decryptStream, encryptStream } from '../core/format/stream.js';
import { renderCrd, toStructural, type SchemaNode } from '../schemas/generate-crd.js';
import { describeRun } from './helpers/cli.js';
import { codeOf } from './helpers/errors.js';
import { useWorkspaces, type Workspace } from './helpers/workspace.js';
import { startApiDouble } from './k8s/api-double.js';
import { clientsFor, ES, installCrd } from './k8s/harness.js';
import { fixedKey, identityOf } from './vectors/kit.js';

const ROOT = new URL('../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');

type Crd = {
  spec: {
    group: string;
    scope: string;
    names: Record<string, unknown>;
    versions: Array<{ name: string; served: boolean; storage: boolean; subresources: unknown; additionalPrinterColumns: unknown[]; schema: { openAPIV3Schema: SchemaNode } }>;
  };
};
const crd = parse(read('schemas/encryptedsecret.crd.yaml')) as Crd;
const v1 = crd.spec.versions[0]!;
const openApi = v1.schema.openAPIV3Schema;

/** What apiextensions.k8s.io/v1 JSONSchemaProps knows; anything else is refused by the API server. */
const K8S_KEYWORDS = new Set([
  'description', 'type', 'format', 'title', 'default', 'example', 'nullable', 'enum', 'pattern', 'minLength', 'maxLength',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minItems', 'maxItems', 'uniqueItems',
  'minProperties', 'maxProperties', 'required', 'properties', 'additionalProperties', 'items',
]);

/** Why `node` is not a structural schema (Kubernetes "Specifying a structural schema"); empty when it is. */
function structuralProblems(node: SchemaNode, path = '', problems: string[] = []): string[] {
  const at = path || '(root)';
  if (node.type === undefined && node['x-kubernetes-int-or-string'] !== true && node['x-kubernetes-preserve-unknown-fields'] !== true) problems.push(`${at}: no type`);
  for (const k of Object.keys(node)) if (!K8S_KEYWORDS.has(k) && !k.startsWith('x-kubernetes-')) problems.push(`${at}: keyword ${k}`);
  if (node.properties !== undefined && node.additionalProperties !== undefined) problems.push(`${at}: properties with additionalProperties`);
  if (node.additionalProperties !== undefined && typeof node.additionalProperties !== 'object') problems.push(`${at}: additionalProperties must be a schema`);
  if (typeof node.pattern === 'string' && /\(\?[=!<]|\\[1-9]/.test(node.pattern)) problems.push(`${at}: pattern is not RE2 (lookaround or backreference)`);
  if (node['x-kubernetes-list-type'] === 'map') {
    const items = (node.items ?? {}) as SchemaNode;
    for (const key of (node['x-kubernetes-list-map-keys'] ?? []) as string[])
      if (!((items.required ?? []) as string[]).includes(key)) problems.push(`${at}: list-map key ${key} must be required`);
  }
  for (const [name, sub] of Object.entries((node.properties ?? {}) as Record<string, SchemaNode>)) structuralProblems(sub, `${path}.${name}`, problems);
  if (typeof node.items === 'object') structuralProblems(node.items as SchemaNode, `${path}[*]`, problems);
  if (typeof node.additionalProperties === 'object') structuralProblems(node.additionalProperties as SchemaNode, `${path}.*`, problems);
  return problems;
}

/**
 * The CRD schema as JSON Schema 2020-12, validating as the API server does:
 * x-kubernetes-* removed, and objects with properties closed, since the API
 * server prunes unknown fields (kubectl --validate=strict refuses them).
 */
function toJsonSchema(node: SchemaNode): SchemaNode {
  const out: SchemaNode = {};
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith('x-kubernetes-')) continue;
    if (k === 'properties') out[k] = Object.fromEntries(Object.entries(v as Record<string, SchemaNode>).map(([n, s]) => [n, toJsonSchema(s)]));
    else if (k === 'items' || k === 'additionalProperties') out[k] = toJsonSchema(v as SchemaNode);
    else out[k] = v;
  }
  if (out.properties !== undefined && node['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties = false;
  return out;
}

const ajv = new Ajv2020({ allErrors: true, strict: true });
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
const validateCr: ValidateFunction = ajv.compile(toJsonSchema(openApi));
const errorsOf = (doc: unknown): string[] => (validateCr(doc) ? [] : (validateCr.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`));

describe('the EncryptedSecret CRD', () => {
  it('is what schemas/generate-crd.ts makes of the JSON Schema (npx tsx schemas/generate-crd.ts > schemas/encryptedsecret.crd.yaml)', () => {
    expect(read('schemas/encryptedsecret.crd.yaml')).toBe(renderCrd());
  });

  it('is copied unchanged into examples/deploy/base/crd.yaml (kustomize cannot load files outside its folder)', () => {
    expect(read('examples/deploy/base/crd.yaml')).toBe(read('schemas/encryptedsecret.crd.yaml'));
  });

  it('names the resource, its version, status subresource and printer columns', () => {
    expect(crd.spec.group).toBe('gitseal.dev');
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names).toEqual({
      kind: 'EncryptedSecret',
      listKind: 'EncryptedSecretList',
      plural: 'encryptedsecrets',
      singular: 'encryptedsecret',
      shortNames: ['esec'],
      categories: ['gitseal'],
    });
    expect(crd.spec.versions).toHaveLength(1);
    expect(v1).toMatchObject({ name: 'v1', served: true, storage: true, subresources: { status: {} } });
    expect(v1.additionalPrinterColumns).toEqual([
      { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
      { name: 'Reason', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ]);
    expect(openApi.description).toContain('gitseal.dev/adopt-by: <this object\'s name>');
  });

  it('is structural: every node typed, no $ref, if/then, const or propertyNames', () => {
    expect(structuralProblems(openApi)).toEqual([]);
    // The walker does find what the JSON Schema has and a CRD may not.
    const jsonSchema = JSON.parse(read('schemas/encrypted-secret.schema.json')) as { $defs: Record<string, SchemaNode> };
    expect(structuralProblems(jsonSchema.$defs.sealed!)).toEqual(expect.arrayContaining(['.scope: no type', '.layout: no type']));
    expect(structuralProblems(jsonSchema.$defs.stanza!)).toEqual(expect.arrayContaining(['(root): keyword allOf']));
  });

  it('says in the descriptions what a structural schema cannot check', () => {
    const spec = (openApi.properties as Record<string, SchemaNode>).spec!;
    const props = spec.properties as Record<string, SchemaNode>;
    const envelope = props.envelope!;
    const stanza = ((envelope.properties as Record<string, SchemaNode>).recipients!.items as SchemaNode);
    expect(spec.description).toContain('additionalProperties: false');
    expect(props.encryptedData!.description).toContain('^t\\.[A-Za-z0-9_-]{43,}$');
    expect(stanza.description).toMatch(/mlkem1024-x25519.*enc is 2134 characters/);
  });

  it('makes a decision for every JSON Schema keyword: an unknown one stops the generator', () => {
    expect(() => toStructural({ type: 'string', contentEncoding: 'base64' }, {}, '.x')).toThrow(/contentEncoding/);
    expect(() => toStructural({ $ref: '#/$defs/missing' }, { $defs: {} }, '.x')).toThrow(/cannot resolve/);
  });
});

describe('EncryptedSecrets made by the CLI against the CRD', () => {
  const newWorkspace = useWorkspaces();
  const SECRET = read('examples/secret.yaml');

  async function encrypt(ws: Workspace, args: string[]): Promise<Array<Record<string, unknown>>> {
    const r = await ws.run(['encrypt', ...args]);
    expect(r.status, describeRun(args, r)).toBe(0);
    return parseAllDocuments(r.stdout).map((d) => d.toJS() as Record<string, unknown>);
  }

  it('validate with every scope, several recipients, no values and several documents', async () => {
    const ws = await newWorkspace();
    ws.write('secret.yaml', SECRET);
    ws.write('empty.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: empty\n  namespace: payments\n');
    ws.write('two.yaml', `${SECRET}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: api\n  namespace: payments\nstringData:\n  token: abc\n`);
    const pq = await ws.keygen('pq.yaml', { args: ['--alg', 'mlkem1024'] });
    const docs = [
      ...(await encrypt(ws, ['secret.yaml'])),
      ...(await encrypt(ws, ['--scope', 'namespace', 'secret.yaml'])),
      ...(await encrypt(ws, ['--scope', 'cluster', 'secret.yaml'])),
      ...(await encrypt(ws, ['-r', ws.recipient, '-r', pq.recipient, 'secret.yaml'])),
      ...(await encrypt(ws, ['empty.yaml'])),
      ...(await encrypt(ws, ['two.yaml'])),
    ];
    expect(docs).toHaveLength(7);
    expect(new Set(docs.map((d) => (d.spec as { scope: string }).scope))).toEqual(new Set(['strict', 'namespace', 'cluster']));
    for (const doc of docs) expect(errorsOf(doc)).toEqual([]);
    // With a status as the controller writes it.
    const status = {
      observedGeneration: 3,
      secretName: 'db',
      lastSyncTime: '2026-01-01T00:00:00Z',
      writer: 'alice (w-0123456789abcdef)',
      conditions: [{ type: 'Ready', status: 'True', reason: 'Decrypted', message: 'Secret payments/db is up to date', lastTransitionTime: '2026-01-01T00:00:00Z', observedGeneration: 3 }],
    };
    expect(errorsOf({ ...docs[0], status })).toEqual([]);
    expect(errorsOf({ ...docs[0], status: { ...status, conditions: [{ ...status.conditions[0], status: 'Maybe' }] } })).not.toEqual([]);
    expect(errorsOf({ ...docs[0], status: { ...status, observedGeneration: -1 } })).not.toEqual([]);
  });

  it('refuse tampered shapes', async () => {
    const ws = await newWorkspace();
    ws.write('secret.yaml', SECRET);
    const [good] = await encrypt(ws, ['secret.yaml']);
    const spec = good!.spec as Record<string, unknown>;
    const envelope = spec.envelope as Record<string, unknown>;
    const stanza = (envelope.recipients as Array<Record<string, unknown>>)[0]!;
    const { envelope: _e, ...noEnvelope } = spec;
    const { layout: _l, ...noLayout } = spec;
    const broken: Record<string, Record<string, unknown>> = {
      'missing envelope': noEnvelope,
      'missing layout': noLayout,
      'extra field in spec': { ...spec, template: { type: 'Opaque' } },
      'bad scope': { ...spec, scope: 'global' },
      'layout of another version': { ...spec, layout: `v2.${(spec.layout as string).slice(3)}` },
      'a value that is not a ciphertext': { ...spec, encryptedData: { [`t.${'A'.repeat(43)}`]: 'plain text' } },
      'envelope version 2': { ...spec, envelope: { ...envelope, version: 2 } },
      'no recipients': { ...spec, envelope: { ...envelope, recipients: [] } },
      'a stanza without dek': { ...spec, envelope: { ...envelope, recipients: [{ ...stanza, dek: undefined }] } },
      'a stanza with an extra field': { ...spec, envelope: { ...envelope, recipients: [{ ...stanza, note: 'x' }] } },
      'a non-canonical id': { ...spec, envelope: { ...envelope, id: `${(envelope.id as string).slice(0, 21)}B` } },
      'a short mac': { ...spec, envelope: { ...envelope, mac: (envelope.mac as string).slice(1) } },
    };
    for (const [what, bad] of Object.entries(broken)) expect(errorsOf(JSON.parse(JSON.stringify({ ...good, spec: bad }))), what).not.toEqual([]);
    expect(errorsOf({ ...good, spec: undefined }), 'no spec').not.toEqual([]);
  });
});

describe('EncryptedSecrets through an API server that prunes by the CRD (the double, as kube-apiserver)', () => {
  const key = fixedKey('hybrid');
  const writer = { ...writerFromSecret(generateWriterSecret()), subject: 'alice' };
  const trusted = [{ name: 'alice', key: writer }];
  // Two Secrets in one file: the first says `after: start`, the second names the first; only the second is last.
  const plain = ['db', 'api'].map((name) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: payments\nstringData:\n  password: CANARY-${name}\n`).join('---\n');
  const docs = parseAllDocuments(encryptStream(plain, { recipients: [parseRecipient(key.recipient)], scope: 'strict', signer: writer })).map(
    (d) => d.toJS() as { metadata: { name: string; namespace: string }; spec: { envelope: Record<string, unknown> } },
  );

  /** Creates each document as a custom resource under `crd` and reads it back as the API server stores it. */
  async function throughApiServer(crd: Record<string, unknown>): Promise<typeof docs> {
    const api = await startApiDouble();
    try {
      const c = clientsFor(api);
      await installCrd(c, crd);
      await c.core.createNamespace({ body: { metadata: { name: 'payments' } } });
      for (const doc of docs) await c.custom.createNamespacedCustomObject({ ...ES, namespace: 'payments', body: doc });
      return (await Promise.all(docs.map((d) => c.custom.getNamespacedCustomObject({ ...ES, namespace: 'payments', name: d.metadata.name })))) as typeof docs;
    } finally {
      await api.close();
    }
  }

  it('keep the file binding and the signature: the MAC and the signature still hold', async () => {
    expect(docs.map((d) => [d.spec.envelope.after === 'start', d.spec.envelope.last, typeof d.spec.envelope.signature])).toEqual([
      [true, false, 'string'],
      [false, true, 'string'],
    ]);
    const stored = await throughApiServer(crd as unknown as Record<string, unknown>);
    for (const [i, doc] of stored.entries()) {
      expect(doc.spec).toEqual(docs[i]!.spec);
      expect(checkSignature(fromDisk(doc, i), trusted)).toMatchObject({ status: 'trusted', writer: 'alice' });
    }
    const file = stored.map(({ apiVersion, kind, metadata, spec }: Record<string, unknown> & { metadata: { name: string; namespace: string } }) =>
      stringify({ apiVersion, kind, metadata: { name: metadata.name, namespace: metadata.namespace }, spec }),
    );
    expect(decryptStream(file.join('---\n'), [identityOf(key)])).toContain('CANARY-api');
  });

  it('lose them under a CRD without them (why the CRD must carry every envelope field)', async () => {
    const old = structuredClone(crd) as unknown as { spec: { versions: Array<{ schema: { openAPIV3Schema: SchemaNode } }> } };
    const envelope = (((old.spec.versions[0]!.schema.openAPIV3Schema.properties as Record<string, SchemaNode>).spec!.properties as Record<string, SchemaNode>).envelope!);
    const NEW = ['file', 'after', 'last', 'signature'];
    for (const f of NEW) delete (envelope.properties as Record<string, SchemaNode>)[f];
    envelope.required = (envelope.required as string[]).filter((f) => !NEW.includes(f));
    const stored = await throughApiServer(old as unknown as Record<string, unknown>);
    for (const [i, doc] of stored.entries()) {
      expect(Object.keys(doc.spec.envelope).sort()).toEqual(['id', 'mac', 'recipients', 'version']);
      expect(codeOf(() => fromDisk(doc, i))).toBe('E_FORMAT');
    }
  });
});
