/**
 * `gitseal audit verify LOG [--expect-head HASH]`: proves the rewrap
 * service's audit log chain is unbroken; status 1 when it is not.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { fail } from '../../core/errors.js';
import { verifyAuditChunks, type AuditVerifyResult } from '../../kms/service/audit-verify.js';
import { EXIT_CHECK_FAILED } from '../exit-codes.js';
import type { AuditVerifyOptions } from './audit-verify.command.js';

const errnoOf = (e: unknown): string => (e as NodeJS.ErrnoException | null)?.code ?? 'unknown error';

export async function run(opts: AuditVerifyOptions): Promise<number> {
  const log = opts.log;
  if (typeof log !== 'string' || log === '') fail('E_USAGE', 'name the audit log to verify');
  let expectHead: string | undefined;
  if (opts.expectHead !== undefined) {
    if (typeof opts.expectHead !== 'string' || !/^[0-9a-fA-F]{64}$/.test(opts.expectHead)) fail('E_USAGE', '--expect-head takes a SHA-256 hash: 64 hex digits');
    expectHead = opts.expectHead.toLowerCase();
  }
  let fh: FileHandle;
  try {
    fh = await open(log, 'r');
  } catch (e) {
    return fail('E_IO', `cannot read ${log}: ${errnoOf(e)}`);
  }
  let result: AuditVerifyResult;
  try {
    result = await verifyAuditChunks(fh.createReadStream({ autoClose: false }), expectHead === undefined ? {} : { expectHead });
  } catch (e) {
    return fail('E_IO', `cannot read ${log}: ${errnoOf(e)}`);
  } finally {
    await fh.close();
  }
  if (opts.json) process.stdout.write(JSON.stringify({ file: log, ...result }, null, 2) + '\n');
  else if (result.ok) process.stdout.write(`${log}: ok, ${result.records} records, head ${result.head}\n`);
  else process.stdout.write(`${log}: line ${result.line}: ${result.problem}\n`);
  return result.ok ? 0 : EXIT_CHECK_FAILED;
}
