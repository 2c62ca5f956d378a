/**
 * A plaintext file that never touches persistent disk: created in a RAM
 * filesystem (/dev/shm or $XDG_RUNTIME_DIR) with mode 0600, overwritten
 * with zeros and removed afterwards. Its folder is named after the process
 * (`gitseal-<pid>-…`), so a later start can sweep what a killed one left.
 */
import { closeSync, existsSync, fchmodSync, fstatSync, lstatSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statfsSync, writeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../core/errors.js';

// Magic numbers of the Linux filesystems that live in memory (statfs(2)).
const RAM_FILESYSTEMS = new Set([0x01021994 /* tmpfs */, 0x858458f6 /* ramfs */]);

export function ramDirectory(): string {
  const candidates = [process.env.GITSEAL_RAM_DIR, '/dev/shm', process.env.XDG_RUNTIME_DIR].filter((d): d is string => !!d);
  for (const dir of candidates) {
    try {
      if (existsSync(dir) && RAM_FILESYSTEMS.has(Number(statfsSync(dir).type))) return dir;
    } catch {
      /* try the next one */
    }
  }
  return fail('E_EDITOR', 'no memory-backed folder (/dev/shm or $XDG_RUNTIME_DIR on tmpfs) to hold the plaintext: gitseal will not write it to disk');
}

export interface RamFile {
  readonly path: string;
  read(): string;
  /** Replaces the contents (the old ones overwritten with zeros first), mode 0600. */
  write(contents: string): void;
  /** Overwrites the contents with zeros and removes the file and its folder. */
  wipe(): void;
}

const FOLDER = /^gitseal-(\d+)-[A-Za-z0-9]{6}$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Wipes the folders earlier gitseal processes of this user left in `ram` (killed with SIGKILL, or a
 * crash): only ours by owner, older than this process, and whose process is gone. Returns how many.
 */
export function sweepStale(ram: string): number {
  const started = Date.now() - process.uptime() * 1000;
  const uid = process.getuid?.();
  let swept = 0;
  for (const name of readdirSync(ram)) {
    const m = FOLDER.exec(name);
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    const dir = join(ram, name);
    try {
      const st = lstatSync(dir);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || st.mtimeMs >= started) continue;
      for (const f of readdirSync(dir)) wipeFile(join(dir, f));
      rmSync(dir, { recursive: true, force: true });
      swept++;
    } catch {
      /* gone meanwhile, or not ours to remove */
    }
  }
  return swept;
}

function wipeFile(path: string): void {
  try {
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(fstatSync(fd).size));
    ftruncateSync(fd, 0);
    closeSync(fd);
  } catch {
    /* the editor may have replaced or removed it */
  }
}

export function createRamFile(name: string, contents: string): RamFile {
  const ram = ramDirectory();
  const swept = sweepStale(ram);
  if (swept) process.stderr.write(`gitseal: wiped ${swept} plaintext folder(s) an interrupted gitseal left in ${ram}\n`);
  const dir = mkdtempSync(join(ram, `gitseal-${process.pid}-`));
  const path = join(dir, name);
  const fd = openSync(path, 'wx', 0o600);
  writeSync(fd, contents);
  closeSync(fd);
  return {
    path,
    read: () => readFileSync(path, 'utf8'),
    write: (text) => {
      wipeFile(path);
      const out = openSync(path, 'w', 0o600);
      fchmodSync(out, 0o600); // the editor may have replaced the file with one of another mode
      writeSync(out, text);
      closeSync(out);
    },
    wipe: () => {
      for (const f of existsSync(dir) ? readdirSync(dir) : []) wipeFile(join(dir, f)); // editors leave swap and backup files beside it
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
