import { basename } from 'node:path';
import { fail } from '../../core/errors.js';
import { renderOpened } from '../../core/format/stream.js';
import { runWithPlaintext } from '../child-with-plaintext.js';
import { formatDecrypted } from '../decrypted-output.js';
import { afterDoubleDash } from '../double-dash.js';
import { openFile } from '../open-file.js';
import { createRamFile } from '../plaintext-file.js';
import type { ExecFileOptions } from './exec-file.command.js';

/** `secret.enc.yaml` → `secret.yaml`; the name a tool sees may matter to it (kubectl, dotenv loaders). */
const plainName = (file: string, type: string | undefined): string => {
  const name = file === '-' ? 'stdin.yaml' : basename(file).replace(/\.enc(?=\.|$)/, '');
  return type === undefined ? name : name.replace(/(\.[^.]*)?$/, type === 'dotenv' ? '.env' : `.${type}`);
};

/**
 * Decrypts FILE into a 0600 file in a RAM folder, runs the command with `{}` in its arguments replaced by
 * that path (or the path appended when no argument has `{}`), then wipes the file: sops's exec-file.
 */
export async function run(opts: ExecFileOptions): Promise<number> {
  const cmd = [...(opts.cmd ?? []), ...afterDoubleDash(opts)].map(String);
  if (cmd.length === 0) fail('E_USAGE', 'name the command to run: gitseal exec-file FILE -- CMD [ARGS...] ({} is the decrypted file)');
  const name = opts.filename ?? plainName(opts.file, opts.outputType);
  if (name !== basename(name) || name === '' || name === '.' || name === '..') fail('E_USAGE', `--filename takes a file name, not a path: ${name}`);
  const f = await openFile(opts.file, opts.key);
  const tmp = createRamFile(name, formatDecrypted(renderOpened(f.opened), opts.outputType, f.format === 'json'));
  try {
    const args = cmd.slice(1);
    const withPath = args.some((a) => a.includes('{}')) ? args.map((a) => a.replaceAll('{}', tmp.path)) : [...args, tmp.path];
    const status = await runWithPlaintext(tmp, cmd[0]!, withPath);
    return status ?? fail('E_EXEC', `cannot run ${cmd[0]}: is it installed and on PATH?`);
  } finally {
    tmp.wipe();
  }
}
