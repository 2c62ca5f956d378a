/**
 * rewrap: the rewrap service end to end, as a separate process (`gitseal serve`
 * from the bundle) over TLS 1.3 with kept-alive connections and Ed25519-signed
 * requests.
 * - batch throughput: batches of 1,000 DEKs, two in flight, against the
 *   reference 2 × the fastest single-thread hybrid unwrap rate measured here;
 * - single-item latency, one request at a time on a kept-alive connection, p50 and p99;
 * - the service's peak RSS (VmHWM) after that load.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { b64url } from '../core/bytes.js';
import { identityFromSecret, parseRecipient } from '../core/crypto/recipients/index.js';
import { loadSigningKey } from '../kms/auth/request-signature.js';
import { RewrapClient } from '../kms/client/client.js';
import { devSetup, DEV_KEY_ID } from '../kms/service/dev-setup.js';
import { loadDecapsulator } from '../kms/service/kem-backend.js';
import { decodeOrgKeys, sealContext } from '../kms/service/org-key-file.js';
import { openRoot } from '../kms/roots/index.js';
import type { RewrapItem } from '../kms/protocol/types.js';
import { median, note, peakRssMb, spawnGitseal, type Goal, type Workspace } from './harness.js';

const BATCH = 1000;
const SECONDS = 4;
const LATENCY_RUNS = 1000;
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

/** The fastest single-thread hybrid unwrap rate (liboqs when it passes its check, else noble). */
async function hybridRate(secret: Uint8Array, items: RewrapItem[]): Promise<{ rate: number; backend: string }> {
  const oqs = await loadDecapsulator('auto');
  const id = identityFromSecret('mlkem1024-x25519', secret, oqs.identityOptions);
  const ctx = items.map((i) => ({ stanza: { kid: i.kid, alg: i.alg, enc: i.enc, dek: i.dek }, ctx: { scopeBinding: i.scope, docId: Buffer.from(i.docId, 'base64url') } }));
  const rates: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    for (const c of ctx) id.unwrap(c.stanza, c.ctx)!.fill(0);
    rates.push(ctx.length / ((performance.now() - t0) / 1000));
  }
  oqs.close();
  return { rate: Math.max(...rates), backend: oqs.name };
}

export async function rewrap(ws: Workspace): Promise<Goal[]> {
  console.log('\n== rewrap (gitseal serve over TLS 1.3, kept-alive, signed requests)');
  const dev = await devSetup(join(ws.dir, 'serve'));
  // The single-thread reference needs the org secret: unseal it through the same root the service uses.
  const [rec] = decodeOrgKeys(readFileSync(dev.config.keys, 'utf8'), dev.config.keys);
  const root = await openRoot(dev.config.root, { ...process.env, ...dev.serviceEnv });
  const secret = await root.unseal(rec!.sealed!, sealContext(rec!.kid));
  await root.close();
  const recipient = rec!.recipient;

  const r = parseRecipient(recipient);
  const items: RewrapItem[] = Array.from({ length: BATCH }, (_, i) => {
    const docId = randomBytes(16);
    const scope = `ns-${i % 13}/app-${i % 7}`;
    const s = r.wrap(randomBytes(32), { scopeBinding: scope, docId });
    return { kid: s.kid, alg: 'mlkem1024-x25519', enc: s.enc, dek: s.dek, scope, docId: b64url(docId) };
  });
  const ref = await hybridRate(secret, items);
  secret.fill(0);
  const ideal = 2 * ref.rate;
  note(`reference: ${fmt(ref.rate)} hybrid unwraps/s on one thread (${ref.backend}); 2 × = ${fmt(ideal)}/s`);

  const { child, match } = await spawnGitseal(['serve', '--config', dev.config.file, '--port', '0'], { ...ws.env, ...dev.serviceEnv }, /rewrap service on (https:\/\/\S+).*\n/);
  const url = match[1]!;
  note(match[0].trim());
  const client = new RewrapClient({
    server: url,
    ca: readFileSync(dev.clientEnv.GITSEAL_SERVER_CA!),
    signingKey: { keyId: DEV_KEY_ID, privateKey: loadSigningKey(readFileSync(dev.clientEnv.GITSEAL_SIGNING_KEY!, 'utf8')).keyObject },
    timeoutMs: 30_000,
  });
  try {
    await client.unwrap(items); // warm-up: connections, JIT, workers
    let done = 0;
    const t0 = performance.now();
    const end = t0 + SECONDS * 1000;
    const lane = async (): Promise<void> => {
      while (performance.now() < end) {
        const deks = await client.unwrap(items);
        done += deks.length;
      }
    };
    await Promise.all([lane(), lane()]);
    const throughput = done / ((performance.now() - t0) / 1000);
    note(`batch throughput: ${fmt(throughput)} DEKs/s = ${(throughput / ideal).toFixed(2)} × (2 × ${fmt(ref.rate)}/s); goal ≥ 0.7`);

    const one = [items[0]!];
    for (let i = 0; i < 50; i++) await client.unwrap(one);
    const lat: number[] = [];
    for (let i = 0; i < LATENCY_RUNS; i++) {
      const t = performance.now();
      await client.unwrap(one);
      lat.push(performance.now() - t);
    }
    lat.sort((a, b) => a - b);
    const p50 = median(lat);
    const p99 = lat[Math.floor(lat.length * 0.99)]!;
    note(`single-item latency over ${fmt(LATENCY_RUNS)} requests: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`);
    const rss = peakRssMb(child.pid!);
    note(`service peak RSS ${rss.toFixed(0)} MB`);
    return [
      { bench: 'rewrap', what: 'batch throughput: (2 × hybrid rate) / service DEKs/s', measured: ideal / throughput, unit: '×', limit: 1.43, note: `${fmt(throughput)} DEKs/s` },
      { bench: 'rewrap', what: 'single-item latency p50', measured: p50, unit: 'ms', limit: 2 },
      { bench: 'rewrap', what: 'single-item latency p99', measured: p99, unit: 'ms', limit: 10 },
      { bench: 'rewrap', what: 'service peak RSS (MB)', measured: rss, unit: 'MB', limit: 150 },
    ];
  } finally {
    client.close();
    child.kill('SIGTERM');
  }
}
