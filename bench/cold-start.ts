/**
 * cold-start: `gitseal --version` vs `node -e 0` (goal ≤ 2×); `--help` and a 1-value decrypt as extra lines.
 * The four commands are timed round-robin, so load from other processes affects them alike.
 */
import { gitseal, header, line, removeFile, runCommand, shellLine, timeInterleaved, writeManifest, type Goal, type Workspace } from './harness.js';

const RUNS = 10;

export function coldStart(ws: Workspace): Goal[] {
  header('cold-start', ws);
  writeManifest(ws, 'one.yaml', 1);
  removeFile(ws, 'one.enc.yaml')();
  runCommand(ws, gitseal('encrypt', 'one.yaml', '-o', 'one.enc.yaml'));

  const nodeArgv = ['node', '-e', '0'];
  const version = gitseal('--version');
  const help = gitseal('--help');
  const dec = gitseal('decrypt', 'one.enc.yaml');
  const [ref, v, h, d] = timeInterleaved(ws, [nodeArgv, version, help, dec], { runs: RUNS });
  const ratio = (ms: number) => `${(ms / ref!.median).toFixed(2)}× node -e 0`;
  line('reference: node -e 0', ref!, shellLine(nodeArgv));
  line('gitseal --version', v!, shellLine(version), ratio(v!.median));
  line('gitseal --help (extra, no goal)', h!, `${shellLine(help)} >/dev/null`, ratio(h!.median));
  line('gitseal decrypt, 1-value Secret (extra)', d!, `${shellLine(dec)} >/dev/null`, ratio(d!.median));

  return [{ bench: 'cold-start', what: 'gitseal --version / node -e 0', measured: v!.median / ref!.median, unit: '×', limit: 2 }];
}
