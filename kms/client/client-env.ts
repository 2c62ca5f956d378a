/**
 * The rewrap client as configured by the environment
 * (docs/ARCHITECTURE.md#decrypting-on-a-laptop-or-in-ci): the CLI and the
 * controller read the same variables.
 *
 *   GITSEAL_SERVER          https://host:port of the rewrap service
 *   GITSEAL_SERVER_CA       CA bundle for the service's certificate
 *   GITSEAL_CLIENT_CERT/KEY client certificate for mTLS
 *   GITSEAL_TOKEN_FILE      bearer token file, read at each request (projected service-account tokens rotate)
 *   GITSEAL_TOKEN           bearer token (CI OIDC tokens)
 *   GITSEAL_SIGNING_KEY     Ed25519 private key (PEM) that signs each request, with GITSEAL_SIGNING_KEY_ID
 */
import { readFileSync } from 'node:fs';
import { fail } from '../../core/errors.js';
import { loadSigningKey } from '../auth/request-signature.js';
import { RewrapClient, type RewrapClientOptions } from './client.js';

function readFile(env: NodeJS.ProcessEnv, name: string): Buffer | undefined {
  const file = env[name];
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch {
    return fail('E_IO', `cannot read ${name} (${file})`);
  }
}


/** The service and how its certificate is checked (its CA, else the system's), with a client certificate when one is set. */
function connectionFromEnv(env: NodeJS.ProcessEnv, extra: Partial<RewrapClientOptions>): { opts: RewrapClientOptions; clientCert: boolean } {
  const server = env['GITSEAL_SERVER'] ?? fail('E_USAGE', 'GITSEAL_SERVER is not set');
  const opts: RewrapClientOptions = { server, ...extra };
  const ca = readFile(env, 'GITSEAL_SERVER_CA');
  if (ca) opts.ca = ca;
  const cert = readFile(env, 'GITSEAL_CLIENT_CERT');
  const key = readFile(env, 'GITSEAL_CLIENT_KEY');
  if (cert && key) Object.assign(opts, { cert, key });
  return { opts, clientCert: cert !== undefined && key !== undefined };
}

/**
 * A client for the routes that need no credential (GET /v1/recipient): the
 * service's certificate is checked as for every other call, and a client
 * certificate is presented when set (a service may ask for one in the
 * handshake), but no token or signing key is needed or sent.
 */
export function publicClientFromEnv(env: NodeJS.ProcessEnv = process.env): RewrapClient {
  return new RewrapClient(connectionFromEnv(env, {}).opts);
}

export function clientFromEnv(env: NodeJS.ProcessEnv = process.env, extra: Partial<RewrapClientOptions> = {}): RewrapClient {
  const { opts, clientCert } = connectionFromEnv(env, extra);
  const tokenFile = env['GITSEAL_TOKEN_FILE'];
  const token = env['GITSEAL_TOKEN'];
  if (tokenFile) opts.token = () => readFile(env, 'GITSEAL_TOKEN_FILE')!.toString('utf8').trim();
  else if (token) opts.token = () => token;
  const signing = readFile(env, 'GITSEAL_SIGNING_KEY');
  if (signing) {
    const keyId = env['GITSEAL_SIGNING_KEY_ID'] ?? fail('E_USAGE', 'GITSEAL_SIGNING_KEY needs GITSEAL_SIGNING_KEY_ID (the name the service knows the key by)');
    opts.signingKey = { keyId, privateKey: loadSigningKey(signing.toString('utf8')).keyObject };
  }
  if (!opts.token && !opts.signingKey && !clientCert)
    fail('E_AUTH', 'GITSEAL_SERVER is set but no credentials are: set GITSEAL_TOKEN_FILE, GITSEAL_TOKEN, GITSEAL_SIGNING_KEY or GITSEAL_CLIENT_CERT/KEY');
  return new RewrapClient(opts);
}
