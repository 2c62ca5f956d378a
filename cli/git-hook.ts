/**
 * The pre-commit hook `gitseal git setup` installs. A hook that was there
 * before is kept and chained: it is renamed `pre-commit.before-gitseal`
 * and run after the guard, with the same arguments, so nothing the user
 * had stops running.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from './files.js';

export const HOOK_MARK = '# gitseal pre-commit guard';
const CHAINED = 'pre-commit.before-gitseal';

export function renderHook(command: string, chained: string | null): string {
  const lines = [
    '#!/bin/sh',
    `${HOOK_MARK}: written by "gitseal git setup" (run it again to update this file).`,
    '# Refuses plaintext Secrets, unencrypted files the creation rules match, and private keys.',
    `${command} git pre-commit || exit $?`,
  ];
  if (chained)
    lines.push(
      `# chains: ${chained}`,
      `chained="$(dirname "$0")/${chained}"`,
      'if [ -x "$chained" ]; then exec "$chained" "$@"; fi',
    );
  return lines.join('\n') + '\n';
}

export type HookResult = 'installed' | 'updated' | 'unchanged' | 'chained';

/** Installs or refreshes the hook in `dir`; idempotent. */
export function installPreCommit(dir: string, command: string): { result: HookResult; chained: string | null } {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'pre-commit');
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : null;
  let chained: string | null = null;
  let result: HookResult;
  if (existing !== null && existing.includes(HOOK_MARK)) {
    // Only names this function writes; anything else is not pasted into the script.
    chained = /^# chains: (pre-commit\.before-gitseal(?:-\d+)?)$/m.exec(existing)?.[1] ?? null;
    result = 'updated';
  } else if (existing !== null) {
    chained = CHAINED;
    for (let n = 2; existsSync(join(dir, chained)); n++) chained = `${CHAINED}-${n}`;
    renameSync(path, join(dir, chained));
    result = 'chained';
  } else result = 'installed';
  const text = renderHook(command, chained);
  if (existing === text) return { result: 'unchanged', chained };
  writeAtomic(path, text, 0o755);
  chmodSync(path, 0o755);
  return { result, chained };
}
