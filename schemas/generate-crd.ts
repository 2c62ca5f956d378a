/**
 * Generates the EncryptedSecret CustomResourceDefinition from the JSON Schema
 * of the file format, so the two cannot disagree:
 *
 *   npx tsx schemas/generate-crd.ts > schemas/encryptedsecret.crd.yaml
 *   cp schemas/encryptedsecret.crd.yaml examples/deploy/base/crd.yaml
 *
 * `spec` is `$defs/sealed` of encrypted-secret.schema.json with every `$ref`
 * resolved and turned into a structural schema (every node typed). What a
 * structural schema cannot say is dropped, and the description of the node
 * says what was dropped; the controller checks all of it before decrypting.
 * `status` is written here: it is the controller's, not the file format's.
 * test/crd.test.ts checks the committed CRD equals this output.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';

/** A JSON Schema node, or a node of the CRD's openAPIV3Schema. */
export type SchemaNode = { [keyword: string]: unknown };

const JSON_SCHEMA = new URL('./encrypted-secret.schema.json', import.meta.url);

/** Keywords copied as they are: a structural schema has the same meaning for them. */
const COPIED = new Set(['description', 'type', 'enum', 'pattern', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minimum', 'maximum', 'required', 'format']);

const isNode = (v: unknown): v is SchemaNode => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeOfValues(values: readonly unknown[], where: string): string {
  const types = new Set(values.map((v) => (Number.isInteger(v) ? 'integer' : typeof v)));
  const [only] = types;
  if (types.size !== 1 || !['string', 'integer', 'boolean'].includes(only!)) throw new Error(`${where}: cannot type the values ${JSON.stringify(values)}`);
  return only!;
}

/** One line per alg: the constraints an `allOf: [{if: alg = X, then: …}]` adds. */
function conditionalSummary(allOf: unknown, where: string): string {
  if (!Array.isArray(allOf)) throw new Error(`${where}: allOf must be a list`);
  return allOf
    .map((branch: unknown) => {
      if (!isNode(branch) || !isNode(branch.if) || !isNode(branch.then)) throw new Error(`${where}: only allOf of if/then is understood`);
      const cond = Object.entries((branch.if.properties ?? {}) as Record<string, SchemaNode>).map(([k, v]) => `${k} ${JSON.stringify(v.const)}`);
      const then = Object.entries((branch.then.properties ?? {}) as Record<string, SchemaNode>).map(([k, v]) => {
        if (v.pattern !== undefined) return `${k} matches ${String(v.pattern)}`;
        if (v.minLength !== undefined && v.minLength === v.maxLength) return `${k} is ${String(v.minLength)} characters`;
        return `${k} ${JSON.stringify(v)}`;
      });
      return `when ${cond.join(' and ')}: ${then.join(', ')}`;
    })
    .join('; ');
}

/**
 * `node` as a structural schema. `where` is the node's path in the object
 * (e.g. `.spec.envelope`), used in descriptions and errors. An unknown
 * keyword throws, so a change to the JSON Schema needs a decision here.
 */
export function toStructural(node: SchemaNode, root: SchemaNode, where: string): SchemaNode {
  if (typeof node.$ref === 'string') {
    const m = /^#\/\$defs\/([A-Za-z0-9_]+)$/.exec(node.$ref);
    const target = m ? ((root.$defs ?? {}) as Record<string, SchemaNode>)[m[1]!] : undefined;
    if (!target) throw new Error(`${where}: cannot resolve ${node.$ref}`);
    const { $ref: _ref, ...siblings } = node;
    return toStructural({ ...target, ...siblings }, root, where);
  }
  const out: SchemaNode = {};
  const dropped: string[] = [];
  for (const [k, v] of Object.entries(node)) {
    if (COPIED.has(k)) out[k] = v;
    else if (k === 'const') out.enum = [v];
    else if (k === 'properties') {
      out.properties = Object.fromEntries(Object.entries(v as Record<string, SchemaNode>).map(([name, sub]) => [name, toStructural(sub, root, `${where}.${name}`)]));
    } else if (k === 'items') out.items = toStructural(v as SchemaNode, root, `${where}[*]`);
    else if (k === 'additionalProperties') {
      if (isNode(v)) out.additionalProperties = toStructural(v, root, `${where}.*`);
      else if (v === false) dropped.push('unknown fields are pruned by the API server (kubectl --validate=strict refuses them) rather than refused (additionalProperties: false)');
      else throw new Error(`${where}: additionalProperties ${JSON.stringify(v)} is not understood`);
    } else if (k === 'propertyNames') {
      const names = toStructural(v as SchemaNode, root, `${where} keys`);
      dropped.push(`keys must match ${String(names.pattern)} (propertyNames; the controller checks it)`);
    } else if (k === 'allOf') dropped.push(`per-alg constraints (allOf with if/then; the controller checks them): ${conditionalSummary(v, where)}`);
    else throw new Error(`${where}: the keyword ${k} has no structural translation yet`);
  }
  if (out.type === undefined && Array.isArray(out.enum)) out.type = typeOfValues(out.enum, where);
  if (out.type === undefined) throw new Error(`${where}: no type`);
  if (out.properties !== undefined && out.additionalProperties !== undefined) throw new Error(`${where}: properties and additionalProperties together are not structural`);
  if (dropped.length) {
    const text = `Beyond this schema (a structural schema cannot express it): ${dropped.join('; ')}.`;
    out.description = out.description ? `${String(out.description)}\n${text}` : text;
  }
  return orderKeys(out);
}

const KEY_ORDER = ['description', 'type', 'format', 'enum', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems', 'required', 'properties', 'additionalProperties', 'items'];

/** Stable, readable key order (description first, children last). */
function orderKeys(node: SchemaNode): SchemaNode {
  const rank = (k: string) => (KEY_ORDER.includes(k) ? KEY_ORDER.indexOf(k) : KEY_ORDER.length);
  return Object.fromEntries(Object.entries(node).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)));
}

const CONDITION_TYPE = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$';

/** The controller's status: metav1.Condition list (a map keyed by type), generations, the Secret written. */
export const STATUS_SCHEMA: SchemaNode = {
  description: 'Written by the gitseal controller (docs/ARCHITECTURE.md, "The controller").',
  type: 'object',
  properties: {
    observedGeneration: { description: 'The metadata.generation the controller last acted on.', type: 'integer', format: 'int64', minimum: 0 },
    conditions: {
      description:
        'Ready is True (reason Decrypted) when the Secret holds this generation; otherwise False with a reason (RewrapDenied, RewrapUnavailable, ScopeMismatch, Tampered, Unsigned, UntrustedWriter, SecretNotOwned, Invalid, SecretRefused, ApiUnavailable) and a message.',
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
      items: {
        description: 'A metav1.Condition.',
        type: 'object',
        required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
        properties: {
          type: { type: 'string', pattern: CONDITION_TYPE, maxLength: 316 },
          status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
          reason: { type: 'string', pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$', minLength: 1, maxLength: 1024 },
          message: { type: 'string', maxLength: 32768 },
          lastTransitionTime: { type: 'string', format: 'date-time' },
          observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
        },
      },
    },
    secretName: { description: 'The Secret the controller writes (same namespace and name as this object).', type: 'string' },
    lastSyncTime: { description: 'When the Secret was last written or found up to date.', type: 'string', format: 'date-time' },
    writer: {
      description:
        "Who signed the document the Secret holds, as the controller's trust file names them: NAME (w-KID). Absent when no writer the controller trusts signed it (or it has no trust file).",
      type: 'string',
    },
  },
};

const DESCRIPTION = [
  'A Kubernetes Secret encrypted by gitseal (schemas/FORMAT.md): the controller asks the rewrap service for its key,',
  'decrypts it and server-side applies the Secret of the same namespace and name, owned by this object.',
  'An existing Secret it did not create is taken over only with consent on the Secret itself, the annotation gitseal.dev/adopt-by: <this object\'s name>;',
  'an adopted Secret gets no ownerReference, so deleting this object leaves it. Without consent the Secret is left alone and Ready is False with reason SecretNotOwned.',
  'Given a trust file, the controller checks who signed the document (schemas/FORMAT.md §13) before it asks for the key: when signatures are required,',
  'an unsigned document or one signed by a writer it does not trust leaves the Secret as it was, with Ready False and reason Unsigned or UntrustedWriter.',
  'Generated from schemas/encrypted-secret.schema.json by schemas/generate-crd.ts: do not edit by hand.',
].join('\n');

/** The CRD as an object. */
export function buildCrd(jsonSchema: SchemaNode): SchemaNode {
  const sealed = toStructural({ $ref: '#/$defs/sealed' }, jsonSchema, '.spec');
  const ready = '.status.conditions[?(@.type=="Ready")]';
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'encryptedsecrets.gitseal.dev', labels: { 'app.kubernetes.io/name': 'gitseal', 'app.kubernetes.io/component': 'crd' } },
    spec: {
      group: 'gitseal.dev',
      names: { kind: 'EncryptedSecret', listKind: 'EncryptedSecretList', plural: 'encryptedsecrets', singular: 'encryptedsecret', shortNames: ['esec'], categories: ['gitseal'] },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Ready', type: 'string', jsonPath: `${ready}.status` },
            { name: 'Reason', type: 'string', jsonPath: `${ready}.reason` },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              description: DESCRIPTION,
              type: 'object',
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: sealed,
                status: STATUS_SCHEMA,
              },
            },
          },
        },
      ],
    },
  };
}

/** The CRD file's text. */
export function renderCrd(jsonSchema: SchemaNode = JSON.parse(readFileSync(JSON_SCHEMA, 'utf8')) as SchemaNode): string {
  const header = [
    '# GENERATED by schemas/generate-crd.ts from schemas/encrypted-secret.schema.json: do not edit.',
    '#   npx tsx schemas/generate-crd.ts > schemas/encryptedsecret.crd.yaml',
    '#   cp schemas/encryptedsecret.crd.yaml examples/deploy/base/crd.yaml',
  ];
  return `${header.join('\n')}\n${stringify(buildCrd(jsonSchema), { lineWidth: 0 })}`;
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) process.stdout.write(renderCrd());
