/**
 * bulk: one 10 MiB value (random base64 text under stringData).
 * - whole process: `gitseal encrypt` vs `age -r <X25519 recipient>` on the same 10 MiB bytes (goal ≤ 2×);
 * - in-process: sealValue / openValue (core/format/values.ts) vs raw node:crypto AES-256-GCM on the same data (goal ≤ 1.5×).
 * A Secret holds at most 1 MiB, so gitseal refuses a 10 MiB Secret (E_TOO_LARGE) by design: the refusal is
 * shown and the wall time is measured on the same value in a generic YAML file (kind: BenchValues).
 */
import { spawnSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { NoncePool, openValue, sealValue, type ValueBinding } from '../core/format/values.js';
import {
  gitseal,
  header,
  inWs,
  line,
  note,
  probeCommand,
  removeFile,
  runCommand,
  shellLine,
  timeCommand,
  timeFn,
  writeFile,
  type Goal,
  type Stats,
  type Workspace,
} from './harness.js';

const SIZE = 10 * 1024 * 1024;
const mibps = (s: Stats): string => `${(SIZE / 1024 / 1024 / (s.median / 1000)).toFixed(0)} MiB/s`;

function hasAge(): boolean {
  const r = spawnSync('age', ['--version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

export function bulk(ws: Workspace): Goal[] {
  header('bulk', ws);
  // 7,864,320 random bytes are exactly 10 MiB of base64 text, without '=' padding.
  const value = randomBytes((SIZE / 4) * 3).toString('base64');
  writeFile(ws, 'bulk.bin', value);
  const manifest = (kind: string) =>
    ['apiVersion: v1', `kind: ${kind}`, 'metadata:', '  name: bulk', '  namespace: default', ...(kind === 'Secret' ? ['type: Opaque'] : []), 'stringData:', `  blob: ${value}`, ''].join('\n');
  writeFile(ws, 'bulk-secret.yaml', manifest('Secret'));
  writeFile(ws, 'bulk.yaml', manifest('BenchValues'));
  const goals: Goal[] = [];

  // Whole process.
  let ageStats: Stats | null = null;
  if (hasAge()) {
    removeFile(ws, 'age.key')(); // age-keygen refuses to overwrite
    runCommand(ws, ['age-keygen', '-o', 'age.key']);
    const recipient = spawnSync('age-keygen', ['-y', inWs(ws, 'age.key')], { encoding: 'utf8' }).stdout.trim();
    const ageArgv = ['age', '-r', recipient, '-o', 'bulk.age', 'bulk.bin'];
    ageStats = timeCommand(ws, ageArgv, { runs: 5, prepare: removeFile(ws, 'bulk.age') });
    line('reference: age encrypt, 10 MiB', ageStats, shellLine(ageArgv), mibps(ageStats));
  } else note('age: not installed (apt-get install -y age); the gitseal/age ratio is skipped');

  let target = 'bulk-secret.yaml';
  removeFile(ws, 'bulk-secret.enc.yaml')();
  const probe = probeCommand(ws, gitseal('encrypt', target, '-o', 'bulk-secret.enc.yaml'));
  let why: string | undefined;
  if (probe.status !== 0) {
    note(`gitseal encrypt, Secret with a 10 MiB value: refused, exit ${probe.status} after ${probe.ms.toFixed(0)} ms: ${probe.message}`);
    note(`  (${shellLine(gitseal('encrypt', target, '-o', 'bulk-secret.enc.yaml'))}); measured on the same value in generic YAML below`);
    target = 'bulk.yaml';
    why = 'a 10 MiB Secret is refused; generic YAML measured';
  }
  const out = target.replace(/\.yaml$/, '.enc.yaml');
  const encArgv = gitseal('encrypt', target, '-o', out);
  const enc = timeCommand(ws, encArgv, { runs: 5, prepare: removeFile(ws, out) });
  line(`gitseal encrypt, 10 MiB value (${target === 'bulk.yaml' ? 'generic' : 'Secret'})`, enc, shellLine(encArgv), `${ageStats ? `${(enc.median / ageStats.median).toFixed(1)}× age; ` : ''}${mibps(enc)}`);
  const decArgv = gitseal('decrypt', out, '-o', target.replace(/\.yaml$/, '.dec.yaml'));
  const dec = timeCommand(ws, decArgv, { runs: 5, prepare: removeFile(ws, target.replace(/\.yaml$/, '.dec.yaml')) });
  line('gitseal decrypt, 10 MiB value (extra)', dec, shellLine(decArgv), mibps(dec));
  goals.push({
    bench: 'bulk',
    what: 'gitseal encrypt / age, 10 MiB',
    measured: ageStats ? enc.median / ageStats.median : null,
    unit: '×',
    limit: 2,
    note: ageStats ? why : 'age: not installed',
  });

  // In-process: gitseal's value encryption vs raw AES-256-GCM on the same bytes.
  const key = randomBytes(32);
  const binding: ValueBinding = { scopeBinding: 'default/bulk', docId: randomBytes(16) };
  const slot = 't.bench';
  const nonces = new NoncePool();
  let sealed = '';
  const seal = timeFn(() => void (sealed = sealValue(key, binding, slot, value, nonces)), { runs: 5 });
  const open = timeFn(() => void openValue(key, binding, slot, sealed), { runs: 5 });

  const bytes = Buffer.from(value, 'utf8');
  const aad = randomBytes(64);
  let raw = { nonce: Buffer.alloc(0), ct: Buffer.alloc(0), tag: Buffer.alloc(0) };
  const rawSeal = timeFn(
    () => {
      const nonce = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, nonce);
      c.setAAD(aad);
      const ct = Buffer.concat([c.update(bytes), c.final()]);
      raw = { nonce, ct, tag: c.getAuthTag() };
    },
    { runs: 5 },
  );
  const rawOpen = timeFn(
    () => {
      const d = createDecipheriv('aes-256-gcm', key, raw.nonce);
      d.setAAD(aad);
      d.setAuthTag(raw.tag);
      Buffer.concat([d.update(raw.ct), d.final()]);
    },
    { runs: 5 },
  );
  line('reference: raw AES-256-GCM seal, 10 MiB', rawSeal, "in-process: createCipheriv('aes-256-gcm') + setAAD + update/final/getAuthTag on the value's bytes", mibps(rawSeal));
  line('reference: raw AES-256-GCM open, 10 MiB', rawOpen, "in-process: createDecipheriv('aes-256-gcm') + setAuthTag + update/final", mibps(rawOpen));
  line('sealValue, 10 MiB', seal, 'in-process: sealValue(key, binding, slot, value, nonces) from core/format/values.ts (string in, v1.<base64url> out)', `${(seal.median / rawSeal.median).toFixed(2)}× raw; ${mibps(seal)}`);
  line('openValue, 10 MiB', open, 'in-process: openValue(key, binding, slot, sealed) from core/format/values.ts (v1.<base64url> in, string out)', `${(open.median / rawOpen.median).toFixed(2)}× raw; ${mibps(open)}`);
  goals.push({ bench: 'bulk', what: 'sealValue / raw AES-256-GCM, 10 MiB', measured: seal.median / rawSeal.median, unit: '×', limit: 1.5 });
  goals.push({ bench: 'bulk', what: 'openValue / raw AES-256-GCM, 10 MiB', measured: open.median / rawOpen.median, unit: '×', limit: 1.5 });
  return goals;
}
