/**
 * The abuse phase of bench rewrap (issue 15): bench/rewrap-abuser-process.ts floods the service from one
 * loopback address while the legitimate client, from another, keeps asking for one DEK at a time.
 * Reports the legitimate latencies during the flood, what the abuser got back, and what the audit log
 * grew by.
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { RewrapClient } from '../kms/client/client.js';
import type { RewrapItem } from '../kms/protocol/types.js';

export const ABUSE_SECONDS = 12;
/** Any 127/8 address is loopback on Linux: the abuser's "one IP" is not the legitimate client's. */
const ABUSER_ADDRESS = '127.0.0.66';

export interface Latencies {
  p50: number;
  p99: number;
  count: number;
}

/** One request at a time until `until` (performance.now() ms) or `runs` requests, whichever comes first. */
export async function singleItemLatencies(client: RewrapClient, item: RewrapItem, runs: number, until = Infinity): Promise<Latencies> {
  const lat: number[] = [];
  while (lat.length < runs && performance.now() < until) {
    const t = performance.now();
    await client.unwrap([item]);
    lat.push(performance.now() - t);
  }
  lat.sort((a, b) => a - b);
  return { p50: lat[Math.floor(lat.length / 2)]!, p99: lat[Math.floor(lat.length * 0.99)]!, count: lat.length };
}

export interface AbuserReport {
  seconds: number;
  bigStarted: number;
  badStarted: number;
  mebibytesSent: number;
  answers: Record<string, number>;
  failures: Record<string, number>;
}

function runAbuser(url: string, caFile: string): Promise<AbuserReport> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/rewrap-abuser-process.ts', url, caFile, String(ABUSE_SECONDS), ABUSER_ADDRESS], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as AbuserReport) : reject(new Error(`the abuser exited with ${code}`))));
  });
}

export interface AbuseResult {
  legit: Latencies;
  abuser: AbuserReport;
  /** Reads the audit records written since the phase began; call once the service has flushed (after it stops). */
  auditGrowth(): AuditGrowth;
}

/** The refused credentials' part of the audit log's growth (the legitimate client's records are not abuse). */
export interface AuditGrowth {
  bytes: number;
  records: number;
  /** Refusals the records stand for (a summary's `count`, else 1). */
  refusalsCounted: number;
  reasons: string[];
}

export async function abusePhase(client: RewrapClient, item: RewrapItem, url: string, caFile: string, auditFile: string): Promise<AbuseResult> {
  const auditStart = statSync(auditFile).size;
  const abuser = runAbuser(url, caFile);
  // The abuser's own start (tsx, TLS) takes a moment; measure while it is at full rate.
  await new Promise((r) => setTimeout(r, 1_500));
  const legit = await singleItemLatencies(client, item, Infinity, performance.now() + (ABUSE_SECONDS - 2.5) * 1000);
  const report = await abuser;
  return {
    legit,
    abuser: report,
    auditGrowth: () => {
      const added = readFileSync(auditFile).subarray(auditStart).toString('utf8');
      const lines = added.split('\n').filter((l) => l.trim() !== '');
      const isRefusal = (r: { decision?: string; operation?: string }): boolean => r.operation === 'authenticate' && r.decision === 'deny';
      const refusalLines = lines.filter((l) => isRefusal(JSON.parse(l) as { decision?: string; operation?: string }));
      const refusals = refusalLines.map((l) => JSON.parse(l) as { reason?: string; count?: number });
      return {
        bytes: refusalLines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0),
        records: refusals.length,
        refusalsCounted: refusals.reduce((n, r) => n + (r.count ?? 1), 0),
        reasons: [...new Set(refusals.map((r) => r.reason ?? '?'))],
      };
    },
  };
}
