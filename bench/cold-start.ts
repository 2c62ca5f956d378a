/**
 * cold-start: `gitseal --version` vs `node -e 0`, for the single binary (dist-bin/gitseal, built here when
 * missing; issue 16 goal ≤ 1.2×) and for the bundle (≤ 1.2×); `--help` and a 1-value decrypt as extra lines.
 * The commands are timed round-robin, so load from other processes affects them alike.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gitseal, header, line, note, removeFile, runCommand, shellLine, timeInterleaved, writeManifest, type Goal, type Workspace } from './harness.js';

const RUNS = 10;
const BINARY = fileURLToPath(new URL('../dist-bin/gitseal', import.meta.url));

/** The single binary, built with the Node running the bench when there is none; null when it cannot be built. */
function singleBinary(): string | null {
  if (existsSync(BINARY)) return BINARY;
  const r = spawnSync(process.execPath, ['build-binary.mjs'], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' });
  if (r.status !== 0) note(`no single binary: node build-binary.mjs failed: ${r.stderr.trim().split('\n').pop() ?? ''}`);
  return existsSync(BINARY) ? BINARY : null;
}

export function coldStart(ws: Workspace): Goal[] {
  header('cold-start', ws);
  writeManifest(ws, 'one.yaml', 1);
  removeFile(ws, 'one.enc.yaml')();
  runCommand(ws, gitseal('encrypt', 'one.yaml', '-o', 'one.enc.yaml'));

  const nodeArgv = ['node', '-e', '0'];
  const version = gitseal('--version');
  const help = gitseal('--help');
  const dec = gitseal('decrypt', 'one.enc.yaml');
  const binary = singleBinary();
  const binaryVersion = binary ? [binary, '--version'] : null;
  const [ref, v, h, d, b] = timeInterleaved(ws, [nodeArgv, version, help, dec, ...(binaryVersion ? [binaryVersion] : [])], { runs: RUNS });
  const ratio = (ms: number) => `${(ms / ref!.median).toFixed(2)}× node -e 0`;
  line('reference: node -e 0', ref!, shellLine(nodeArgv));
  if (b && binaryVersion) line('gitseal --version, single binary', b, shellLine(binaryVersion), ratio(b.median));
  line('gitseal --version, bundle', v!, shellLine(version), ratio(v!.median));
  line('gitseal --help (extra, no goal)', h!, `${shellLine(help)} >/dev/null`, ratio(h!.median));
  line('gitseal decrypt, 1-value Secret (extra)', d!, `${shellLine(dec)} >/dev/null`, ratio(d!.median));
  return [
    b
      ? { bench: 'cold-start', what: 'gitseal --version (single binary) / node -e 0', measured: b.median / ref!.median, unit: '×', limit: 1.2 }
      : { bench: 'cold-start', what: 'gitseal --version (single binary) / node -e 0', measured: null, unit: '×', limit: 1.2, note: 'the binary could not be built' },
    { bench: 'cold-start', what: 'gitseal --version (bundle) / node -e 0', measured: v!.median / ref!.median, unit: '×', limit: 1.2 },
  ];
}
