/**
 * A Google Cloud KMS symmetric key as root, through the REST ("fallback")
 * transport: encrypt/decrypt with the context as additional authenticated
 * data. Sealed blob: 'G' 0x01 | ciphertext. Credentials are Application
 * Default Credentials (GOOGLE_APPLICATION_CREDENTIALS in the environment
 * `openRoot` is given wins over the process's).
 */
import { KeyManagementServiceClient } from '@google-cloud/kms';
import { concat, utf8, wipe } from '../../core/bytes.js';
import { fail, GitsealError } from '../../core/errors.js';
import type { RootOfTrust } from './types.js';
import { endpointUrl } from './config.js';

/** What the client needs of a gcp-kms root's configuration (gcp-kms.ts parses it). */
export interface GcpKmsSettings {
  /** 'projects/P/locations/L/keyRings/R/cryptoKeys/K' */
  name: string;
  /** 'host', 'host:port', 'https://host[:port]' or, on loopback only, 'http://host:port'. */
  apiEndpoint?: string;
}

const TAG = 0x47; // 'G'
const VERSION = 1;
const CALL_OPTIONS = { timeout: 10_000, maxRetries: 2 };

type ClientOptions = NonNullable<ConstructorParameters<typeof KeyManagementServiceClient>[0]>;

/** gRPC status codes by number, for messages. */
const STATUS = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
] as const;

/** FAILED_PRECONDITION: the key version is disabled or destroyed. */
const REVOKED = new Set(['FAILED_PRECONDITION', 'PERMISSION_DENIED', 'NOT_FOUND']);

const field = (e: unknown, k: string): unknown => (e !== null && typeof e === 'object' && k in e ? (e as Record<string, unknown>)[k] : undefined);

function mapError(e: unknown, what: 'encrypt' | 'decrypt', key: string): GitsealError {
  const code = field(e, 'code');
  const status = typeof code === 'number' ? STATUS[code] : undefined;
  const message = String(field(e, 'message') ?? '').slice(0, 300);
  // On decrypt, INVALID_ARGUMENT means the ciphertext does not open under this key and context.
  if (status && (REVOKED.has(status) || (what === 'decrypt' && status === 'INVALID_ARGUMENT'))) {
    return new GitsealError('E_ROOT_REVOKED', `Cloud KMS refused to ${what} with ${key}: ${status}: ${message}`);
  }
  const cause = field(field(e, 'cause'), 'code');
  const detail = status ?? (typeof cause === 'string' ? cause : typeof code === 'string' ? code : String(field(e, 'name') ?? 'Error'));
  return new GitsealError('E_ROOT', `Cloud KMS could not ${what} with ${key} (${detail})`);
}

/**
 * For plain-http loopback endpoints (emulators, test doubles): sends no
 * credentials, since a bearer token would travel in the clear, and never
 * asks Google for one. google-gax only calls these two methods of its auth client.
 */
const anonymousAuth = {
  getRequestHeaders: async (): Promise<Headers> => new Headers(),
  fetch: (url: string | URL, init?: RequestInit): Promise<Response> => fetch(url, init),
};

function clientOptions(config: GcpKmsSettings, env: NodeJS.ProcessEnv): ClientOptions {
  const options: ClientOptions = { fallback: true };
  if (config.apiEndpoint !== undefined) {
    const url = endpointUrl(config.apiEndpoint, 'gcp-kms apiEndpoint');
    const http = url.protocol === 'http:';
    Object.assign(options, { apiEndpoint: url.hostname, port: Number(url.port) || (http ? 80 : 443), protocol: http ? 'http' : 'https' });
    if (http) options.authClient = anonymousAuth as unknown as ClientOptions['authClient'];
  }
  if (!options.authClient && env.GOOGLE_APPLICATION_CREDENTIALS) options.keyFilename = env.GOOGLE_APPLICATION_CREDENTIALS;
  return options;
}

/** The client hands back Buffers (or base64 text): callers get a plain Uint8Array over the same bytes. */
function bytes(v: Uint8Array | string | null | undefined): Uint8Array | undefined {
  if (v === null || v === undefined) return undefined;
  const b = typeof v === 'string' ? Buffer.from(v, 'base64') : v;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export async function openGcpKmsRoot(config: GcpKmsSettings, env: NodeJS.ProcessEnv): Promise<RootOfTrust> {
  const client = new KeyManagementServiceClient(clientOptions(config, env));

  return {
    kind: 'gcp-kms',
    description: `gcp-kms ${config.name}${config.apiEndpoint ? ` via ${config.apiEndpoint}` : ''}`,

    async seal(plaintext, context) {
      // The JSON encoder reads a view's whole underlying buffer: give it its own copy.
      const copy = plaintext.slice();
      try {
        const [out] = await client.encrypt({ name: config.name, plaintext: copy, additionalAuthenticatedData: utf8(context) }, CALL_OPTIONS);
        const ct = bytes(out.ciphertext) ?? fail('E_ROOT', `Cloud KMS answered encrypt without a ciphertext for ${config.name}`);
        return concat(Uint8Array.of(TAG, VERSION), ct);
      } catch (e) {
        throw e instanceof GitsealError ? e : mapError(e, 'encrypt', config.name);
      } finally {
        wipe(copy);
      }
    },

    async unseal(sealed, context) {
      if (sealed.length < 3 || sealed[0] !== TAG) {
        fail('E_KEYSTORE', 'the sealed org key was not made by a gcp-kms root (check the root type in the configuration)');
      }
      if (sealed[1] !== VERSION) fail('E_KEYSTORE', `the sealed org key uses unknown gcp-kms-root version ${sealed[1]}`);
      try {
        const [out] = await client.decrypt(
          { name: config.name, ciphertext: sealed.slice(2), additionalAuthenticatedData: utf8(context) },
          CALL_OPTIONS,
        );
        return bytes(out.plaintext) ?? fail('E_ROOT', `Cloud KMS answered decrypt without a plaintext for ${config.name}`);
      } catch (e) {
        throw e instanceof GitsealError ? e : mapError(e, 'decrypt', config.name);
      }
    },

    async close() {
      await client.close();
    },
  };
}
