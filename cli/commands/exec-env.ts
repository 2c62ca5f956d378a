import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fail } from '../../core/errors.js';
import { isSecretManifest } from '../../core/format/k8s-secret.js';
import { renderOpened } from '../../core/format/stream.js';
import { parsePlainStream } from '../../core/format/yaml-store.js';
import { openFile } from '../open-file.js';
import { afterDoubleDash } from '../double-dash.js';
import type { ExecEnvOptions } from './exec-env.command.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The variables a document gives: a Secret's data (base64-decoded) and stringData, or a generic file's top-level values. */
export function environmentOf(obj: unknown): Record<string, string> {
  const env: Record<string, string> = {};
  if (obj === null || typeof obj !== 'object') return env;
  const o = obj as Record<string, unknown>;
  const put = (k: string, v: unknown) => {
    if (!ENV_NAME.test(k) || v === null || typeof v === 'object') return;
    env[k] = String(v);
  };
  if (isSecretManifest(o)) {
    for (const [k, v] of Object.entries((o.data ?? {}) as Record<string, unknown>)) put(k, Buffer.from(String(v), 'base64').toString('utf8'));
    for (const [k, v] of Object.entries((o.stringData ?? {}) as Record<string, unknown>)) put(k, v);
  } else for (const [k, v] of Object.entries(o)) put(k, v);
  return env;
}

export async function run(opts: ExecEnvOptions): Promise<number> {
  const cmd = [...(opts.cmd ?? []), ...afterDoubleDash(opts)].map(String);
  if (cmd.length === 0) fail('E_USAGE', 'name the command to run: gitseal exec-env FILE -- CMD [ARGS...]');
  const f = await openFile(opts.file, opts.key);
  const env: Record<string, string> = {};
  for (const o of f.opened) {
    for (const p of parsePlainStream(renderOpened([o]))) Object.assign(env, environmentOf(p.toJS()));
  }
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
