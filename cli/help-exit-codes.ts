/**
 * `gitseal help exit-codes`: the statuses gitseal exits with, made from the
 * table the CLI exits by (exit-codes.ts) and the meaning each error code is
 * declared with (core/errors.ts), so the topic cannot drift from either.
 */
import { ERROR_CODES, type ErrorCode } from '../core/errors.js';
import { EXIT_CHECK_FAILED, EXIT_CODES } from './exit-codes.js';
import { columns, wrap } from './help-topics.js';

export interface ExitRow {
  readonly status: number;
  /** '' for the statuses that are no error: 0 and EXIT_CHECK_FAILED. */
  readonly code: ErrorCode | '';
  readonly meaning: string;
}

// The commands that answer a question with their status, as diff(1) does (verify.ts, diff.ts, policy-check.ts, audit-verify.ts, git-merge.ts, git-pre-commit.ts).
const CHECK_FAILED =
  'checked, and the answer is no: verify found a problem, diff a difference, policy check a denial, audit verify a broken log; git merge left a conflict, git pre-commit refused a staged file';

/** Every status gitseal exits with, in order. */
export function exitRows(): ExitRow[] {
  const errors = (Object.keys(EXIT_CODES) as ErrorCode[]).map((code) => ({ status: EXIT_CODES[code], code, meaning: ERROR_CODES[code] }));
  return [{ status: 0, code: '' as const, meaning: 'success' }, { status: EXIT_CHECK_FAILED, code: '' as const, meaning: CHECK_FAILED }, ...errors].sort((a, b) => a.status - b.status);
}

export function exitCodesText(width: number): string {
  const rows = exitRows().map((r) => [String(r.status).padStart(6), r.code, r.meaning]);
  const intro = 'The statuses gitseal exits with. A failure prints "gitseal: MESSAGE [CODE]" on stderr: a script should test the status or the code, not the message. A failed command leaves every file as it was.';
  return [
    ...wrap(intro, width),
    '',
    columns([['status', 'code', 'meaning'], ...rows], width, ''),
  ].join('\n');
}
