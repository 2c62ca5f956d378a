/**
 * Reading the fields of a `root:` mapping of the service configuration,
 * shared by the root modules; every failure is E_CONFIG naming the field.
 */
import { fail } from '../../core/errors.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);


export interface ConfigFields {
  /** Where the mapping is, for messages (e.g. 'serve.yaml: root'). */
  readonly where: string;
  /** Whether the field is given at all. */
  has(k: string): boolean;
  /** The field as parsed from YAML, for a nested mapping. */
  raw(k: string): unknown;
  optString(k: string): string | undefined;
  string(k: string): string;
  /** The name of an environment variable, `dflt` when absent. */
  envName(k: string, dflt: string): string;
  number(k: string, dflt: number, min: number, max: number): number;
}

export function configFields(o: Record<string, unknown>, where: string): ConfigFields {
  const optString = (k: string): string | undefined => {
    const v = o[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') fail('E_CONFIG', `${where}: ${k} must be a non-empty string`);
    return v;
  };
  return {
    where,
    has: (k) => o[k] !== undefined,
    raw: (k) => o[k],
    optString,
    string(k) {
      return optString(k) ?? fail('E_CONFIG', `${where}: ${k} is required`);
    },
    envName(k, dflt) {
      const v = optString(k) ?? dflt;
      if (!ENV_NAME.test(v)) fail('E_CONFIG', `${where}: ${k} must name an environment variable`);
      return v;
    },
    number(k, dflt, min, max) {
      const v = o[k] ?? dflt;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
        fail('E_CONFIG', `${where}: ${k} must be an integer from ${min} to ${max}`);
      }
      return v;
    },
  };
}

/**
 * Parses an endpoint; a bare 'host[:port]' means https. Plain http is
 * refused except to loopback: the sealed org key and the credentials
 * would cross the network in the clear.
 */
export function endpointUrl(value: string, where: string): URL {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`);
  } catch {
    return fail('E_CONFIG', `${where} ${JSON.stringify(value)} is not a URL or host:port`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail('E_CONFIG', `${where} must be https`);
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) fail('E_CONFIG', `${where}: plain http is only allowed to a loopback address`);
  if (url.username || url.password) fail('E_CONFIG', `${where} must not hold credentials`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) fail('E_CONFIG', `${where} must be a bare origin`);
  return url;
}
