/**
 * sign: what writer signatures (issue 14, schemas/FORMAT.md §13) add to encrypting and decrypting a Secret of 10
 * stringData values. Goal: signing adds ≤ 10% to encrypting it, and checking the signature ≤ 10% to decrypting it.
 * - in-process: encryptStream without and with a signer, decryptStream, and parse + checkSignature + open, with
 *   each ML-DSA backend this Node has (node:crypto where it has ML-DSA, else @noble/post-quantum);
 * - whole process (spawn to exit), as people run the commands: encrypt without and with a writer key
 *   (GITSEAL_WRITER_KEY), decrypt an unsigned file and a signed one whose writer the trust file (GITSEAL_TRUST)
 *   names, so the signature is verified; round-robin, wall time and CPU time. The goal uses CPU time where /proc
 *   gives it: on a busy machine the wall time mostly measures waiting for a CPU, ±10% from run to run, the size
 *   of what is measured;
 * - the first calls in a fresh process (what one command pays once): hasNativeMldsa, writerFromSecret, sign, verify;
 * - references in the same run: raw node:crypto AES-256-GCM over the 10 values (one createCipheriv per value, as
 *   encrypt-decrypt measures it), one writer signature and verification alone, and `node -e 0`.
 */
import { spawnSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { generateIdentity } from '../core/crypto/recipients/index.js';
import { generateWriterSecret, hasNativeMldsa, verifyWriterSignature, writerFromSecret, type MldsaBackend, type TrustedWriter, type WriterSigner } from '../core/crypto/writer-key.js';
import type { EncryptedDocument } from '../core/format/encrypted-document.js';
import { parseEncrypted } from '../core/format/encrypted-store.js';
import { checkSignature, signedFieldsOf, signedMessage, type DocumentSigner } from '../core/format/signature.js';
import { decryptStream, encryptStream, openAll, renderOpened } from '../core/format/stream.js';
import { gitseal, header, inWs, keyName, line, median, note, probeCommand, randomValue, runCommand, shellLine, timeCommand, writeManifest, type Goal, type Stats, type Workspace } from './harness.js';

const VALUES = 10;
const GOAL = 1.1;
const CLI_RUNS = 21;
const COLD_RUNS = 7;
const ROUNDS = 15;
const BATCH = 20;

const statsOf = (times: readonly number[]): Stats => ({ median: median(times), min: Math.min(...times), runs: times.length });
const ratio = (a: Stats, b: Stats): number => a.median / b.median;
const pct = (r: number): string => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)}%`;

/** In-process ms per call of each function: BATCH calls a sample, ROUNDS samples each, round-robin so load hits all alike. */
function perCall(fns: ReadonlyArray<readonly [string, () => void]>): Map<string, Stats> {
  for (const [, fn] of fns) for (let i = 0; i < BATCH; i++) fn();
  const times = new Map<string, number[]>(fns.map(([name]) => [name, []]));
  for (let r = 0; r < ROUNDS; r++)
    for (const [name, fn] of fns) {
      const t0 = performance.now();
      for (let i = 0; i < BATCH; i++) fn();
      times.get(name)!.push((performance.now() - t0) / BATCH);
    }
  return new Map([...times].map(([name, t]) => [name, statsOf(t)]));
}

/** Raw AES-256-GCM over the values: the reference encrypt-decrypt uses, at this size. */
function rawGcm(values: readonly string[]): Array<readonly [string, () => void]> {
  const key = randomBytes(32);
  const aad = randomBytes(48);
  const plain = values.map((v) => Buffer.from(v));
  let sealed: { nonce: Buffer; ct: Buffer; tag: Buffer }[] = [];
  const seal = () => {
    sealed = plain.map((v) => {
      const nonce = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, nonce);
      c.setAAD(aad);
      const ct = Buffer.concat([c.update(v), c.final()]);
      return { nonce, ct, tag: c.getAuthTag() };
    });
  };
  seal();
  const open = () => {
    for (const s of sealed) {
      const d = createDecipheriv('aes-256-gcm', key, s.nonce);
      d.setAAD(aad);
      d.setAuthTag(s.tag);
      Buffer.concat([d.update(s.ct), d.final()]);
    }
  };
  return [
    ['gcm-seal', seal],
    ['gcm-open', open],
  ];
}

interface InProcess {
  readonly backend: MldsaBackend;
  readonly encPlain: Stats;
  readonly encSigned: Stats;
  readonly decPlain: Stats;
  readonly decChecked: Stats;
}

function inProcess(): InProcess {
  const values = Array.from({ length: VALUES }, () => randomValue());
  const text = ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: bench', '  namespace: default', 'type: Opaque', 'stringData:', ...values.map((v, i) => `  ${keyName(i)}: ${v}`), ''].join('\n');
  const { identity } = generateIdentity('mlkem1024-x25519');
  const secret = generateWriterSecret();
  const backends: MldsaBackend[] = hasNativeMldsa() ? ['node', 'noble'] : ['noble'];
  const writers = new Map<MldsaBackend, WriterSigner>(backends.map((b) => [b, writerFromSecret(secret, b)]));
  const writerOf = (b: MldsaBackend): WriterSigner => writers.get(b)!;
  const signerOf = (w: WriterSigner): DocumentSigner => ({ kid: w.kid, subject: 'bench', sign: (m) => w.sign(m) });
  const trusted: TrustedWriter[] = [{ name: 'bench', key: writerOf(backends[0]!) }];
  const opts = { recipients: [identity.recipient], scope: 'namespace' as const };

  const unsigned = encryptStream(text, opts);
  const signed = encryptStream(text, { ...opts, signer: signerOf(writerOf(backends[0]!)) });
  if (decryptStream(signed, [identity]) !== text) throw new Error('the signed file does not decrypt to its plaintext');
  /** What decrypt does when the writer is trusted: parse, check every document's signature, then open. */
  const checkedDecrypt = (verify: (doc: EncryptedDocument) => boolean) => () => {
    const { docs } = parseEncrypted(signed);
    for (const d of docs) if (!verify(d)) throw new Error('a signature did not verify');
    renderOpened(openAll(docs, [identity]));
  };
  const verifyWith = (b: MldsaBackend) => (d: EncryptedDocument) => {
    const sig = d.envelope.signature!;
    return verifyWriterSignature(trusted[0]!.key, signedMessage(signedFieldsOf(d), sig.kid, sig.subject), sig.bytes, b);
  };
  const message = new Uint8Array(randomBytes(200));
  const sigOf = new Map(backends.map((b) => [b, writerOf(b).sign(message)]));

  const fns: Array<readonly [string, () => void]> = [
    ...rawGcm(values),
    ['enc', () => encryptStream(text, opts)],
    ...backends.map((b) => [`enc-signed-${b}`, () => encryptStream(text, { ...opts, signer: signerOf(writerOf(b)) })] as const),
    ['dec', () => decryptStream(unsigned, [identity])],
    ['dec-checked', checkedDecrypt((d) => checkSignature(d, trusted).status === 'trusted')],
    ...backends.map((b) => [`dec-checked-${b}`, checkedDecrypt(verifyWith(b))] as const),
    ...backends.map((b) => [`sign-${b}`, () => writerOf(b).sign(message)] as const),
    ...backends.map((b) => [`verify-${b}`, () => verifyWriterSignature(writerOf(b), message, sigOf.get(b)!, b)] as const),
  ];
  const s = perCall(fns);
  const get = (name: string): Stats => s.get(name)!;
  const inproc = (what: string) => `in-process: ${what}; ${BATCH} calls a sample, ${ROUNDS} samples, round-robin`;

  note(`in-process, ${VALUES}-value Secret; ML-DSA backends: ${backends.join(', ')} (default ${backends[0]}); ms per call`);
  line(`reference: raw AES-256-GCM seal, ${VALUES} values`, get('gcm-seal'), inproc(`${VALUES} × createCipheriv('aes-256-gcm') + setAAD + update/final/getAuthTag`));
  line(`reference: raw AES-256-GCM open, ${VALUES} values`, get('gcm-open'), inproc(`${VALUES} × createDecipheriv('aes-256-gcm') + setAuthTag + update/final`));
  for (const b of backends) {
    line(`reference: writer signature, ${b} ML-DSA`, get(`sign-${b}`), inproc('writerFromSecret(secret, backend).sign(200 bytes): ML-DSA-65 + Ed25519'));
    line(`reference: writer verification, ${b} ML-DSA`, get(`verify-${b}`), inproc('verifyWriterSignature(writer, 200 bytes, signature, backend), keys cached'));
  }
  const gcmSeal = get('gcm-seal');
  const gcmOpen = get('gcm-open');
  line('encryptStream, unsigned', get('enc'), inproc('encryptStream(text, { recipients, scope })'), `${ratio(get('enc'), gcmSeal).toFixed(0)}× raw GCM seal`);
  for (const b of backends) {
    const r = ratio(get(`enc-signed-${b}`), get('enc'));
    line(`encryptStream, signed (${b})`, get(`enc-signed-${b}`), inproc('encryptStream(text, { recipients, scope, signer })'), `${r.toFixed(2)}× unsigned (${pct(r)}); ${ratio(get(`enc-signed-${b}`), gcmSeal).toFixed(0)}× raw GCM seal`);
  }
  line('decryptStream, unsigned', get('dec'), inproc('decryptStream(text, identities)'), `${ratio(get('dec'), gcmOpen).toFixed(0)}× raw GCM open`);
  const rc = ratio(get('dec-checked'), get('dec'));
  line('parse + checkSignature + open', get('dec-checked'), inproc('parseEncrypted, checkSignature per document, openAll, renderOpened'), `${rc.toFixed(2)}× decryptStream (${pct(rc)}); ${ratio(get('dec-checked'), gcmOpen).toFixed(0)}× raw GCM open`);
  for (const b of backends) {
    const r = ratio(get(`dec-checked-${b}`), get('dec'));
    line(`parse + verify (${b}) + open`, get(`dec-checked-${b}`), inproc('as above, verifyWriterSignature with this backend'), `${r.toFixed(2)}× decryptStream (${pct(r)})`);
  }
  return { backend: backends[0]!, encPlain: get('enc'), encSigned: get(`enc-signed-${backends[0]!}`), decPlain: get('dec'), decChecked: get('dec-checked') };
}

/** Milliseconds of the first calls of writer-key.ts in a fresh process (module import included), medians of COLD_RUNS processes. */
function firstCalls(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const script = [
    "const { performance: p } = await import('node:perf_hooks');",
    'const t = [p.now()];',
    "const m = await import('./core/crypto/writer-key.ts'); t.push(p.now());",
    'm.hasNativeMldsa(); t.push(p.now());',
    'const w = m.writerFromSecret(new Uint8Array(64).fill(7)); t.push(p.now());',
    'const s = w.sign(new Uint8Array(200)); t.push(p.now());',
    "if (!m.verifyWriterSignature({ kid: w.kid, publicKey: w.publicKey }, new Uint8Array(200), s)) throw new Error('no');",
    't.push(p.now()); console.log(JSON.stringify(t.slice(1).map((x, i) => x - t[i])));',
  ].join('\n');
  const runs: number[][] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) return note(`first calls: not measured: ${r.stderr.trim().split('\n').pop() ?? ''}`);
    runs.push(JSON.parse(r.stdout) as number[]);
  }
  const m = (k: number) => median(runs.map((t) => t[k]!)).toFixed(1);
  note(`first calls in a fresh process (${COLD_RUNS} processes, medians, ms): import writer-key.ts ${m(0)}, hasNativeMldsa ${m(1)}, writerFromSecret ${m(2)}, sign ${m(3)}, verifyWriterSignature ${m(4)}`);
  note('  (node --import tsx: the import includes compiling the sources, which the bundle does not pay)');
}

interface Cli {
  readonly ws: Workspace;
  readonly argv: readonly string[];
  /** The variables set on top of the workspace's environment, for the printed command. */
  readonly vars: Readonly<Record<string, string>>;
}

interface Measured {
  readonly wall: Stats;
  /** Mean CPU time (user + system) in ms, null without /proc. */
  readonly cpu: number | null;
}

/** CPU time (user + system) of this process's waited-for children so far, in ms (Linux /proc; null elsewhere). */
function childrenCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of proc(5), cutime and cstime, in clock ticks (USER_HZ, 100 on Linux).
    return ((Number(f[13]) + Number(f[14])) * 1000) / 100;
  } catch {
    return null;
  }
}

/** Whole-process times of several commands, each with its own environment, round-robin after one warm-up each. */
function interleavedCommands(cmds: readonly Cli[], runs: number): Measured[] {
  const wall = cmds.map((): number[] => []);
  const cpu = cmds.map((): number[] => []);
  for (let i = 0; i <= runs; i++)
    cmds.forEach((c, j) => {
      const before = childrenCpuMs();
      const t = timeCommand(c.ws, c.argv, { runs: 1, warmup: 0 });
      const after = childrenCpuMs();
      if (i === 0) return;
      wall[j]!.push(t.median);
      if (before !== null && after !== null) cpu[j]!.push(after - before);
    });
  return cmds.map((_, j) => ({ wall: statsOf(wall[j]!), cpu: cpu[j]!.length === runs ? cpu[j]!.reduce((a, b) => a + b, 0) / runs : null }));
}

const withVars = (ws: Workspace, argv: readonly string[], vars: Record<string, string> = {}): Cli => ({ ws: { ...ws, env: { ...ws.env, ...vars } }, argv, vars });
const printed = (c: Cli): string => [...Object.entries(c.vars).map(([k, v]) => `${k}=${v}`), shellLine(c.argv)].join(' ') + ' >/dev/null';
const cpuText = (m: Measured): string => (m.cpu === null ? 'CPU —' : `CPU ${m.cpu.toFixed(0)} ms`);

/** a against b: wall (medians) and CPU (means). */
function versus(a: Measured, b: Measured): { text: string; ratio: number; by: 'CPU' | 'wall' } {
  const w = ratio(a.wall, b.wall);
  const c = a.cpu !== null && b.cpu !== null ? a.cpu / b.cpu : null;
  const cpuPart = c === null ? '' : `; CPU ${a.cpu!.toFixed(0)} ms, ${c.toFixed(3)}× (${pct(c)}, ${(a.cpu! - b.cpu!).toFixed(1)} ms)`;
  return { text: `wall ${w.toFixed(3)}× (${pct(w)}, ${(a.wall.median - b.wall.median).toFixed(1)} ms)${cpuPart}`, ratio: c ?? w, by: c === null ? 'wall' : 'CPU' };
}

function wholeProcess(ws: Workspace): { enc: number; dec: number; by: string } | string {
  const writerFile = 'sign-writer.yaml';
  const probe = probeCommand(ws, gitseal('keygen', '--writer', '--name', 'bench', '-o', writerFile));
  if (probe.status !== 0) return `dist/ has no writer keys (gitseal keygen --writer: exit ${probe.status}: ${probe.message}); run npm run build`;
  const key = /^key: (.+)$/m.exec(readFileSync(inWs(ws, writerFile), 'utf8'))?.[1];
  if (!key) return `${writerFile} has no key line`;
  writeFileSync(inWs(ws, 'sign-trust.yaml'), `requireSignatures: false\nwriters:\n  - name: bench\n    key: ${key}\n`);

  const file = writeManifest(ws, 'sign-s10.yaml', VALUES);
  const signing = { GITSEAL_WRITER_KEY: writerFile };
  const trusting = { GITSEAL_TRUST: 'sign-trust.yaml' };
  runCommand(ws, gitseal('encrypt', file, '-o', 'sign-s10.enc.yaml'));
  runCommand(withVars(ws, [], signing).ws, gitseal('encrypt', file, '-o', 'sign-s10.signed.enc.yaml'));
  if (!/^ {4}signature: /m.test(readFileSync(inWs(ws, 'sign-s10.signed.enc.yaml'), 'utf8'))) return 'gitseal encrypt with GITSEAL_WRITER_KEY wrote no signature';

  // Encrypt to standard output: no earlier output to reuse, so every run seals (and signs) anew.
  const cmds = [
    withVars(ws, ['node', '-e', '0']),
    withVars(ws, gitseal('encrypt', file)),
    withVars(ws, gitseal('encrypt', file), signing),
    withVars(ws, gitseal('decrypt', 'sign-s10.enc.yaml')),
    withVars(ws, gitseal('decrypt', 'sign-s10.signed.enc.yaml'), trusting),
    withVars(ws, gitseal('decrypt', 'sign-s10.signed.enc.yaml')),
  ];
  const [ref, enc, encSigned, dec, decChecked, decUntrusted] = interleavedCommands(cmds, CLI_RUNS) as [Measured, Measured, Measured, Measured, Measured, Measured];
  note(`whole process, ${VALUES}-value Secret, round-robin; the default ML-DSA backend of ${process.version}; wall medians, CPU (user + system) means`);
  line('reference: node -e 0', ref.wall, printed(cmds[0]!), cpuText(ref));
  line('gitseal encrypt, unsigned', enc.wall, printed(cmds[1]!), `${cpuText(enc)}; ${ratio(enc.wall, ref.wall).toFixed(1)}× node -e 0`);
  const e = versus(encSigned, enc);
  line('gitseal encrypt, signed', encSigned.wall, printed(cmds[2]!), `vs unsigned: ${e.text}`);
  line('gitseal decrypt, unsigned file', dec.wall, printed(cmds[3]!), `${cpuText(dec)}; ${ratio(dec.wall, ref.wall).toFixed(1)}× node -e 0`);
  const d = versus(decChecked, dec);
  line('gitseal decrypt, signed, writer trusted', decChecked.wall, printed(cmds[4]!), `vs unsigned: ${d.text}`);
  line('gitseal decrypt, signed, not trusted (extra)', decUntrusted.wall, printed(cmds[5]!), `no verification, a warning; vs unsigned: ${versus(decUntrusted, dec).text}`);
  return { enc: e.ratio, dec: d.ratio, by: e.by };
}

export function sign(ws: Workspace): Goal[] {
  header('sign', ws);
  const ip = inProcess();
  firstCalls();
  const cli = wholeProcess(ws);
  if (typeof cli === 'string') note(`whole process: not measured: ${cli}`);
  const skip = typeof cli === 'string' ? cli : undefined;
  const by = typeof cli === 'string' ? '' : `, ${cli.by}`;
  return [
    { bench: 'sign', what: `in-process encryptStream, signed (${ip.backend}) / unsigned`, measured: ratio(ip.encSigned, ip.encPlain), unit: '×', limit: GOAL },
    { bench: 'sign', what: `in-process decrypt, checkSignature (${ip.backend}) / none`, measured: ratio(ip.decChecked, ip.decPlain), unit: '×', limit: GOAL },
    { bench: 'sign', what: `gitseal encrypt, signed / unsigned${by}`, measured: typeof cli === 'string' ? null : cli.enc, unit: '×', limit: GOAL, note: skip },
    { bench: 'sign', what: `gitseal decrypt, trusted signature / unsigned${by}`, measured: typeof cli === 'string' ? null : cli.dec, unit: '×', limit: GOAL, note: skip },
  ];
}
