/**
 * import-sops: a SOPS YAML file of 10,000 values (age): `gitseal import sops` wall time, and the
 * in-process open (parse, age unwrap, 10,000 AES-GCM decryptions, MAC) side by side with
 * sops-age's decryptSops of the same file in the same run (the reference; sops-age does not check
 * the MAC). Goals: in-process open ≤ 0.5× sops-age; the CLI import ≤ 2,000 ms.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { decryptSops } from 'sops-age';
import { openSops, parseSops } from '../migrate/sops/index.js';
import { recoverDataKey } from '../migrate/sops/keys.js';
import { ageKeyFor, SopsWriter } from '../test/helpers/sops-writer.js';
import { fmtRatio, gitseal, header, keyName, line, note, probeCommand, randomValue, removeFile, shellLine, timeCommand, writeFile, type Goal, type Stats, type Workspace } from './harness.js';

const VALUES = 10_000;

async function timeAsync(fn: () => Promise<unknown>, runs: number, warmup = 1): Promise<Stats> {
  for (let i = 0; i < warmup; i++) await fn();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  xs.sort((a, b) => a - b);
  return { median: xs[Math.floor(xs.length / 2)]!, min: xs[0]!, runs };
}

export async function importSops(ws: Workspace): Promise<Goal[]> {
  header('import-sops', ws);
  const key = randomBytes(32);
  const age = await ageKeyFor(key);
  const values: Record<string, string> = {};
  for (let i = 0; i < VALUES; i++) values[keyName(i)] = randomValue();
  const text = new SopsWriter({ key, age: [age.entry] }).yaml([{ apiVersion: 'v1', kind: 'Config', metadata: { name: 'bench' }, values }]);
  writeFile(ws, 'big.sops.yaml', text);
  writeFile(ws, 'id.txt', `${age.identity}\n`);

  const ref = await timeAsync(() => decryptSops(text, { secretKey: age.identity, fileType: 'yaml' }), 3);
  line(`reference: sops-age decryptSops, ${VALUES} values`, ref, 'in-process: decryptSops(text, {secretKey, fileType: "yaml"}) (sops-age)');
  const ours = await timeAsync(async () => {
    const f = parseSops(text);
    openSops(f, await recoverDataKey(f.metadata, { ageIdentities: [age.identity], env: {} }));
  }, 3);
  const ratio = ours.median / ref.median;
  line(`gitseal open (in-process), ${VALUES} values`, ours, 'in-process: parseSops + recoverDataKey (age) + openSops (MAC checked)', `${fmtRatio(ratio)} sops-age`);

  const argv = gitseal('import', 'sops', 'big.sops.yaml', '--age-key', 'id.txt', '-o', 'big.enc.yaml');
  const probe = probeCommand(ws, argv);
  let cli: Stats | null = null;
  if (probe.status === 0) {
    cli = timeCommand(ws, argv, { runs: 3, prepare: removeFile(ws, 'big.enc.yaml') });
    line(`gitseal import sops, ${VALUES} values`, cli, shellLine(argv), `${((cli.median * 1000) / VALUES).toFixed(0)} µs/value, ${fmtRatio(cli.median / ref.median)} sops-age in-process`);
  } else note(`gitseal import sops did not run (status ${probe.status}): ${probe.message}`);

  return [
    { bench: 'import-sops', what: `open ${VALUES}-value SOPS file vs sops-age`, measured: ratio, unit: '×', limit: 0.5 },
    cli
      ? { bench: 'import-sops', what: `gitseal import sops, ${VALUES} values`, measured: cli.median, unit: 'ms', limit: 2000 }
      : { bench: 'import-sops', what: `gitseal import sops, ${VALUES} values`, measured: null, unit: 'ms', limit: 2000, note: probe.message },
  ];
}
