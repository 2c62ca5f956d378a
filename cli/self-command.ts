/**
 * How git calls this gitseal back (drivers, hooks), and how to tell later
 * whether it is still there: `gitseal` when that is what PATH finds, the
 * project's `node_modules/.bin/gitseal` (relative: git runs drivers and
 * hooks from the top of the work tree, so it holds for every clone that ran
 * `npm ci`), the single binary by its path, else `node /abs/gitseal.mjs`.
 * npx's cache is refused: git would call a folder npx may clean at any time.
 */
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join, relative, sep } from 'node:path';
import { fail } from '../core/errors.js';
import { isSingleExecutable } from '../runtime/single-executable.js';

const real = (p: string): string | null => {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
};

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

/** Quotes for sh when needed. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_/.,:+@%=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface SelfCommand {
  /** What to run, for sh. */
  command: string;
  /** A sh test that holds while `command` can still run. */
  present: string;
}

/** `top`: the work tree git will run the command from. */
export function selfCommand(top: string): SelfCommand {
  // In a single executable, execPath is gitseal itself (process.argv[1] is the command as typed).
  const binary = isSingleExecutable();
  const self = binary ? real(process.execPath) : process.argv[1] ? real(process.argv[1]) : null;
  if (!self) return fail('E_INTERNAL', 'cannot tell where this gitseal is installed');
  if (self.split(sep).includes('_npx'))
    fail('E_USAGE', 'this gitseal runs from npx\'s cache, which git cannot count on: install gitseal (npm install --save-dev gitseal, or -g; or the binary) and run "gitseal git setup" again');
  const found = onPath('gitseal');
  if (found && real(found) === self) return { command: 'gitseal', present: 'command -v gitseal >/dev/null 2>&1' };
  const local = join(top, 'node_modules', '.bin', 'gitseal');
  if (real(local) === self) {
    const path = relative(top, local).split(sep).join('/');
    return { command: path, present: `[ -x ${path} ]` };
  }
  if (binary) return { command: shellQuote(self), present: `[ -x ${shellQuote(self)} ]` };
  const node = onPath('node');
  const nodeCommand = node && real(node) === real(process.execPath) ? 'node' : shellQuote(process.execPath);
  const nodeThere = nodeCommand === 'node' ? 'command -v node >/dev/null 2>&1' : `[ -x ${nodeCommand} ]`;
  return { command: `${nodeCommand} ${shellQuote(self)}`, present: `${nodeThere} && [ -f ${shellQuote(self)} ]` };
}
