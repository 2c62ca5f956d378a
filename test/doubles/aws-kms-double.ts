/**
 * A stand-in for AWS KMS on 127.0.0.1: the AWS JSON 1.1 protocol
 * (`X-Amz-Target: TrentService.*`) that @aws-sdk/client-kms speaks, real
 * AES-256-GCM inside, the encryption context bound as AAD, and KMS's error
 * bodies, so the real SDK client runs unchanged against it. Signatures are
 * not checked, only that the request is signed.
 */
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type AwsKeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

export interface AwsKmsDouble {
  /** 'http://127.0.0.1:PORT', for the root's `endpoint`. */
  readonly endpoint: string;
  readonly region: string;
  /** Fake credentials to pass as the environment of `openRoot` (the SDK must sign). */
  readonly env: Readonly<Record<string, string>>;
  /** Every X-Amz-Target received, in order ('Encrypt', 'Decrypt', …). */
  readonly calls: readonly string[];
  /** Makes an enabled key; returns its ARN (its bare id works as KeyId too). */
  createKey(): string;
  disableKey(id: string): void;
  enableKey(id: string): void;
  scheduleDeletion(id: string): void;
  cancelDeletion(id: string): void;
  keyState(id: string): AwsKeyState;
  /** While on, every request answers 500 KMSInternalException (the SDK retries, then gives up). */
  setOutage(on: boolean): void;
  close(): Promise<void>;
}

interface Key {
  id: string;
  arn: string;
  material: Buffer;
  state: AwsKeyState;
  created: number;
}

class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const ACCOUNT = '111122223333';
const MAX_PLAINTEXT = 4096;

const b64 = (v: unknown, what: string): Buffer => {
  if (typeof v !== 'string') throw new KmsError('ValidationException', `${what} is required`);
  return Buffer.from(v, 'base64');
};

/** Canonical AAD: the context's entries sorted by key, as JSON. */
const contextAad = (ctx: unknown): Buffer => {
  if (ctx === undefined) return Buffer.alloc(0);
  if (ctx === null || typeof ctx !== 'object' || Array.isArray(ctx)) throw new KmsError('ValidationException', 'EncryptionContext must be a map');
  return Buffer.from(JSON.stringify(Object.entries(ctx).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
};

export async function startAwsKmsDouble(options: { region?: string } = {}): Promise<AwsKmsDouble> {
  const region = options.region ?? 'eu-west-1';
  const keys = new Map<string, Key>();
  const calls: string[] = [];
  let outage = false;

  const find = (keyId: unknown): Key => {
    if (typeof keyId !== 'string' || keyId === '') throw new KmsError('ValidationException', 'KeyId is required');
    const id = keyId.startsWith('arn:') ? keyId.slice(keyId.lastIndexOf('/') + 1) : keyId;
    const key = keys.get(id);
    if (!key) throw new KmsError('NotFoundException', `Key '${keyId}' does not exist`);
    return key;
  };
  const usable = (key: Key): Key => {
    if (key.state === 'Disabled') throw new KmsError('DisabledException', `${key.arn} is disabled.`);
    if (key.state === 'PendingDeletion') throw new KmsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
    return key;
  };
  const metadata = (key: Key) => ({
    AWSAccountId: ACCOUNT,
    KeyId: key.id,
    Arn: key.arn,
    CreationDate: key.created,
    Enabled: key.state === 'Enabled',
    KeyState: key.state,
    KeyUsage: 'ENCRYPT_DECRYPT',
    KeySpec: 'SYMMETRIC_DEFAULT',
    KeyManager: 'CUSTOMER',
    Origin: 'AWS_KMS',
    EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
  });
  const createKey = (): string => {
    const id = randomUUID();
    const arn = `arn:aws:kms:${region}:${ACCOUNT}:key/${id}`;
    keys.set(id, { id, arn, material: randomBytes(32), state: 'Enabled', created: Math.floor(Date.now() / 1000) });
    return arn;
  };

  const operations: Record<string, (req: Record<string, unknown>) => unknown> = {
    CreateKey: () => ({ KeyMetadata: metadata(find(createKey())) }),
    DescribeKey: (req) => ({ KeyMetadata: metadata(find(req.KeyId)) }),
    EnableKey: (req) => {
      const key = find(req.KeyId);
      if (key.state === 'PendingDeletion') throw new KmsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
      key.state = 'Enabled';
      return {};
    },
    DisableKey: (req) => {
      const key = find(req.KeyId);
      if (key.state === 'PendingDeletion') throw new KmsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
      key.state = 'Disabled';
      return {};
    },
    ScheduleKeyDeletion: (req) => {
      const key = find(req.KeyId);
      const days = typeof req.PendingWindowInDays === 'number' ? req.PendingWindowInDays : 30;
      key.state = 'PendingDeletion';
      return { KeyId: key.arn, KeyState: key.state, PendingWindowInDays: days, DeletionDate: key.created + days * 86_400 };
    },
    CancelKeyDeletion: (req) => {
      const key = find(req.KeyId);
      if (key.state !== 'PendingDeletion') throw new KmsError('KMSInvalidStateException', `${key.arn} is not pending deletion.`);
      key.state = 'Disabled';
      return { KeyId: key.arn };
    },
    Encrypt: (req) => {
      const key = usable(find(req.KeyId));
      const plain = b64(req.Plaintext, 'Plaintext');
      if (plain.length < 1 || plain.length > MAX_PLAINTEXT) throw new KmsError('ValidationException', 'Plaintext must be 1 to 4096 bytes');
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key.material, iv);
      c.setAAD(Buffer.concat([Buffer.from(key.id), contextAad(req.EncryptionContext)]));
      const ct = Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
      const blob = Buffer.concat([Buffer.of(key.id.length), Buffer.from(key.id), iv, ct]);
      return { CiphertextBlob: blob.toString('base64'), KeyId: key.arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
    Decrypt: (req) => {
      const blob = b64(req.CiphertextBlob, 'CiphertextBlob');
      const idLength = blob[0] ?? 0;
      const id = blob.subarray(1, 1 + idLength).toString();
      const stored = keys.get(id);
      if (!stored || blob.length < 1 + idLength + 12 + 16) throw new KmsError('InvalidCiphertextException', '');
      if (req.KeyId !== undefined && find(req.KeyId) !== stored) {
        throw new KmsError('IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');
      }
      const key = usable(stored);
      const body = blob.subarray(1 + idLength);
      const d = createDecipheriv('aes-256-gcm', key.material, body.subarray(0, 12));
      d.setAAD(Buffer.concat([Buffer.from(key.id), contextAad(req.EncryptionContext)]));
      d.setAuthTag(body.subarray(body.length - 16));
      let plain: Buffer;
      try {
        plain = Buffer.concat([d.update(body.subarray(12, body.length - 16)), d.final()]);
      } catch {
        throw new KmsError('InvalidCiphertextException', '');
      }
      return { Plaintext: plain.toString('base64'), KeyId: key.arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
  };

  const answer = (res: ServerResponse, status: number, body: unknown, errorType?: string): void => {
    const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() };
    if (errorType) headers['x-amzn-errortype'] = errorType;
    res.writeHead(status, headers).end(JSON.stringify(body));
  };

  const handle = (req: IncomingMessage, body: Buffer, res: ServerResponse): void => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith('TrentService.') ? target.slice('TrentService.'.length) : '';
    calls.push(op || target);
    try {
      if (outage) throw new KmsError('KMSInternalException', 'We encountered an internal error. Please try again.', 500);
      if (req.method !== 'POST') throw new KmsError('UnknownOperationException', 'POST only');
      if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 Credential=')) {
        throw new KmsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
      }
      const run = Object.hasOwn(operations, op) ? operations[op] : undefined;
      if (!run) throw new KmsError('UnknownOperationException', `unknown operation ${target}`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8') || '{}');
      } catch {
        throw new KmsError('SerializationException', 'body is not JSON');
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new KmsError('SerializationException', 'body is not an object');
      answer(res, 200, run(parsed as Record<string, unknown>));
    } catch (e) {
      if (!(e instanceof KmsError)) throw e;
      answer(res, e.status, { __type: e.type, message: e.message }, e.type);
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, Buffer.concat(chunks), res);
      } catch (e) {
        answer(res, 500, { __type: 'KMSInternalException', message: String(e) }, 'KMSInternalException');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const setState = (id: string, state: AwsKeyState): void => {
    find(id).state = state;
  };

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    env: { AWS_ACCESS_KEY_ID: 'AKIAGITSEALDOUBLE000', AWS_SECRET_ACCESS_KEY: 'gitseal-double-secret-not-a-real-key' },
    calls,
    createKey,
    disableKey: (id) => setState(id, 'Disabled'),
    enableKey: (id) => setState(id, 'Enabled'),
    scheduleDeletion: (id) => setState(id, 'PendingDeletion'),
    cancelDeletion: (id) => setState(id, 'Disabled'),
    keyState: (id) => find(id).state,
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
