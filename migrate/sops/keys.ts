/**
 * Recovers a SOPS file's 32-byte data key: from an age identity, AWS KMS
 * (Decrypt with the file's encryption context) or Google Cloud KMS. Also
 * wraps a new data key to age recipients for `gitseal export sops`.
 *
 * Age identities come from the caller (the CLI reads --age-key FILE,
 * SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, ~/.config/sops/age/keys.txt).
 * AWS KMS is reached where the SDK's own settings say (AWS_ENDPOINT_URL_KMS,
 * AWS_ENDPOINT_URL, the region of the key's ARN). GITSEAL_SOPS_GCP_ENDPOINT
 * points the Cloud KMS client at a loopback test double: it is for tests
 * only, since Google's client has no setting of its own for it.
 */
import { armor, Decrypter, Encrypter } from 'age-encryption';
import { fail, GitsealError } from '../../core/errors.js';
import type { SopsMetadata } from './metadata.js';
import { loadOptional } from '../../runtime/optional-package.js';
import { endpointUrl } from '../../kms/roots/config.js';

export interface DataKeyOptions {
  /** AGE-SECRET-KEY-1… strings. */
  readonly ageIdentities: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

const DATA_KEY_BYTES = 32;

/** The AGE-SECRET-KEY lines of an age identity file (comments and blank lines ignored). */
export function parseAgeIdentities(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => /^AGE-SECRET-KEY-/i.test(l));
}

const ok = (k: Uint8Array): Uint8Array => (k.length === DATA_KEY_BYTES ? k : fail('E_SOPS', `the SOPS data key is ${k.length} bytes, not ${DATA_KEY_BYTES}`));

async function fromAge(meta: SopsMetadata, identities: readonly string[]): Promise<Uint8Array | undefined> {
  if (!meta.age.length || !identities.length) return undefined;
  const d = new Decrypter();
  for (const id of identities) {
    try {
      d.addIdentity(id);
    } catch {
      fail('E_SOPS', 'an age identity is malformed (expected AGE-SECRET-KEY-1…)');
    }
  }
  for (const k of meta.age) {
    let file: Uint8Array;
    try {
      file = armor.decode(k.enc.trim() + '\n');
    } catch {
      try {
        file = Buffer.from(k.enc, 'base64');
      } catch {
        continue;
      }
    }
    try {
      return ok(await d.decrypt(file, 'uint8array'));
    } catch (e) {
      if (e instanceof GitsealError) throw e;
      /* not for these identities: try the next stanza */
    }
  }
  return undefined;
}

function regionOfArn(arn: string): string {
  const m = /^arn:aws[\w-]*:kms:([a-z0-9-]+):/.exec(arn);
  return m?.[1] ?? 'us-east-1';
}

async function fromAws(meta: SopsMetadata, env: NodeJS.ProcessEnv, errors: string[]): Promise<Uint8Array | undefined> {
  if (!meta.kms.length) return undefined;
  const { KMSClient, DecryptCommand } = await loadOptional('@aws-sdk/client-kms', () => import('@aws-sdk/client-kms'));
  for (const k of meta.kms) {
    const client = new KMSClient({
      region: regionOfArn(k.arn),
      ...(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
        ? { credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) } }
        : {}),
      maxAttempts: 2,
    });
    try {
      const out = await client.send(
        new DecryptCommand({ KeyId: k.arn, CiphertextBlob: Buffer.from(k.enc, 'base64'), ...(Object.keys(k.context).length ? { EncryptionContext: { ...k.context } } : {}) }),
      );
      if (out.Plaintext) return ok(out.Plaintext);
    } catch (e) {
      if (e instanceof GitsealError) throw e;
      errors.push(`AWS KMS ${k.arn}: ${String((e as { name?: unknown }).name ?? 'error')}`);
    } finally {
      client.destroy();
    }
  }
  return undefined;
}

async function fromGcp(meta: SopsMetadata, env: NodeJS.ProcessEnv, errors: string[]): Promise<Uint8Array | undefined> {
  if (!meta.gcpKms.length) return undefined;
  const { KeyManagementServiceClient } = await loadOptional('@google-cloud/kms', () => import('@google-cloud/kms'));
  type Options = NonNullable<ConstructorParameters<typeof KeyManagementServiceClient>[0]>;
  const options: Options = { fallback: true };
  if (env.GITSEAL_SOPS_GCP_ENDPOINT) {
    const url = endpointUrl(env.GITSEAL_SOPS_GCP_ENDPOINT, 'GITSEAL_SOPS_GCP_ENDPOINT');
    const http = url.protocol === 'http:';
    Object.assign(options, { apiEndpoint: url.hostname, port: Number(url.port) || (http ? 80 : 443), protocol: http ? 'http' : 'https' });
    if (http) {
      const anonymous = { getRequestHeaders: async () => new Headers(), fetch: (u: string | URL, init?: RequestInit) => fetch(u, init) };
      options.authClient = anonymous as unknown as Options['authClient'];
    }
  }
  const client = new KeyManagementServiceClient(options);
  try {
    for (const k of meta.gcpKms) {
      try {
        const [out] = await client.decrypt({ name: k.resourceId, ciphertext: Buffer.from(k.enc, 'base64') }, { timeout: 10_000, maxRetries: 1 });
        const p = out.plaintext;
        if (p) return ok(typeof p === 'string' ? Buffer.from(p, 'base64') : p);
      } catch (e) {
        if (e instanceof GitsealError) throw e;
        errors.push(`Cloud KMS ${k.resourceId}: code ${String((e as { code?: unknown }).code ?? 'error')}`);
      }
    }
  } finally {
    await client.close();
  }
  return undefined;
}

/** The data key, or E_NO_KEY naming what was tried. */
export async function recoverDataKey(meta: SopsMetadata, opts: DataKeyOptions): Promise<Uint8Array> {
  const errors: string[] = [];
  const key = (await fromAge(meta, opts.ageIdentities)) ?? (await fromAws(meta, opts.env, errors)) ?? (await fromGcp(meta, opts.env, errors));
  if (key) return key;
  const tried = [
    meta.age.length ? `age (${meta.age.length} recipient${meta.age.length > 1 ? 's' : ''}${opts.ageIdentities.length ? ', none matches the identities given' : ', no identity given: pass --age-key FILE or set SOPS_AGE_KEY_FILE'})` : '',
    ...errors,
    meta.otherKeyTypes.length ? `unsupported key types: ${meta.otherKeyTypes.join(', ')}` : '',
  ].filter(Boolean);
  return fail('E_NO_KEY', `no key at hand opens the SOPS data key${tried.length ? `: ${tried.join('; ')}` : ''}`);
}

/** Wraps `dataKey` to each age recipient as SOPS does: an armored age file per recipient. */
export async function wrapForAge(dataKey: Uint8Array, recipients: readonly string[]): Promise<Array<{ recipient: string; enc: string }>> {
  const out: Array<{ recipient: string; enc: string }> = [];
  for (const r of recipients) {
    const e = new Encrypter();
    try {
      e.addRecipient(r);
    } catch {
      fail('E_RECIPIENT', `"${r.slice(0, 80)}" is not an age recipient (age1…)`);
    }
    out.push({ recipient: r, enc: armor.encode(await e.encrypt(dataKey)) });
  }
  return out;
}
