/**
 * A plaintext file that never touches persistent disk: created in a RAM
 * filesystem (/dev/shm or $XDG_RUNTIME_DIR) with mode 0600, overwritten
 * with zeros and removed afterwards.
 */
import { closeSync, existsSync, fstatSync, mkdtempSync, openSync, readFileSync, rmSync, statfsSync, writeSync, ftruncateSync } from 'node:fs';
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
  /** Overwrites the contents with zeros and removes the file and its folder. */
  wipe(): void;
}

export function createRamFile(name: string, contents: string): RamFile {
  const dir = mkdtempSync(join(ramDirectory(), 'gitseal-'));
  const path = join(dir, name);
  const fd = openSync(path, 'wx', 0o600);
  writeSync(fd, contents);
  closeSync(fd);
  return {
    path,
    read: () => readFileSync(path, 'utf8'),
    wipe: () => {
      try {
        const wfd = openSync(path, 'r+');
        const size = fstatSync(wfd).size;
        writeSync(wfd, Buffer.alloc(size));
        ftruncateSync(wfd, 0);
        closeSync(wfd);
      } catch {
        /* the editor may have replaced or removed it */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
