/**
 * rewrap-signatures: what the service's writer checks (issue 14) cost its
 * batch throughput. One `gitseal serve`, run from this tree's sources (tsx),
 * so the figures are those of the code even before a build; TLS 1.3,
 * kept-alive connections, Ed25519-signed requests, batches of 1,000 DEKs, two
 * in flight, as in `rewrap`. Its policy requires signatures on the `signed-*`
 * namespaces only, so both variants are measured against the same process,
 * in alternating rounds:
 * - not required: unsigned documents in scopes that do not require signatures
 *   (the items still carry their file binding and MAC, as clients send them);
 * - required: documents signed by a writer the service knows and the policy
 *   grants write, in scopes that require signatures. Every signature is
 *   verified (ML-DSA-65 + Ed25519, in the unwrap workers) the first time and
 *   remembered after, and the client then names it by its signer instead of
 *   sending it, so the steady state is the controller's, re-reading the same
 *   documents; the first batch (every signature new) is shown apart.
 * BENCH_REWRAP_NODE_ARGS: node options for the service process (e.g.
 * `--cpu-prof --cpu-prof-dir=prof`, then bench/profile-summary.ts).
 * The service's CPU time per DEK is printed too: on a busy or small machine,
 * where the client competes for the same cores, it says more about the
 * service's own capacity than wall-clock throughput does.
 * Goal: required ≥ 0.9 × not required, in the steady state. The first batch
 * is printed, not judged: a new signature costs a verification, about ten
 * unwraps with @noble/post-quantum and one to two with Node 24's OpenSSL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { b64url } from '../core/bytes.js';
import { parseRecipient } from '../core/crypto/recipients/index.js';
import { formatWriter, generateWriterSecret, hasNativeMldsa, writerFromSecret } from '../core/crypto/writer-key.js';
import { signatureToDisk } from '../core/format/encrypted-document.js';
import { signatureFor } from '../core/format/signature.js';
import { loadSigningKey } from '../kms/auth/request-signature.js';
import { RewrapClient } from '../kms/client/client.js';
import { signedFieldsOfItem, signerOfSignature } from '../kms/protocol/rewrap-item.js';
import type { RewrapItem, SignedItemFields } from '../kms/protocol/types.js';
import { devSetup, DEV_KEY_ID } from '../kms/service/dev-setup.js';
import { decodeOrgKeys } from '../kms/service/org-key-file.js';
import { cpuSeconds, note, type Goal, type Workspace } from './harness.js';

const BATCH = 1000;
const ROUNDS = 3;
const SECONDS = 3;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

const POLICY = `gitseal-policy: 1
requireSignatures: ["signed-*/*"]
rules:
  - name: the benchmark reads and writes everything
    subjects: ["dev:${DEV_KEY_ID}"]
    scopes: ["*"]
    operations: [rewrap, write]
`;

/** `gitseal serve` from the sources; resolves with its URL once it listens. */
function serveFromSources(config: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const nodeArgs = (process.env.BENCH_REWRAP_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(ROOT, 'cli', 'main.ts'), 'serve', '--config', config, '--port', '0'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer): void => {
      text += d.toString();
      const m = /rewrap service on (https:\/\/\S+)/.exec(text);
      if (m) resolve({ child, url: m[1]! });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`gitseal serve exited with ${code}: ${text.slice(-500)}`)));
  });
}

export async function rewrapSignatures(ws: Workspace): Promise<Goal[]> {
  console.log('\n== rewrap-signatures (gitseal serve from the sources; signatures required vs not, same process, alternating rounds)');
  const dev = await devSetup(join(ws.dir, 'serve-signatures'));
  const secret = generateWriterSecret();
  const writer = writerFromSecret(secret);
  writeFileSync(join(dev.dir, 'policy.yaml'), POLICY);
  appendFileSync(dev.config.file, `writers:\n  - {subject: "dev:${DEV_KEY_ID}", key: "${formatWriter(writer)}"}\n`);
  const recipient = parseRecipient(decodeOrgKeys(readFileSync(dev.config.keys, 'utf8'), dev.config.keys)[0]!.recipient);

  const itemsFor = (ns: string, sign: boolean): RewrapItem[] =>
    Array.from({ length: BATCH }, (_, i) => {
      const docId = randomBytes(16);
      const scope = `${ns}-${i % 13}/app-${i % 7}`;
      const s = recipient.wrap(randomBytes(32), { scopeBinding: scope, docId });
      const signed: SignedItemFields = { mode: 'secret', file: b64url(randomBytes(16)), after: 'start', last: true, mac: b64url(randomBytes(32)) };
      const item: RewrapItem = { kid: s.kid, alg: 'mlkem1024-x25519', enc: s.enc, dek: s.dek, scope, docId: b64url(docId), signed };
      if (sign) signed.signature = signatureToDisk(signatureFor(signedFieldsOfItem({ ...item, signed }), { kid: writer.kid, subject: 'bench', sign: (m) => writer.sign(m) }));
      return item;
    });
  const t0 = performance.now();
  const plain = itemsFor('plain', false);
  const signed = itemsFor('signed', true);
  secret.fill(0);
  const named = signed.map(({ signed: s, ...item }) => ({ ...item, signed: { ...s, signature: undefined, signer: signerOfSignature(s!.signature!) } }));
  const mb = (items: unknown): string => (JSON.stringify(items).length / 1e6).toFixed(1);
  note(`${fmt(BATCH)} documents signed in ${((performance.now() - t0) / 1000).toFixed(1)} s (ML-DSA-65 in ${hasNativeMldsa() ? 'node:crypto (OpenSSL)' : '@noble/post-quantum'})`);
  note(`request body: ${mb(plain)} MB unsigned; signed ${mb(signed)} MB with the signatures, ${mb(named)} MB once the service accepted them (named by signer)`);

  const { child, url } = await serveFromSources(dev.config.file, { ...ws.env, ...dev.serviceEnv });
  const client = new RewrapClient({
    server: url,
    ca: readFileSync(dev.clientEnv.GITSEAL_SERVER_CA!),
    signingKey: { keyId: DEV_KEY_ID, privateKey: loadSigningKey(readFileSync(dev.clientEnv.GITSEAL_SIGNING_KEY!, 'utf8')).keyObject },
    timeoutMs: 60_000,
  });
  const unwrapAll = async (items: RewrapItem[]): Promise<void> => {
    const results = await client.unwrapSettled(items);
    const refused = results.find((r) => !r.ok);
    if (refused && !refused.ok) throw new Error(`the service refused an item: ${refused.wire}: ${refused.message}`);
    for (const r of results) if (r.ok) r.dek.fill(0);
  };
  const serviceCpu = (): number => cpuSeconds(child.pid!);
  const cpu = { plain: 0, signed: 0 };
  const deks = { plain: 0, signed: 0 };
  /** DEKs per second with two batches in flight for `seconds`; the service's CPU time and DEKs are added to `kind`. */
  const throughput = async (items: RewrapItem[], kind: 'plain' | 'signed'): Promise<number> => {
    let done = 0;
    const cpu0 = serviceCpu();
    const start = performance.now();
    const end = start + SECONDS * 1000;
    const lane = async (): Promise<void> => {
      while (performance.now() < end) {
        await unwrapAll(items);
        done += items.length;
      }
    };
    await Promise.all([lane(), lane()]);
    cpu[kind] += serviceCpu() - cpu0;
    deks[kind] += done;
    return done / ((performance.now() - start) / 1000);
  };
  const once = async (items: RewrapItem[]): Promise<number> => {
    const start = performance.now();
    await unwrapAll(items);
    return performance.now() - start;
  };
  try {
    for (let i = 0; i < 3; i++) await unwrapAll(plain); // warm-up: connections, JIT, workers
    const plainBatch = await once(plain);
    const coldBatch = await once(signed); // every signature new: all verified in the workers
    const warmBatch = await once(signed);
    note(`one batch of ${fmt(BATCH)}: not required ${plainBatch.toFixed(0)} ms; required, signatures new ${coldBatch.toFixed(0)} ms (${fmt((BATCH / coldBatch) * 1000)} DEKs/s = ${(plainBatch / coldBatch).toFixed(2)} ×), verified before ${warmBatch.toFixed(0)} ms`);
    const rates: { plain: number[]; signed: number[] } = { plain: [], signed: [] };
    for (let r = 0; r < ROUNDS; r++) {
      rates.plain.push(await throughput(plain, 'plain'));
      rates.signed.push(await throughput(signed, 'signed'));
    }
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const ratio = mean(rates.signed) / mean(rates.plain);
    note(`not required: ${rates.plain.map(fmt).join(', ')} DEKs/s (mean ${fmt(mean(rates.plain))})`);
    note(`required:     ${rates.signed.map(fmt).join(', ')} DEKs/s (mean ${fmt(mean(rates.signed))})`);
    note(`required / not required = ${ratio.toFixed(2)} × (goal ≥ 0.9); signatures new in every batch: ${(plainBatch / coldBatch).toFixed(2)} ×`);
    const perThousand = (kind: 'plain' | 'signed'): number => (cpu[kind] / deks[kind]) * 1e6;
    note(
      `service CPU (main thread + workers) per 1,000 DEKs: not required ${perThousand('plain').toFixed(0)} ms, required ${perThousand('signed').toFixed(0)} ms: ` +
        `a service on cores of its own would serve ${(perThousand('plain') / perThousand('signed')).toFixed(2)} × as many with signatures required`,
    );
    return [{ bench: 'rewrap-signatures', what: 'not required / required DEKs/s (signatures verified before)', measured: 1 / ratio, unit: '×', limit: 1.11, note: `${fmt(mean(rates.signed))} vs ${fmt(mean(rates.plain))} DEKs/s` }];
  } finally {
    client.close();
    child.kill('SIGTERM');
  }
}
