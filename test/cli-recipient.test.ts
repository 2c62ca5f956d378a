/**
 * `gitseal recipient` against the real HTTPS rewrap service: GET
 * /v1/recipient answers the active org key to a caller with no credential,
 * the CLI checks the service's certificate like every service command, and
 * `--check KID` refuses a key that is not the one expected (a second
 * service stands in for whoever answers in the real one's place). The route
 * is counted in the service's metrics like the others.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRecipient } from '../core/crypto/recipients/index.js';
import { describeRun, runGitseal } from './helpers/cli.js';
import { startTestService, type TestService } from './helpers/rewrap-service.js';

const POLICY = 'gitseal-policy: 1\nrules: []\n';

let svc: TestService;
let impostor: TestService;
const dir = mkdtempSync(join(tmpdir(), 'gitseal-recipient-'));

beforeAll(async () => {
  [svc, impostor] = await Promise.all([startTestService({ policy: POLICY }), startTestService({ policy: POLICY })]);
});
afterAll(async () => {
  await Promise.all([svc?.close(), impostor?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** No credential at all: only where the service is and whom to trust for its certificate. */
const envOf = (s: TestService, ca: string | null = s.caFile) => ({ GITSEAL_SERVER: s.url, GITSEAL_SERVER_CA: ca ?? undefined });
const recipient = (args: string[], env: Record<string, string | undefined>) => runGitseal(['recipient', ...args], { cwd: dir, env });

function fetch(s: TestService, method: string, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${s.url}${path}`, { method, ca: readFileSync(s.caFile), agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GET /v1/recipient', () => {
  it('answers the active key to a caller without credentials, and is counted by route', async () => {
    const r = await fetch(svc, 'GET', '/v1/recipient');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ kid: svc.kid, alg: 'mlkem1024-x25519', recipient: svc.recipient });
    expect((await fetch(svc, 'POST', '/v1/recipient')).status).toBe(405);
    // HEAD answers as GET does, without the body, on every read-only route (HEAD /v1/keys was 404).
    for (const path of ['/v1/recipient', '/v1/keys', '/healthz', '/readyz']) {
      const [head, get] = [await fetch(svc, 'HEAD', path), await fetch(svc, 'GET', path)];
      expect([path, head.status, head.text]).toEqual([path, get.status, '']);
    }
    const metrics = (await fetch(svc, 'GET', '/metrics')).text;
    expect(metrics).toMatch(/^gitseal_requests_total\{route="recipient",code="200"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^gitseal_request_duration_seconds_count\{route="recipient"\} [1-9]\d*$/m);
  });
});

describe.concurrent('gitseal recipient', () => {
  it('prints the recipient on stdout and its kid on stderr, with no credential set', async () => {
    const r = await recipient([], envOf(svc));
    expect(r.status, describeRun(['recipient'], r)).toBe(0);
    expect(r.stdout).toBe(`${svc.recipient}\n`);
    expect(parseRecipient(r.stdout.trim()).kid).toBe(svc.kid);
    expect(r.stderr).toContain(`org key ${svc.kid} (mlkem1024-x25519)`);
    expect(r.stderr).toContain(`--check ${svc.kid}`);
  });

  it('--json gives kid, alg and recipient; --check with the right kid passes', async () => {
    const json = await recipient(['--json'], envOf(svc));
    expect(JSON.parse(json.stdout)).toEqual({ kid: svc.kid, alg: 'mlkem1024-x25519', recipient: svc.recipient });
    const checked = await recipient(['--check', svc.kid], envOf(svc));
    expect(checked.status).toBe(0);
    expect(checked.stdout).toBe(`${svc.recipient}\n`);
  });

  it('--check refuses another key (E_RECIPIENT, exit 23) and prints no recipient', async () => {
    const r = await recipient(['--check', svc.kid], envOf(impostor));
    expect(r.status).toBe(23);
    expect(r.stderr).toContain('[E_RECIPIENT]');
    expect(r.stderr).toContain(impostor.kid);
    expect(r.stdout).toBe('');
  });

  it("checks the service's certificate: without its CA the answer is refused (E_SERVER, exit 60), and with another service's CA too", async () => {
    const noCa = await recipient([], envOf(svc, null));
    expect(noCa.status).toBe(60);
    expect(noCa.stdout).toBe('');
    const wrongCa = await recipient([], envOf(svc, impostor.caFile));
    expect(wrongCa.status).toBe(60);
    expect(wrongCa.stdout).toBe('');
  });

  it('without GITSEAL_SERVER it is a usage error; a --check that is not a kid too', async () => {
    expect((await recipient([], {})).status).toBe(2);
    expect((await recipient(['--check', 'a b'], envOf(svc))).status).toBe(2);
  });
});
