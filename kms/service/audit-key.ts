/**
 * The audit key (docs/ARCHITECTURE.md#audit): 32 random bytes that key the
 * MAC of every audit record (audit-verify.ts), so that whoever can write the
 * log file but cannot ask the root of trust cannot re-chain it (issue 15).
 * It is its own key, never an org key, sealed by the root exactly as org
 * keys are, in its own file beside the log (`AUDIT.key`, mode 0600): the
 * log's folder is writable, where the org key file may be a read-only mount.
 *
 * The file is made on first start, and only while the log is empty: a log
 * with records and no key file cannot be checked, and the service refuses it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { b64url, fromB64url, wipe } from '../../core/bytes.js';
import { fail } from '../../core/errors.js';
import { isRecord } from '../../core/is-record.js';
import { writeAtomic } from '../../runtime/atomic-file.js';
import type { RootOfTrust } from '../roots/types.js';

/** The context the root binds the sealed audit key to, so no sealed org key can stand in for it. */
const AUDIT_KEY_CONTEXT = 'gitseal/audit-key/v1';
const FIELDS = new Set(['gitseal-audit-key', 'created', 'sealed']);

/** Where the sealed audit key of the log `auditFile` lives. */
export const auditKeyFile = (auditFile: string): string => `${auditFile}.key`;

const logHasRecords = (auditFile: string): boolean => existsSync(auditFile) && statSync(auditFile).size > 0;

/**
 * The unsealed audit key of `auditFile` (the caller wipes it), making and
 * sealing a new one when there is none and the log is empty. Throws E_AUDIT
 * when the log has records but no key file, or the file is malformed; the
 * root's errors (E_ROOT_REVOKED, E_ROOT) as they are.
 */
export async function openAuditKey(auditFile: string, root: RootOfTrust, now = new Date()): Promise<Uint8Array> {
  const file = auditKeyFile(auditFile);
  if (!existsSync(file)) {
    if (logHasRecords(auditFile)) fail('E_AUDIT', `${auditFile} has records but its audit key ${file} is missing: the log cannot be checked; restore the key file, or move the log aside`);
    const key = new Uint8Array(randomBytes(32));
    const sealed = await root.seal(key, AUDIT_KEY_CONTEXT);
    writeAtomic(file, JSON.stringify({ 'gitseal-audit-key': 1, created: now.toISOString(), sealed: b64url(sealed) }) + '\n', 0o600);
    return key;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return fail('E_AUDIT', `cannot read the audit key ${file} (not JSON)`);
  }
  if (!isRecord(raw) || raw['gitseal-audit-key'] !== 1 || typeof raw.sealed !== 'string' || Object.keys(raw).some((k) => !FIELDS.has(k)))
    fail('E_AUDIT', `${file} is not a gitseal audit key file (version 1)`);
  const key = await root.unseal(fromB64url(raw.sealed, `${file} sealed`), AUDIT_KEY_CONTEXT);
  if (key.length !== 32) {
    wipe(key);
    fail('E_AUDIT', `${file} does not hold a 32-byte audit key`);
  }
  return key;
}
