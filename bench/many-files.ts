/**
 * many-files (issue 17): 200 one-value Secret files encrypted by one `gitseal encrypt -i` (goal: at most
 * 1/10 of the time of one gitseal process per file, which is how the issue measured 75 s for 200 files),
 * then decrypted back by one `gitseal decrypt -i`. References in the same run: `node -e 0`, and 20 runs
 * of `gitseal encrypt -i FILE`, one file each, scaled to 200.
 */
import { readFileSync } from 'node:fs';
import { gitseal, header, inWs, line, note, randomValue, shellLine, timeCommand, writeFile, type Goal, type Workspace } from './harness.js';

const FILES = 200;
const SINGLES = 20;

const secret = (i: number): string => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-${i}\n  namespace: default\nstringData:\n  token: ${randomValue()}\n`;

export function manyFiles(ws: Workspace): Goal[] {
  header('many-files', ws);
  const names = Array.from({ length: FILES }, (_, i) => `many/s${String(i).padStart(3, '0')}.yaml`);
  const plain = names.map((_, i) => secret(i));
  const writePlain = (): void => names.forEach((n, i) => writeFile(ws, n, plain[i]!));

  const nodeArgv = ['node', '-e', '0'];
  const start = timeCommand(ws, nodeArgv, { runs: 10 });
  line('reference: node -e 0', start, shellLine(nodeArgv));

  const single = gitseal('encrypt', '-i', names[0]!);
  const one = timeCommand(ws, single, { runs: SINGLES, prepare: () => writeFile(ws, names[0]!, plain[0]!) });
  const perFile = one.median * FILES;
  line(`reference: gitseal encrypt -i, one file a process`, one, shellLine(single), `× ${FILES} = ${(perFile / 1000).toFixed(1)} s for ${FILES} files`);

  const encArgv = gitseal('encrypt', '-i', ...names);
  const enc = timeCommand(ws, encArgv, { runs: 5, prepare: writePlain });
  const shown = `node dist/gitseal.mjs encrypt -i many/s000.yaml … many/s${FILES - 1}.yaml`;
  line(`gitseal encrypt -i, ${FILES} files in one process`, enc, shown, `${(enc.median / FILES).toFixed(1)} ms/file; ${(enc.median / start.median).toFixed(1)}× node -e 0`);

  const decArgv = gitseal('decrypt', '-i', ...names);
  const dec = timeCommand(ws, decArgv, { runs: 5, prepare: () => timeCommand(ws, encArgv, { runs: 1, warmup: 0, prepare: writePlain }) });
  line(`gitseal decrypt -i, ${FILES} files in one process (extra)`, dec, shown.replace('encrypt', 'decrypt'), `${(dec.median / FILES).toFixed(1)} ms/file`);
  if (names.some((n, i) => readFileSync(inWs(ws, n), 'utf8') !== plain[i])) note('NOTE: a decrypted file differs from its plaintext');

  return [{ bench: 'many-files', what: `encrypt -i ${FILES} files / ${FILES} processes`, measured: enc.median / perFile, unit: '×', limit: 0.1, note: `${(enc.median / 1000).toFixed(2)} s against ${(perFile / 1000).toFixed(1)} s` }];
}
