import { statSync } from 'node:fs';

/** A key that changes when the file at `file` is replaced or rewritten (inode, size, mtime): for caches of what was read from it. */
export function fileVersion(file: string): string {
  const st = statSync(file, { throwIfNoEntry: false });
  return st ? `${file}\0${st.ino}\0${st.size}\0${st.mtimeMs}` : file;
}
