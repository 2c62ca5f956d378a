/**
 * Runs an image with podman as a cluster would: its own user, a read-only
 * root, tmpfs /tmp. runc, not crun: crun refuses this VM's hybrid cgroups.
 * The limits are set low because podman's defaults (nofile 1048576) exceed
 * the VM's hard limits and it has no CAP_SYS_RESOURCE to raise them.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface RunOptions {
  /** A name, so that `stopContainer` can stop it. */
  name?: string;
  /** Share the host's network, for services on loopback. Otherwise none. */
  hostNetwork?: boolean;
  /** host folder → container folder */
  volumes?: Record<string, string>;
  env?: Record<string, string>;
  entrypoint?: string;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function podmanArgs(image: string, args: readonly string[], opts: RunOptions): string[] {
  return [
    '--runtime', 'runc', 'run', '--rm', '--read-only',
    '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024',
    '--network', opts.hostNetwork ? 'host' : 'none',
    ...(opts.name ? ['--name', opts.name, '--replace'] : []),
    ...Object.entries(opts.volumes ?? {}).flatMap(([host, inside]) => ['-v', `${host}:${inside}`]),
    ...Object.entries(opts.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    ...(opts.entrypoint ? ['--entrypoint', opts.entrypoint] : []),
    image,
    ...args,
  ];
}

/** Asynchronous, so that servers of the calling process (doubles on loopback) can answer the container. */
export function run(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<RunResult> {
  const child = spawn(command, args, { env, timeout: 150_000 });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

export const runImage = (image: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> => run('podman', podmanArgs(image, args, opts));

export function startImage(image: string, args: readonly string[], opts: RunOptions): ChildProcessWithoutNullStreams {
  return spawn('podman', podmanArgs(image, args, opts));
}

/** SIGTERM, then SIGKILL after `seconds`. */
export function stopContainer(name: string, seconds = 10): void {
  spawnSync('podman', ['stop', '--time', String(seconds), name], { encoding: 'utf8', timeout: (seconds + 20) * 1000 });
}
