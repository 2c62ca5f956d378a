/**
 * A stand-in for Google Cloud KMS on 127.0.0.1: the REST surface that
 * @google-cloud/kms uses with `fallback: true` (`POST /v1/{name}:encrypt`,
 * `:decrypt`, `GET /v1/{name}`), real AES-256-GCM inside with the
 * additional authenticated data bound, and Google's error JSON, so the real
 * client runs unchanged against it.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type GcpKeyState = 'ENABLED' | 'DISABLED' | 'DESTROY_SCHEDULED' | 'DESTROYED';

export interface GcpKmsDouble {
  /** 'http://127.0.0.1:PORT', for the root's `apiEndpoint`. */
  readonly apiEndpoint: string;
  /** Every RPC received, in order ('encrypt', 'decrypt', 'get'). */
  readonly calls: readonly string[];
  /** Authorization headers received (undefined when none): a plain-http client must send none. */
  readonly authorizations: readonly (string | undefined)[];
  /** Makes a key with one enabled version; returns its CryptoKey name. */
  createKey(name?: string): string;
  /** These act on the key's primary version, like the console's buttons. */
  disableKey(name: string): void;
  enableKey(name: string): void;
  /** DESTROY_SCHEDULED, as Cloud KMS does for the first 24 hours. */
  destroyKey(name: string): void;
  /** Back from DESTROY_SCHEDULED to DISABLED. */
  restoreKey(name: string): void;
  keyState(name: string): GcpKeyState;
  /** While on, every request answers 503 UNAVAILABLE. */
  setOutage(on: boolean): void;
  close(): Promise<void>;
}

interface Key {
  name: string;
  material: Buffer;
  state: GcpKeyState;
}

const HTTP_STATUS = { INVALID_ARGUMENT: 400, FAILED_PRECONDITION: 400, PERMISSION_DENIED: 403, NOT_FOUND: 404, UNAVAILABLE: 503, UNIMPLEMENTED: 501 } as const;
type Status = keyof typeof HTTP_STATUS;

class GoogleError extends Error {
  constructor(
    readonly status: Status,
    message: string,
  ) {
    super(message);
  }
}

const KEY_NAME = /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/:]+$/;
const VERSION_SUFFIX = /\/cryptoKeyVersions\/1$/;

export async function startGcpKmsDouble(): Promise<GcpKmsDouble> {
  const keys = new Map<string, Key>();
  const calls: string[] = [];
  const authorizations: (string | undefined)[] = [];
  let outage = false;
  let counter = 0;

  const find = (name: string): Key => {
    const key = keys.get(name.replace(VERSION_SUFFIX, ''));
    if (!key) throw new GoogleError('NOT_FOUND', `CryptoKey ${name} not found.`);
    return key;
  };
  const usable = (key: Key): Key => {
    if (key.state !== 'ENABLED') {
      throw new GoogleError('FAILED_PRECONDITION', `${key.name}/cryptoKeyVersions/1 is not enabled, current state is: ${key.state}.`);
    }
    return key;
  };
  const bytesField = (body: Record<string, unknown>, k: string, required: boolean): Buffer => {
    const v = body[k];
    if (v === undefined && !required) return Buffer.alloc(0);
    if (typeof v !== 'string') throw new GoogleError('INVALID_ARGUMENT', `${k} is required`);
    return Buffer.from(v, 'base64');
  };
  const aad = (key: Key, data: Buffer): Buffer => Buffer.concat([Buffer.from(key.name), Buffer.of(0), data]);

  const rpcs: Record<string, (name: string, body: Record<string, unknown>) => unknown> = {
    encrypt(name, body) {
      const key = usable(find(name));
      const plain = bytesField(body, 'plaintext', true);
      if (plain.length > 64 * 1024) throw new GoogleError('INVALID_ARGUMENT', 'plaintext is larger than 64 KiB');
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key.material, iv);
      c.setAAD(aad(key, bytesField(body, 'additionalAuthenticatedData', false)));
      const ciphertext = Buffer.concat([Buffer.of(0, 0, 0, 1), iv, c.update(plain), c.final(), c.getAuthTag()]);
      return { name: `${key.name}/cryptoKeyVersions/1`, ciphertext: ciphertext.toString('base64'), protectionLevel: 'SOFTWARE' };
    },
    decrypt(name, body) {
      if (!KEY_NAME.test(name)) throw new GoogleError('INVALID_ARGUMENT', 'name must be a CryptoKey');
      const key = find(name);
      const ct = bytesField(body, 'ciphertext', true);
      if (ct.length < 4 + 12 + 16 || ct.readUInt32BE(0) !== 1) throw new GoogleError('INVALID_ARGUMENT', 'Decryption failed: the ciphertext is invalid.');
      usable(key);
      const d = createDecipheriv('aes-256-gcm', key.material, ct.subarray(4, 16));
      d.setAAD(aad(key, bytesField(body, 'additionalAuthenticatedData', false)));
      d.setAuthTag(ct.subarray(ct.length - 16));
      try {
        const plain = Buffer.concat([d.update(ct.subarray(16, ct.length - 16)), d.final()]);
        return { plaintext: plain.toString('base64'), usedPrimary: true, protectionLevel: 'SOFTWARE' };
      } catch {
        throw new GoogleError('INVALID_ARGUMENT', 'Decryption failed: the ciphertext is invalid.');
      }
    },
    get(name) {
      const key = find(name);
      return { name: key.name, purpose: 'ENCRYPT_DECRYPT', primary: { name: `${key.name}/cryptoKeyVersions/1`, state: key.state } };
    },
  };

  const answer = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(body));
  };

  const handle = (req: IncomingMessage, raw: Buffer, res: ServerResponse): void => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://double').pathname);
    const m = /^\/v1\/(.+?)(?::(encrypt|decrypt))?$/.exec(path);
    const rpc = m ? (m[2] ?? (req.method === 'GET' ? 'get' : '')) : '';
    calls.push(rpc || `${req.method} ${path}`);
    authorizations.push(req.headers.authorization);
    try {
      if (outage) throw new GoogleError('UNAVAILABLE', 'The service is currently unavailable.');
      const run = m && Object.hasOwn(rpcs, rpc) ? rpcs[rpc] : undefined;
      if (!m || !run || (rpc === 'get') !== (req.method === 'GET')) throw new GoogleError('UNIMPLEMENTED', `${req.method} ${path} is not implemented`);
      let body: unknown = {};
      if (req.method === 'POST') {
        try {
          body = JSON.parse(raw.toString('utf8') || '{}');
        } catch {
          throw new GoogleError('INVALID_ARGUMENT', 'Invalid JSON payload received.');
        }
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new GoogleError('INVALID_ARGUMENT', 'Invalid JSON payload received.');
      answer(res, 200, run(m[1]!, body as Record<string, unknown>));
    } catch (e) {
      if (!(e instanceof GoogleError)) throw e;
      const code = HTTP_STATUS[e.status];
      answer(res, code, { error: { code, message: e.message, status: e.status } });
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, Buffer.concat(chunks), res);
      } catch (e) {
        answer(res, 500, { error: { code: 500, message: String(e), status: 'INTERNAL' } });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const setState = (name: string, from: readonly GcpKeyState[], to: GcpKeyState): void => {
    const key = find(name);
    if (!from.includes(key.state)) throw new Error(`key ${name} is ${key.state}, not ${from.join(' or ')}`);
    key.state = to;
  };

  return {
    apiEndpoint: `http://127.0.0.1:${port}`,
    calls,
    authorizations,
    createKey(name) {
      const n = name ?? `projects/gitseal-test/locations/global/keyRings/gitseal/cryptoKeys/root-${++counter}`;
      if (!KEY_NAME.test(n)) throw new Error(`${n} is not a CryptoKey name`);
      if (keys.has(n)) throw new Error(`${n} exists`);
      keys.set(n, { name: n, material: randomBytes(32), state: 'ENABLED' });
      return n;
    },
    disableKey: (name) => setState(name, ['ENABLED', 'DISABLED'], 'DISABLED'),
    enableKey: (name) => setState(name, ['ENABLED', 'DISABLED'], 'ENABLED'),
    destroyKey: (name) => setState(name, ['ENABLED', 'DISABLED'], 'DESTROY_SCHEDULED'),
    restoreKey: (name) => setState(name, ['DESTROY_SCHEDULED'], 'DISABLED'),
    keyState: (name) => find(name).state,
    setOutage: (on) => {
      outage = on;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
