/**
 * Writes the known-answer vector files. Run by hand, and only when the
 * format changes on purpose: `npx tsx test/vectors/generate.ts`. The tests
 * never regenerate them; they fail when core/ no longer produces them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { allVectorFiles } from './all.js';
import { VECTOR_DIR } from './kit.js';

for (const [name, text] of Object.entries(allVectorFiles())) {
  const url = new URL(name, VECTOR_DIR);
  let old: string | null = null;
  try {
    old = readFileSync(url, 'utf8');
  } catch {
    old = null;
  }
  if (old === text) continue;
  writeFileSync(url, text);
  process.stdout.write(`${old === null ? 'created' : 'CHANGED'} test/vectors/${name}\n`);
}
