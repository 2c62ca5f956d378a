/**
 * schemas/rewrap.openapi.yaml against the code it describes: every route of
 * kms/service/server.ts has a path, the wire codes and their statuses are those of
 * kms/protocol/types.ts and kms/service/server.ts, the component schemas accept and refuse
 * exactly what kms/protocol/parse.ts does, and the documented request signature
 * and re-seal recipe reproduce the bytes the code makes.
 */
import { createDecipheriv, createHash, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { b64url } from '../core/bytes.js';
import { formatRecipient, generateIdentity, RECIPIENT_KINDS } from '../core/crypto/recipients/index.js';
import { clientResponseKey, openFromService, sealForCaller, serverResponseKey } from '../core/crypto/rewrap-seal.js';
import { SCHEME, SIGNING_CONTEXT, signingInput, signRequest } from '../kms/auth/request-signature.js';
import { parseRewrapResponse, parseWireError } from '../kms/protocol/parse.js';
import { parseRewrapRequest, RewrapFault } from '../kms/service/rewrap-request.js';
import { parseSignRequest } from '../kms/service/sign-request.js';
import { MAX_BATCH, WIRE_CODES } from '../kms/protocol/types.js';

/** The parts of the document the tests read. */
interface SchemaNode {
  $ref?: string;
  enum?: unknown[];
  pattern?: string;
  required?: string[];
  properties?: Record<string, SchemaNode>;
}
type SecurityRequirement = Record<string, string[]>;
interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  security?: SecurityRequirement[];
  paths: Record<string, Record<string, { security?: SecurityRequirement[] }>>;
  components: {
    schemas: Record<string, SchemaNode>;
    parameters: Record<string, { schema: SchemaNode }>;
    securitySchemes: Record<string, { type: string; scheme?: string; bearerFormat?: string; description: string }>;
  };
}

const doc = parse(readFileSync(new URL('../schemas/rewrap.openapi.yaml', import.meta.url), 'utf8')) as OpenApiDocument;
const serverSource = readFileSync(new URL('../kms/service/server.ts', import.meta.url), 'utf8');

const DOC_ID = 'https://gitseal.dev/schemas/rewrap.openapi.yaml';
const ajv = new Ajv2020({ allErrors: true, strict: true, formats: { 'date-time': (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) } });
ajv.addKeyword('components'); // the OpenAPI wrapper: only its schemas are compiled
ajv.addSchema({ $id: DOC_ID, components: { schemas: doc.components.schemas } });
const schema = (name: string): ValidateFunction => {
  const v = ajv.getSchema(`${DOC_ID}#/components/schemas/${name}`);
  if (!v) throw new Error(`no schema ${name}`);
  return v;
};
const errorsOf = (v: ValidateFunction, data: unknown): string[] => (v(data) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`));

const accepts = (body: unknown): boolean => {
  try {
    parseRewrapRequest(body);
    return true;
  } catch (e) {
    expect(e).toBeInstanceOf(RewrapFault);
    return false;
  }
};

/** Follows a local `#/…` $ref of the document. */
const deref = (node: SchemaNode): SchemaNode | undefined => {
  if (typeof node.$ref !== 'string') return node;
  let n: unknown = doc;
  for (const part of node.$ref.slice(2).split('/')) n = typeof n === 'object' && n !== null ? (n as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return n as SchemaNode | undefined;
};

// ---------------------------------------------------------------------------
// Sample values

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const clientKey = b64url(randomBytes(32));
const item = { kid: 'org-3f2a9c1d7e5b4a60', alg: 'mlkem1024-x25519', enc: 'AAAA', dek: 'BBBB', scope: 'prod/db-credentials', docId: 'q83vEjRWeJA' };

const b64 = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...B64), minLength: min, maxLength: max });
const kidArb = fc.stringMatching(/^[\w.:-]{1,64}$/);
const scopeArb = fc.oneof(
  fc.constant('*'),
  fc
    .tuple(fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/), fc.oneof(fc.constant('*'), fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,40}[a-z0-9])?$/)))
    .map(([ns, name]) => `${ns}/${name}`),
);
const algArb = fc.constantFrom(...(Object.keys(RECIPIENT_KINDS) as string[]));
const itemArb = fc.record({ kid: kidArb, alg: algArb, enc: b64(1, 300), dek: b64(1, 300), scope: scopeArb, docId: b64(1, 64) });

/** Values of each field that are valid, on the edge, or invalid (undefined: the field is left out). */
const mixed = <T>(valid: fc.Arbitrary<T>, others: unknown[]): fc.Arbitrary<unknown> => fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: fc.constantFrom(...others), weight: 1 });
const mixedItemArb = fc.record({
  kid: mixed(kidArb, [undefined, '', 'a'.repeat(64), 'a'.repeat(65), 'a b', 'kid/1', 'ключ', '🔑', 7]),
  alg: mixed(algArb, [undefined, '', 'rsa', 'MLKEM1024', 'x25519', null]),
  enc: mixed(b64(1, 40), [undefined, '', 'A'.repeat(4096), 'A'.repeat(4097), 'ab==', 'a+b', 'a/b', 'a b', 5]),
  dek: mixed(b64(1, 40), [undefined, '', 'A'.repeat(4096), 'A'.repeat(4097), 'ab=', 'a+b', '\u00e9']),
  scope: mixed(scopeArb, [undefined, '', 'Prod/x', 'ns/', '/x', 'ns/-x', 'ns/x.', 'ns/x/y', '**', 'ns', `${'a'.repeat(63)}/${'b'.repeat(256)}`, `${'a'.repeat(63)}/${'b'.repeat(257)}`, 'ns/x\n']),
  docId: mixed(b64(1, 64), [undefined, '', 'A'.repeat(64), 'A'.repeat(65), 'a/b', {}]),
});
const mixedBodyArb = fc.record({
  clientKey: mixed(b64(1, 43), [undefined, '', 'A'.repeat(43), 'A'.repeat(44), 'a=b', 42]),
  items: fc.oneof({ arbitrary: fc.array(mixedItemArb, { minLength: 1, maxLength: 4 }), weight: 5 }, { arbitrary: fc.constantFrom([], {}, 'items', undefined), weight: 1 }),
  extra: fc.constantFrom(undefined, 'ignored'),
});
/** As the service sees it: JSON, so undefined fields are absent. */
const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v)) as unknown;

// ---------------------------------------------------------------------------

describe('rewrap.openapi.yaml', () => {
  it('is an OpenAPI 3.1 document with the component schemas and security schemes', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof doc.info.title).toBe('string');
    expect(typeof doc.info.version).toBe('string');
    for (const name of ['RewrapRequest', 'RewrapItem', 'RewrapResponse', 'RewrapResult', 'WireError', 'OrgKey']) expect(doc.components.schemas, name).toHaveProperty(name);
    const schemes = doc.components.securitySchemes;
    expect(schemes['serviceAccountToken']).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(schemes['oidcToken']).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(schemes['requestSignature']).toMatchObject({ type: 'http', scheme: SCHEME });
    expect(schemes['mutualTLS']).toMatchObject({ type: 'mutualTLS' });
    // Every security requirement and $ref names something that exists.
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const r of refs) expect(deref(JSON.parse(`{${r}}`) as SchemaNode), r).toBeDefined();
    for (const req of [doc.security, ...Object.values(doc.paths).flatMap((p) => Object.values(p).map((op) => op.security))])
      for (const alt of req ?? []) for (const name of Object.keys(alt)) expect(schemes, name).toHaveProperty(name);
  });

  it('has a path for every route of kms/service/server.ts and no other', () => {
    const literal = [...serverSource.matchAll(/path === '(\/[^']*)'/g)].map((m) => m[1]!);
    const admin = /const ADMIN_ROUTE = \/\^\\\/v1\\\/keys\\\/\((\[[^\]]+\]\{1,64\})\)\\\/\(([a-z|]+)\)\$\//.exec(serverSource);
    expect(admin, 'ADMIN_ROUTE in kms/service/server.ts').not.toBeNull();
    const routes = new Set([...literal, ...admin![2]!.split('|').map((action) => `/v1/keys/{kid}/${action}`)]);
    expect(new Set(Object.keys(doc.paths))).toEqual(routes);
    const methods = Object.fromEntries(Object.entries(doc.paths).map(([p, ops]) => [p, Object.keys(ops).filter((k) => k !== 'parameters')]));
    expect(methods).toEqual({
      '/v1/rewrap': ['post'],
      '/v1/sign': ['post'],
      '/v1/keys': ['get'],
      '/v1/recipient': ['get'],
      '/v1/keys/rotate': ['post'],
      '/v1/keys/{kid}/revoke': ['post'],
      '/v1/keys/{kid}/destroy': ['post'],
      '/v1/audit/head': ['get'],
      '/healthz': ['get'],
      '/readyz': ['get'],
      '/metrics': ['get'],
    });
    // The {kid} the server routes is the Kid schema.
    expect(deref(doc.components.parameters['kid']!.schema)?.pattern).toBe(`^${admin![1]!}$`);
  });

  it('lists exactly the wire codes in the WireError enum, each with the status kms/service/server.ts sends', () => {
    const wireError = doc.components.schemas['WireError']!;
    expect(wireError.required).toEqual(expect.arrayContaining(['error', 'message', 'requestId']));
    const codes = deref(wireError.properties!['error']!)!.enum as string[];
    expect([...codes].sort()).toEqual([...WIRE_CODES].sort());
    expect(new Set(codes).size).toBe(codes.length);

    const block = /const STATUS: Record<WireCode, number> = \{([^}]*)\}/.exec(serverSource);
    expect(block, 'STATUS in kms/service/server.ts').not.toBeNull();
    const status = Object.fromEntries([...block![1]!.matchAll(/(\w+): (\d{3})/g)].map((m) => [m[1]!, Number(m[2])]));
    const table = Object.fromEntries([...doc.info.description.matchAll(/^\| `(\w+)` \| (\d{3})/gm)].map((m) => [m[1]!, Number(m[2])]));
    expect(table).toEqual(status);
    expect(Object.keys(table).sort()).toEqual([...WIRE_CODES].sort());
  });

  it('compiles every component schema under strict Ajv', () => {
    for (const name of Object.keys(doc.components.schemas)) expect(() => schema(name), name).not.toThrow();
  });

  describe('RewrapRequest', () => {
    const request = schema('RewrapRequest');

    it('accepts the bodies parseRewrapRequest accepts', () => {
      const body = { clientKey, items: [item, { ...item, alg: 'mlkem1024', scope: '*' }, { ...item, scope: 'prod/*' }] };
      expect(accepts(body)).toBe(true);
      expect(errorsOf(request, body)).toEqual([]);
      const edges = { ...item, kid: 'k'.repeat(64), enc: 'A'.repeat(4096), dek: 'B'.repeat(4096), docId: 'C'.repeat(64), scope: `${'a'.repeat(63)}/${'b'.repeat(256)}` };
      expect(accepts({ clientKey: 'A'.repeat(43), items: [edges] })).toBe(true);
      expect(errorsOf(request, { clientKey: 'A'.repeat(43), items: [edges] })).toEqual([]);
      const full = { clientKey, items: Array.from({ length: MAX_BATCH }, () => item) };
      expect(accepts(full)).toBe(true);
      expect(errorsOf(request, full)).toEqual([]);
      fc.assert(
        fc.property(b64(43, 43), fc.array(itemArb, { minLength: 1, maxLength: 5 }), (key, items) => {
          const b = { clientKey: key, items };
          expect(accepts(b)).toBe(true);
          expect(errorsOf(request, b)).toEqual([]);
        }),
        { numRuns: 150 },
      );
    });

    it('rejects what parseRewrapRequest rejects', () => {
      const { clientKey: _, ...noKey } = { clientKey, items: [item] };
      const bad: Array<[string, unknown]> = [
        ['missing clientKey', noKey],
        ['1001 items', { clientKey, items: Array.from({ length: MAX_BATCH + 1 }, () => item) }],
        ['bad scope', { clientKey, items: [{ ...item, scope: 'Prod/app' }] }],
        ['scope with two slashes', { clientKey, items: [{ ...item, scope: 'prod/a/b' }] }],
        ['non-base64url enc', { clientKey, items: [{ ...item, enc: 'AAA+/A==' }] }],
        ['unknown alg', { clientKey, items: [{ ...item, alg: 'rsa-oaep' }] }],
        ['no items', { clientKey, items: [] }],
        ['missing docId', { clientKey, items: [{ ...item, docId: undefined }] }],
        ['not an object', [clientKey]],
        ['clientKey of 44 characters', { clientKey: 'A'.repeat(44), items: [item] }],
        ['kid of 65 characters', { clientKey, items: [{ ...item, kid: 'k'.repeat(65) }] }],
        ['enc of 4097 characters', { clientKey, items: [{ ...item, enc: 'A'.repeat(4097) }] }],
        ['dek of 4097 characters', { clientKey, items: [{ ...item, dek: 'A'.repeat(4097) }] }],
        ['docId of 65 characters', { clientKey, items: [{ ...item, docId: 'A'.repeat(65) }] }],
        ['scope of 321 characters', { clientKey, items: [{ ...item, scope: `${'a'.repeat(63)}/${'b'.repeat(257)}` }] }],
        ['enc with +', { clientKey, items: [{ ...item, enc: 'AA+A' }] }],
        ['empty dek', { clientKey, items: [{ ...item, dek: '' }] }],
      ];
      for (const [why, body] of bad) {
        const json = asJson(body);
        expect(accepts(json), why).toBe(false);
        expect(request(json), why).toBe(false);
      }
    });

    it('agrees with parseRewrapRequest on near-valid bodies', () => {
      fc.assert(
        fc.property(mixedBodyArb, (raw) => {
          const body = asJson(raw);
          expect(request(body)).toBe(accepts(body));
        }),
        { numRuns: 300 },
      );
    });

    it('agrees with parseRewrapRequest on items with what their signature covers', () => {
      const signed = { mode: 'secret', file: 'q83vEjRWeJCrze8SNFZ4kA', after: 'start', last: true, mac: 'A'.repeat(43), signature: `w-0123456789abcdef.ZGV2OmFsaWNl.${'A'.repeat(4498)}` };
      const { signature: _, ...unsigned } = signed;
      const good = [signed, unsigned, { ...signed, after: 'q83vEjRWeJCrze8SNFZ4kA', mode: 'generic', last: false }, { ...signed, extra: 1 }, { ...unsigned, signer: 'w-0123456789abcdef.ZGV2OmFsaWNl' }];
      const bad = [
        { ...signed, mode: 'x' },
        { ...signed, last: 1 },
        { ...signed, file: '' },
        { ...signed, mac: 'a+b' },
        { ...signed, after: 'A'.repeat(65) },
        { ...signed, signature: 'w-0123.YQ.AA' },
        { ...signed, signature: `w-0123456789abcdef.YQ.${'A'.repeat(8192)}` },
        { ...signed, signer: 'w-0123456789abcdef.ZGV2OmFsaWNl' },
        { ...unsigned, signer: 'w-0123456789abcdef.ZGV2OmFsaWNl.AAAA' },
        { ...unsigned, signer: 'w-0123.ZGV2OmFsaWNl' },
        unsigned.mode,
      ];
      for (const s of good) {
        const body = { clientKey, items: [{ ...item, signed: s }] };
        expect(accepts(body), JSON.stringify(s).slice(0, 80)).toBe(true);
        expect(errorsOf(request, body)).toEqual([]);
      }
      for (const s of bad) {
        const body = asJson({ clientKey, items: [{ ...item, signed: s }] });
        expect(accepts(body), JSON.stringify(s).slice(0, 80)).toBe(false);
        expect(request(body)).toBe(false);
      }
    });

    it('has the algorithms the recipient registry knows', () => {
      expect([...(doc.components.schemas['Alg']!.enum as string[])].sort()).toEqual(Object.keys(RECIPIENT_KINDS).sort());
    });
  });

  describe('SignRequest and SignResponse', () => {
    const signRequest = schema('SignRequest');
    const doc = { scope: 'prod/db', docId: 'q83vEjRWeJA', signed: { mode: 'secret', file: 'q83vEjRWeJCrze8SNFZ4kA', after: 'start', last: true, mac: 'A'.repeat(43) } };
    const signAccepts = (body: unknown): boolean => {
      try {
        parseSignRequest(body);
        return true;
      } catch (e) {
        expect(e).toBeInstanceOf(RewrapFault);
        return false;
      }
    };

    it('accepts and refuses what parseSignRequest does', () => {
      const samples: Array<[unknown, boolean]> = [
        [{ items: [doc] }, true],
        [{ items: [{ ...doc, signed: { ...doc.signed, signature: 'w-0123456789abcdef.YQ.AAAA' } }], extra: 1 }, true],
        [{ items: Array.from({ length: MAX_BATCH }, () => doc) }, true],
        [{ items: [] }, false],
        [{ items: Array.from({ length: MAX_BATCH + 1 }, () => doc) }, false],
        [{ items: [{ ...doc, scope: 'Prod/db' }] }, false],
        [{ items: [{ scope: 'prod/db', docId: 'AAAA' }] }, false],
        [{ items: [{ ...doc, signed: { ...doc.signed, last: 'yes' } }] }, false],
        [[doc], false],
      ];
      for (const [body, ok] of samples) {
        expect(signAccepts(body), JSON.stringify(body).slice(0, 80)).toBe(ok);
        expect(signRequest(body), JSON.stringify(body).slice(0, 80)).toBe(ok);
      }
    });

    it('a sign answer and a keys answer with the writer validate', () => {
      const answer = { items: [{ ok: true, signature: `w-0123456789abcdef.ZGV2OmFsaWNl.${'A'.repeat(4498)}` }, { ok: false, error: 'denied', message: 'denied by policy: write on scope prod/db (subject dev:bob)' }] };
      expect(errorsOf(schema('SignResponse'), answer)).toEqual([]);
      expect(schema('SignResponse')({ items: [{ ok: true, signature: 'org-1.x.y' }] })).toBe(false);
      const writer = { kid: 'w-0123456789abcdef', key: 'gitseal-writer1:mldsa65-ed25519:AAAA' };
      expect(errorsOf(schema('KeysResponse'), { keys: [], writer })).toEqual([]);
      expect(schema('KeysResponse')({ keys: [], writer: { ...writer, kid: 'org-1' } })).toBe(false);
    });
  });

  describe('responses', () => {
    it('a real rewrap answer validates, and the documented re-seal recipe opens it', () => {
      const client = generateKeyPairSync('x25519');
      const clientPublic = Buffer.from(client.publicKey.export({ format: 'jwk' }).x!, 'base64url');
      const { serverPublic, key } = serverResponseKey(clientPublic);
      const dek = randomBytes(32);
      const index = 7;
      const sealed = sealForCaller(key, index, dek, item);
      const response = {
        serverKey: b64url(serverPublic),
        items: [
          { ok: true, sealed: b64url(sealed) },
          { ok: false, error: 'denied', message: 'denied by policy for scope prod/db-credentials (subject dev:alice)' },
          { ok: false, error: 'tampered', message: 'the key envelope does not open for this scope and document' },
        ],
      };
      expect(errorsOf(schema('RewrapResponse'), response)).toEqual([]);
      expect(parseRewrapResponse(response, 3).items).toHaveLength(3);
      expect(b64url(sealed)).toHaveLength(64);
      expect(schema('RewrapResponse')({ ...response, items: [{ ok: false, error: 'nope', message: '' }] })).toBe(false);
      expect(schema('RewrapResponse')({ ...response, items: [{ ok: true }] })).toBe(false);
      expect(schema('RewrapResponse')({ serverKey: 'short', items: response.items })).toBe(false);

      // The recipe of the API description, with node:crypto only.
      const lp = (fields: Array<string | Uint8Array>): Buffer =>
        Buffer.concat(
          fields.flatMap((f) => {
            const bytes = typeof f === 'string' ? Buffer.from(f, 'utf8') : Buffer.from(f);
            const len = Buffer.alloc(4);
            len.writeUInt32BE(bytes.length);
            return [len, bytes];
          }),
        );
      const serverKeyObject = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: response.serverKey }, format: 'jwk' });
      const shared = diffieHellman({ privateKey: client.privateKey, publicKey: serverKeyObject });
      const derived = Buffer.from(hkdfSync('sha256', shared, Buffer.alloc(0), lp(['gitseal/rewrap/v1', serverPublic, clientPublic]), 32));
      expect(derived.equals(Buffer.from(clientResponseKey(client.privateKey, clientPublic, serverPublic)))).toBe(true);
      const nonce = Buffer.alloc(12);
      nonce.writeUInt32BE(index, 8);
      const decipher = createDecipheriv('aes-256-gcm', derived, nonce);
      decipher.setAAD(lp(['gitseal/rewrap/v1', item.kid, item.scope, item.docId]));
      decipher.setAuthTag(sealed.subarray(32));
      expect(Buffer.concat([decipher.update(sealed.subarray(0, 32)), decipher.final()]).equals(dek)).toBe(true);
      expect(openFromService(derived, index, sealed, { ...item, docId: 'AAAAAAAAAAA' })).toBeNull();
    });

    it('WireError, OrgKey and the key lists validate', () => {
      const err = { error: 'too_many_items', message: 'at most 1000 items per request, got 1001', requestId: '0123456789abcdef' };
      expect(errorsOf(schema('WireError'), err)).toEqual([]);
      expect(parseWireError(err).error).toBe('too_many_items');
      expect(schema('WireError')({ ...err, error: 'teapot' })).toBe(false);
      expect(schema('WireError')({ error: 'internal', message: 'x' })).toBe(false);
      expect(errorsOf(schema('TimeoutError'), { error: 'timeout', message: 'the request did not arrive in time' })).toEqual([]);

      const { identity } = generateIdentity();
      const key = { kid: identity.kid, alg: identity.alg, recipient: formatRecipient(identity.recipient), state: 'active', created: new Date().toISOString() };
      expect(errorsOf(schema('OrgKey'), key)).toEqual([]);
      expect(errorsOf(schema('KeysResponse'), { keys: [key, { ...key, state: 'destroyed' }] })).toEqual([]);
      expect(errorsOf(schema('KeyResponse'), { key: { ...key, state: 'retired' } })).toEqual([]);
      expect(schema('OrgKey')({ ...key, state: 'deleted' })).toBe(false);
      expect(schema('OrgKey')({ ...key, created: 'yesterday' })).toBe(false);
      const answer = { kid: key.kid, alg: key.alg, recipient: key.recipient };
      expect(errorsOf(schema('RecipientResponse'), answer)).toEqual([]);
      expect(schema('RecipientResponse')({ ...answer, state: 'active' })).toBe(false);
      expect(schema('RecipientResponse')({ kid: key.kid, alg: key.alg })).toBe(false);
      expect(errorsOf(schema('Health'), { ok: false, reason: 'root_revoked: the key is disabled' })).toEqual([]);
    });
  });

  describe('Gitseal-Ed25519 request signatures', () => {
    const description = doc.components.securitySchemes['requestSignature']!.description;

    it('documents the signed string kms/auth/request-signature.ts signs', () => {
      const template = description
        .split('\n')
        .map((l) => l.trim())
        .find((l) => l.startsWith(`${SIGNING_CONTEXT}\\n`));
      expect(template).toBe(`${SIGNING_CONTEXT}\\n{METHOD}\\n{path}\\n{ts}\\n{nonce}\\n{b64url(SHA-256(body))}`);
      const body = Buffer.from('{"clientKey":"x","items":[]}');
      const nonce = 'AAAAAAAAAAAAAAAAAAAAAA';
      const rendered = template!
        .replace('{METHOD}', 'POST')
        .replace('{path}', '/v1/rewrap')
        .replace('{ts}', '1700000000')
        .replace('{nonce}', nonce)
        .replace('{b64url(SHA-256(body))}', createHash('sha256').update(body).digest('base64url'))
        .replaceAll('\\n', '\n');
      expect(Buffer.from(signingInput('post', '/v1/rewrap', 1700000000, nonce, body)).toString('utf8')).toBe(rendered);
      expect(description).toContain(createHash('sha256').update('').digest('base64url'));
    });

    it('documents the header signRequest writes', () => {
      expect(description).toContain(`Authorization: ${SCHEME} keyId=<keyId>,ts=<ts>,nonce=<nonce>,sig=<sig>`);
      const { privateKey } = generateKeyPairSync('ed25519');
      const header = signRequest({ method: 'POST', path: '/v1/rewrap', body: new Uint8Array(0), keyId: 'alice', privateKey, now: 1_700_000_000_123 });
      expect(header).toMatch(/^Gitseal-Ed25519 keyId=alice,ts=1700000000,nonce=[A-Za-z0-9_-]{22,128},sig=[A-Za-z0-9_-]{86}$/);
    });
  });
});
