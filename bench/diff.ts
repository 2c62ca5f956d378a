/**
 * diff: `gitseal diff --git HEAD~1 HEAD` over a commit that changes 1 value (`gitseal set`) in a
 * generic YAML file of 10,000 values, with the key: ratio to `gitseal decrypt` of that file
 * (goal ≤ 2×) and wall time (goal ≤ 500 ms). `--without-key` as an extra line.
 *
 * The repository is the folder diff-repo/ of the workspace (commands run there, so gitseal is
 * ../dist/gitseal.mjs; the key is found through XDG_CONFIG_HOME and .gitseal.yaml in the folder
 * above). The commands are timed round-robin, so machine load hits them alike.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { header, line, note, runCommand, shellLine, timeInterleaved, writeManifest, type Goal, type Workspace } from './harness.js';

const VALUES = 10_000;
const RUNS = 10;
const FILE = 'g10000.enc.yaml';

/** `gitseal` from the repository folder, one level below the workspace's dist/. */
const gitsealHere = (...args: string[]): string[] => ['node', '../dist/gitseal.mjs', ...args];
/** git with a fixed identity and no signing or hooks, whatever the user's configuration says. */
const gitHere = (...args: string[]): string[] => ['git', '-c', 'user.name=gitseal bench', '-c', 'user.email=bench@gitseal.invalid', '-c', 'commit.gpgsign=false', ...args];

export function diff(ws: Workspace): Goal[] {
  header('diff', ws);
  const repo: Workspace = { ...ws, dir: join(ws.dir, 'diff-repo') };
  mkdirSync(repo.dir, { recursive: true });
  note(`repository: ${repo.dir} (commands below run there)`);

  writeManifest(ws, 'diff-repo/g10000.yaml', VALUES, 'BenchValues');
  runCommand(repo, gitsealHere('encrypt', 'g10000.yaml', '-o', FILE));
  runCommand(repo, gitHere('init', '-q'));
  runCommand(repo, gitHere('add', FILE));
  runCommand(repo, gitHere('commit', '-q', '--no-verify', '-m', 'base'));
  runCommand(repo, gitsealHere('set', FILE, 'stringData.key-005000', 'a-new-value'));
  runCommand(repo, gitHere('commit', '-q', '--no-verify', '-am', 'change one value'));

  const diffArgv = gitsealHere('diff', '--git', 'HEAD~1', 'HEAD');
  const check = spawnSync(process.execPath, diffArgv.slice(1), { cwd: repo.dir, env: ws.env, encoding: 'utf8' });
  note(`${shellLine(diffArgv)} says (exit ${check.status}): ${check.stdout.trim().split('\n').join(' | ')}`);

  const decArgv = gitsealHere('decrypt', FILE);
  const keyless = gitsealHere('diff', '--git', 'HEAD~1', 'HEAD', '--without-key');
  const [dec, dif, nokey] = timeInterleaved(repo, [decArgv, diffArgv, keyless], { runs: RUNS, statuses: [0, 1, 1] });
  line(`reference: gitseal decrypt, generic ${VALUES / 1000}k values`, dec!, `${shellLine(decArgv)} >/dev/null`);
  line('gitseal diff --git, 1 of 10k values changed', dif!, `${shellLine(diffArgv)} >/dev/null`, `${(dif!.median / dec!.median).toFixed(2)}× decrypt`);
  line('gitseal diff --git --without-key (extra)', nokey!, `${shellLine(keyless)} >/dev/null`, `${(nokey!.median / dec!.median).toFixed(2)}× decrypt`);

  return [
    { bench: 'diff', what: 'diff --git 1 of 10k changed / decrypt 10k', measured: dif!.median / dec!.median, unit: '×', limit: 2 },
    { bench: 'diff', what: 'diff --git 1 of 10k changed', measured: dif!.median, unit: 'ms', limit: 500 },
  ];
}
