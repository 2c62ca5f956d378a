import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fail } from '../../core/errors.js';
import { renderOpened } from '../../core/format/stream.js';
import { parsePlainStream } from '../../core/format/yaml-store.js';
import { environmentOf } from '../exec-environment.js';
import { openFile } from '../open-file.js';
import { afterDoubleDash } from '../double-dash.js';
import type { ExecEnvOptions } from './exec-env.command.js';

export async function run(opts: ExecEnvOptions): Promise<number> {
  const cmd = [...(opts.cmd ?? []), ...afterDoubleDash(opts)].map(String);
  if (cmd.length === 0) fail('E_USAGE', 'name the command to run: gitseal exec-env FILE -- CMD [ARGS...]');
  const f = await openFile(opts.file, opts.key);
  const documents = f.opened.flatMap((o) => parsePlainStream(renderOpened([o])).map((p) => p.toJS()));
  const { env, skipped } = environmentOf(documents, new Set(opts.allowEnv ?? []));
  if (skipped.length) process.stderr.write(`gitseal: not exported (not a variable name, or not a single value): ${skipped.join(', ')}\n`);
  try {
    return await new Promise<number>((resolve, reject) => {
      const child = spawn(cmd[0]!, cmd.slice(1), { stdio: 'inherit', env: { ...process.env, ...env } });
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
    });
  } catch {
    return fail('E_EXEC', `cannot run ${cmd[0]}: is it installed and on PATH?`);
  }
}
