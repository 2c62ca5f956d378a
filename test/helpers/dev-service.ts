/**
 * `gitseal serve --dev DIR` as a child process, for the tests that decrypt through it: started, its printed
 * environment and recipient read, stopped with SIGTERM.
 */
import { spawn } from 'node:child_process';

export interface DevService {
  /** The GITSEAL_* variables it prints for the CLI. */
  env: Record<string, string>;
  /** Its org key's recipient, from the `gitseal init -r` line it prints. */
  recipient: string;
  /** What it printed to stderr so far (its log). */
  log(): string;
  /** SIGTERM; resolves with its exit status. */
  stop(): Promise<number | null>;
}

export async function startDevService(file: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<DevService> {
  const child = spawn(file, [...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd } });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stop = (): Promise<number | null> => {
    child.kill('SIGTERM');
    return exited;
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve --dev did not start: ${err}`)), timeoutMs);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Stop with Ctrl-C')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    env: Object.fromEntries([...out.matchAll(/export (\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!])),
    recipient: /gitseal init -r (\S+)/.exec(out)![1]!,
    log: () => err,
    stop,
  };
}
