/**
 * `gitseal audit verify LOG [--expect-head HASH] [--checkpoint FILE --writer KEY]`:
 * proves the rewrap service's audit log chain is unbroken and, against a
 * checkpoint the service signed, that it was not rewritten or cut before
 * it; status 1 when it is not. The records' MACs need the audit key, which
 * only the service unseals (it checks them at every start): this command
 * checks the public hash chain (docs/ARCHITECTURE.md#audit).
 */
import { readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { parseWriter } from '../../core/crypto/writer-key.js';
import { fail } from '../../core/errors.js';
import { verifyAuditChunks, type AuditVerifyOptions as VerifyOptions, type AuditVerifyResult } from '../../kms/service/audit-verify.js';
import { checkpointSignedBy, parseCheckpoint, type AuditCheckpoint } from '../../kms/service/checkpoint.js';
import { EXIT_CHECK_FAILED } from '../exit-codes.js';
import type { AuditVerifyOptions } from './audit-verify.command.js';

const errnoOf = (e: unknown): string => (e as NodeJS.ErrnoException | null)?.code ?? 'unknown error';

/** The checkpoint file, its signature checked against `--writer`; null without --checkpoint. */
function readCheckpoint(opts: AuditVerifyOptions): AuditCheckpoint | null {
  if (opts.checkpoint === undefined) {
    if (opts.writer !== undefined) fail('E_USAGE', '--writer checks the signature of a --checkpoint: name the checkpoint too');
    return null;
  }
  const file = opts.checkpoint;
  if (typeof file !== 'string' || file === '') return fail('E_USAGE', '--checkpoint takes a file saved from GET /v1/audit/head');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return e instanceof SyntaxError ? fail('E_AUDIT', `${file} is not JSON: save the body of GET /v1/audit/head`) : fail('E_IO', `cannot read ${file}: ${errnoOf(e)}`);
  }
  const cp = parseCheckpoint(raw, file);
  if (typeof opts.writer !== 'string') fail('E_USAGE', "--checkpoint needs --writer, the service's writer key (GET /v1/keys), to check who signed it");
  const writer = parseWriter(opts.writer);
  if (!checkpointSignedBy(cp, writer)) fail('E_AUDIT', `${file} is not signed by the writer key ${writer.kid}: it cannot vouch for the log`);
  return cp;
}

export async function run(opts: AuditVerifyOptions): Promise<number> {
  const log = opts.log;
  if (typeof log !== 'string' || log === '') fail('E_USAGE', 'name the audit log to verify');
  let expectHead: string | undefined;
  if (opts.expectHead !== undefined) {
    if (typeof opts.expectHead !== 'string' || !/^[0-9a-fA-F]{64}$/.test(opts.expectHead)) fail('E_USAGE', '--expect-head takes a SHA-256 hash: 64 hex digits');
    expectHead = opts.expectHead.toLowerCase();
  }
  const cp = readCheckpoint(opts);
  const verify: VerifyOptions = { ...(expectHead === undefined ? {} : { expectHead }), ...(cp ? { checkpoint: { seq: cp.seq, head: cp.head } } : {}) };
  let fh: FileHandle;
  try {
    fh = await open(log, 'r');
  } catch (e) {
    return fail('E_IO', `cannot read ${log}: ${errnoOf(e)}`);
  }
  let result: AuditVerifyResult;
  try {
    result = await verifyAuditChunks(fh.createReadStream({ autoClose: false }), verify);
  } catch (e) {
    return fail('E_IO', `cannot read ${log}: ${errnoOf(e)}`);
  } finally {
    await fh.close();
  }
  const at = cp && result.ok ? `, holds the checkpoint at seq ${cp.seq} signed by ${cp.writerKid ?? ''}` : '';
  if (opts.json) process.stdout.write(JSON.stringify({ file: log, ...result, ...(cp ? { checkpoint: { seq: cp.seq, head: cp.head, writerKid: cp.writerKid } } : {}) }, null, 2) + '\n');
  else if (result.ok) process.stdout.write(`${log}: ok, ${result.records} records, head ${result.head}${at}\n`);
  else process.stdout.write(`${log}: line ${result.line}: ${result.problem}\n`);
  return result.ok ? 0 : EXIT_CHECK_FAILED;
}
