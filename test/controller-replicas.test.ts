/**
 * Two replicas elect one leader through a Lease, and only the leader
 * writes; when it stops, the other takes over (issue 6). And the bundled
 * `gitseal controller` serves /healthz, /readyz and /metrics (the probes on
 * a listener of their own and /metrics behind a token when asked) and stops
 * cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitsealCli } from './helpers/cli.js';
import { secretManifest, startControllerEnv, until, type ControllerEnv } from './helpers/controller-env.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const LEASE = { namespace: 'gitseal', leaseDurationMs: 1_000, renewDeadlineMs: 600, retryPeriodMs: 100 };

describe('replicas', () => {
  let env: ControllerEnv;
  beforeAll(async () => {
    env = await startControllerEnv();
  });
  afterAll(async () => env?.close());

  it('elects one leader; only it writes; the other takes over when it stops', async () => {
    const a = await env.startController({ leaderElection: { ...LEASE, identity: 'replica-a' } });
    const b = await env.startController({ leaderElection: { ...LEASE, identity: 'replica-b' } });
    await until('a leader', () => a.isLeader || b.isLeader);
    await new Promise((r) => setTimeout(r, 500));
    expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1);
    const [leader, standby] = a.isLeader ? [a, b] : [b, a];
    const lease = env.k8s.get('coordination.k8s.io/v1', 'Lease', 'gitseal', 'gitseal-controller') as { spec: { holderIdentity: string } };
    expect(lease.spec.holderIdentity).toBe(a.isLeader ? 'replica-a' : 'replica-b');

    await env.createCr(env.encrypt(secretManifest('payments', 'one', { k: 'v1' })));
    await until('the Secret', () => env.getSecret('payments', 'one')?.data?.k === b64('v1'));
    await until('the leader counts it', () => leader.metrics.reconciles.get({ result: 'applied' }) > 0);
    expect(standby.metrics.reconciles.get({ result: 'applied' }) + standby.metrics.reconciles.get({ result: 'unchanged' })).toBe(0);

    await leader.stop();
    await until('the standby leads', () => standby.isLeader, 5_000);
    await env.replaceCr(env.encrypt(secretManifest('payments', 'one', { k: 'v2' })));
    await until('the new value through the new leader', () => env.getSecret('payments', 'one')?.data?.k === b64('v2'));
  });
});

describe('gitseal controller (bundle)', () => {
  let env: ControllerEnv;
  beforeAll(async () => {
    env = await startControllerEnv();
  });
  afterAll(async () => env?.close());

  it('syncs, serves health and metrics, and exits 0 on SIGTERM', async () => {
    const kubeconfig = join(env.svc.dir, 'kubeconfig');
    writeFileSync(kubeconfig, env.k8s.kubeconfig());
    const child = spawn(process.execPath, [gitsealCli(), 'controller', '--kubeconfig', kubeconfig, '--metrics-addr', '127.0.0.1:0', '--namespaces', 'payments'], {
      env: { PATH: process.env.PATH ?? '', HOME: env.svc.dir, ...env.svc.envFor('controller') },
    });
    let log = '';
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await until('informers synced', () => log.includes('informers synced'), 20_000);
      await env.createCr(env.encrypt(secretManifest('payments', 'bundled', { token: 't' })));
      await until('the Secret', () => env.getSecret('payments', 'bundled')?.data?.token === b64('t'), 20_000);
      const port = Number(/"port":(\d+)/.exec(log)![1]);
      const metrics = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      await until('the applied count', async () => (await metrics()).includes('gitseal_controller_reconcile_total{result="applied"} 1'));
      expect(await metrics()).toContain('gitseal_controller_is_leader 1');
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect(log).not.toContain(b64('t'));
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
  it('serves the probes apart from /metrics, and /metrics only to a scrape with the token', async () => {
    const kubeconfig = join(env.svc.dir, 'kubeconfig');
    writeFileSync(kubeconfig, env.k8s.kubeconfig());
    const tokenFile = join(env.svc.dir, 'metrics-token');
    writeFileSync(tokenFile, 'scrape-token-1\n');
    const args = ['controller', '--kubeconfig', kubeconfig, '--metrics-addr', '127.0.0.1:0', '--health-addr', '127.0.0.1:0', '--metrics-token-file', tokenFile, '--namespaces', 'billing'];
    const child = spawn(process.execPath, [gitsealCli(), ...args], { env: { PATH: process.env.PATH ?? '', HOME: env.svc.dir, ...env.svc.envFor('controller') } });
    let log = '';
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const portOf = (msg: string) => Number(new RegExp(`"msg":"${msg}".*"port":(\\d+)`).exec(log)?.[1]);
    try {
      await until('both listeners', () => log.includes('"serving /metrics"') && log.includes('"serving /healthz and /readyz"'), 20_000).catch((e: unknown) => {
        throw new Error(`${String(e)}: ${log.slice(0, 2000)}`);
      });
      const metrics = `http://127.0.0.1:${portOf('serving /metrics')}`;
      const health = `http://127.0.0.1:${portOf('serving /healthz and /readyz')}`;
      expect((await fetch(`${health}/readyz`)).status).toBe(200);
      expect((await fetch(`${health}/metrics`)).status).toBe(404);
      expect((await fetch(`${metrics}/healthz`)).status).toBe(404);
      expect((await fetch(`${metrics}/metrics`)).status).toBe(401);
      const scraped = await fetch(`${metrics}/metrics`, { headers: { authorization: 'Bearer scrape-token-1' } });
      expect([scraped.status, await scraped.text()]).toEqual([200, expect.stringContaining('gitseal_controller_is_leader')]);
      writeFileSync(tokenFile, 'scrape-token-2\n');
      expect((await fetch(`${metrics}/metrics`, { headers: { authorization: 'Bearer scrape-token-1' } })).status).toBe(401);
      expect((await fetch(`${metrics}/metrics`, { headers: { authorization: 'Bearer scrape-token-2' } })).status).toBe(200);
      expect(log).not.toContain('scrape-token');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
