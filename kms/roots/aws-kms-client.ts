/**
 * An AWS KMS symmetric key as root: Encrypt/Decrypt with the context as the
 * encryption context {gitseal: context}. Sealed blob: 'A' 0x01 | CiphertextBlob.
 * Credentials come from the SDK's default chain, or from AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN) in the environment `openRoot` is given.
 */
import { DecryptCommand, EncryptCommand, KMSClient, type KMSClientConfig } from '@aws-sdk/client-kms';
import { concat } from '../../core/bytes.js';
import { fail, GitsealError } from '../../core/errors.js';
import type { RootOfTrust } from './types.js';

/** What the client needs of an aws-kms root's configuration (aws-kms.ts parses it). */
export interface AwsKmsSettings {
  keyId: string;
  region: string;
  endpoint?: string;
}

const TAG = 0x41; // 'A'
const VERSION = 1;

/** The key refuses: disabled, pending deletion, gone, or not ours to use. */
const REVOKED = new Set([
  'DisabledException',
  'KMSInvalidStateException',
  'NotFoundException',
  'AccessDeniedException',
  'IncorrectKeyException',
  'InvalidCiphertextException',
]);

const field = (e: unknown, k: string): unknown => (e !== null && typeof e === 'object' && k in e ? (e as Record<string, unknown>)[k] : undefined);

/**
 * KMS's own messages for refusals name only the key; other errors (signature
 * mismatches carry the canonical request) are reported by name and status alone.
 */
function mapError(e: unknown, what: string, keyId: string): GitsealError {
  const name = String(field(e, 'name') ?? 'Error');
  if (REVOKED.has(name)) {
    const raw = String(field(e, 'message') ?? '');
    // The SDK says 'UnknownError' when KMS sent no message (InvalidCiphertextException does not).
    const message = raw === 'UnknownError' ? '' : raw.slice(0, 300);
    return new GitsealError('E_ROOT_REVOKED', `AWS KMS refused to ${what} with key ${keyId}: ${name}${message ? `: ${message}` : ''}`);
  }
  const status = field(field(e, '$metadata'), 'httpStatusCode');
  const code = field(e, 'code');
  const detail = [name, typeof status === 'number' ? `HTTP ${status}` : '', typeof code === 'string' ? code : ''].filter(Boolean).join(', ');
  return new GitsealError('E_ROOT', `AWS KMS could not ${what} with key ${keyId} (${detail})`);
}

function credentialsFrom(env: NodeJS.ProcessEnv): Pick<KMSClientConfig, 'credentials'> {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return {};
  const sessionToken = env.AWS_SESSION_TOKEN;
  return { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } };
}

export async function openAwsKmsRoot(config: AwsKmsSettings, env: NodeJS.ProcessEnv): Promise<RootOfTrust> {
  const client = new KMSClient({
    region: config.region,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...credentialsFrom(env),
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
  });
  const encryptionContext = (context: string): Record<string, string> => ({ gitseal: context });

  return {
    kind: 'aws-kms',
    description: `aws-kms key ${config.keyId} (${config.region}${config.endpoint ? ` via ${config.endpoint}` : ''})`,

    async seal(plaintext, context) {
      try {
        const out = await client.send(new EncryptCommand({ KeyId: config.keyId, Plaintext: plaintext, EncryptionContext: encryptionContext(context) }));
        const blob = out.CiphertextBlob ?? fail('E_ROOT', `AWS KMS answered Encrypt without a ciphertext for key ${config.keyId}`);
        return concat(Uint8Array.of(TAG, VERSION), blob);
      } catch (e) {
        throw e instanceof GitsealError ? e : mapError(e, 'encrypt', config.keyId);
      }
    },

    async unseal(sealed, context) {
      if (sealed.length < 3 || sealed[0] !== TAG) {
        fail('E_KEYSTORE', 'the sealed org key was not made by an aws-kms root (check the root type in the configuration)');
      }
      if (sealed[1] !== VERSION) fail('E_KEYSTORE', `the sealed org key uses unknown aws-kms-root version ${sealed[1]}`);
      try {
        const out = await client.send(
          new DecryptCommand({ KeyId: config.keyId, CiphertextBlob: sealed.subarray(2), EncryptionContext: encryptionContext(context) }),
        );
        return out.Plaintext ?? fail('E_ROOT', `AWS KMS answered Decrypt without a plaintext for key ${config.keyId}`);
      } catch (e) {
        throw e instanceof GitsealError ? e : mapError(e, 'decrypt', config.keyId);
      }
    },

    async close() {
      client.destroy();
    },
  };
}
