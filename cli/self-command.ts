/**
 * The shell command that runs this gitseal, for git to call back (drivers,
 * hooks): `gitseal` when that is what PATH finds, else `node /abs/gitseal.mjs`.
 */
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fail } from '../core/errors.js';

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

export function selfCommand(): string {
  const script = process.argv[1] ? real(process.argv[1]) : null;
  if (!script) return fail('E_INTERNAL', 'cannot tell where this gitseal is installed');
  const found = onPath('gitseal');
  if (found && real(found) === script) return 'gitseal';
  const node = onPath('node');
  const nodeCommand = node && real(node) === real(process.execPath) ? 'node' : shellQuote(process.execPath);
  return `${nodeCommand} ${shellQuote(script)}`;
}
