/** RAM folders of a test's own (tmpfs under /dev/shm), so what gitseal leaves in its RAM folder is visible; removed after the file's tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll } from 'vitest';

export function useRamFolders(): () => string {
  const made: string[] = [];
  afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  return () => {
    const d = mkdtempSync('/dev/shm/gitseal-test-');
    made.push(d);
    return d;
  };
}
