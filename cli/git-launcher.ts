/**
 * The one file git's drivers and the pre-commit hook call gitseal through,
 * in the repository's git folder (not committed). When the gitseal that
 * setup found is gone (uninstalled, another PATH, a GUI client), it says
 * what to install instead of `gitseal: not found`; a diff then shows the
 * ciphertext as plain git would, while a merge or a commit fails.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from './files.js';
import type { SelfCommand } from './self-command.js';

export const LAUNCHER_MARK = '# gitseal launcher';

export function renderLauncher(self: SelfCommand, version: string): string {
  const install = version === 'dev' ? 'gitseal' : `gitseal@${version}`;
  return [
    '#!/bin/sh',
    `${LAUNCHER_MARK}: written by "gitseal git setup" (run it again to update this file).`,
    `if ${self.present}; then exec ${self.command} "$@"; fi`,
    `echo "gitseal: ${self.command.replace(/["\\$`]/g, '\\$&')} is not there, and git needs it for encrypted files." >&2`,
    `echo "gitseal: install it (npm install -g ${install}, or the binary or the image: see gitseal's README, Install), then run: gitseal git setup" >&2`,
    '# A diff shows the ciphertext, as git would without gitseal; a merge or a commit fails.',
    'if [ "$1" = git ] && [ "$2" = textconv ]; then exec cat -- "$3"; fi',
    'exit 127',
    '',
  ].join('\n');
}

/** Writes the launcher into `gitDir` (the common git folder, shared by worktrees); returns its path and whether it changed. */
export function installLauncher(gitDir: string, self: SelfCommand, version: string): { path: string; changed: boolean } {
  const dir = join(gitDir, 'gitseal');
  const path = join(dir, 'gitseal');
  const text = renderLauncher(self, version);
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return { path, changed: false };
  mkdirSync(dir, { recursive: true });
  writeAtomic(path, text, 0o755);
  chmodSync(path, 0o755);
  return { path, changed: true };
}
