/**
 * The rewrap service's org key file: every org key by kid with its public
 * recipient, lifecycle state and the private half sealed by the root of
 * trust. Pure text ⇄ records; the file on disk holds no usable secret
 * without the root.
 */
import { KEY_STATES, type KeyState } from '../protocol/types.js';
import { parseDocument, stringify } from 'yaml';
import { b64url, fromB64url } from '../../core/bytes.js';
import { fail, isGitsealError } from '../../core/errors.js';
import { isRecipientAlg, parseRecipient } from '../../core/crypto/recipients/index.js';
import type { RecipientAlg } from '../../core/crypto/recipients/types.js';
import { isRecord } from '../../core/is-record.js';

export const ORG_KEY_FILE_VERSION = 1;

/**
 * active: new files are encrypted to it; retired: an older key that still
 * decrypts; revoked: refused, still sealed on disk; destroyed: its sealed
 * private half is erased for good.
 */

export interface OrgKeyRecord {
  kid: string;
  alg: RecipientAlg;
  recipient: string;
  state: KeyState;
  created: string;
  /** When the state last changed (ISO time), absent for a key that was never changed. */
  changed?: string;
  /** The root's sealed blob of the private half; absent once destroyed. */
  sealed?: Uint8Array;
}

/** The AAD / encryption context a root binds a sealed org key to. */
export const sealContext = (kid: string): string => `gitseal/org-key/v1:${kid}`;

const bad = (file: string, what: string): never => fail('E_KEYSTORE', `${file}: ${what}`);

export function encodeOrgKeys(records: readonly OrgKeyRecord[]): string {
  const keys = records.map((r) => ({
    kid: r.kid,
    alg: r.alg,
    recipient: r.recipient,
    state: r.state,
    created: r.created,
    ...(r.changed ? { changed: r.changed } : {}),
    ...(r.sealed ? { sealed: b64url(r.sealed) } : {}),
  }));
  return stringify({ 'gitseal-service-keys': ORG_KEY_FILE_VERSION, keys }, { lineWidth: 0 });
}


export function decodeOrgKeys(text: string, file: string): OrgKeyRecord[] {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) bad(file, 'not valid YAML');
  const root: unknown = doc.toJS({ maxAliasCount: 0 });
  if (!isRecord(root) || root['gitseal-service-keys'] !== ORG_KEY_FILE_VERSION) return bad(file, `gitseal-service-keys must be ${ORG_KEY_FILE_VERSION}`);
  const list = root['keys'];
  if (!Array.isArray(list)) return bad(file, 'keys must be a list');
  const seen = new Set<string>();
  const records = list.map((item: unknown, i): OrgKeyRecord => {
    const where = `key ${i + 1}`;
    if (!isRecord(item)) return bad(file, `${where} is not a mapping`);
    const { kid, alg, recipient, state, created, changed, sealed } = item;
    if (typeof kid !== 'string' || typeof recipient !== 'string' || typeof created !== 'string') return bad(file, `${where} needs kid, recipient and created`);
    if (!isRecipientAlg(alg)) return bad(file, `${where} has an unknown alg`);
    if (!KEY_STATES.includes(state as KeyState)) return bad(file, `${where} has state ${String(state)}, expected one of ${KEY_STATES.join(', ')}`);
    if (seen.has(kid)) bad(file, `${kid} appears twice`);
    seen.add(kid);
    try {
      const r = parseRecipient(recipient);
      if (r.kid !== kid || r.alg !== alg) bad(file, `the recipient of ${where} is not ${kid}`);
    } catch (e) {
      if (isGitsealError(e, 'E_RECIPIENT')) bad(file, `${where} has an invalid recipient`);
      throw e;
    }
    const record: OrgKeyRecord = { kid, alg, recipient, state: state as KeyState, created };
    if (typeof changed === 'string') record.changed = changed;
    if (state === 'destroyed') {
      if (sealed !== undefined) bad(file, `${kid} is destroyed but still has a sealed key`);
    } else {
      if (typeof sealed !== 'string') return bad(file, `${kid} has no sealed key`);
      record.sealed = fromB64url(sealed, `the sealed key of ${kid}`);
    }
    return record;
  });
  if (records.filter((r) => r.state === 'active').length > 1) bad(file, 'more than one key is active');
  return records;
}
