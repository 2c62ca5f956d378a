/**
 * `gitseal serve --dev DIR` from the built bundle (issue 5): it makes its
 * CA, certificates, developer key, sealed org key and policy, prints how to
 * point the CLI at it, and a file encrypted to the printed recipient then
 * decrypts through it. SIGTERM stops it cleanly.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { gitsealCommand, runGitseal } from './helpers/cli.js';
import { startDevService } from './helpers/dev-service.js';

const dir = mkdtempSync(join(tmpdir(), 'gitseal-dev-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: web
  namespace: shop
stringData:
  token: dev-mode-value
`;

it('serves a development rewrap service that the CLI decrypts through', async () => {
  const command = gitsealCommand(['serve', '--dev', join(dir, 'svc'), '--port', '0']);
  const service = await startDevService(command.file, command.args, dir, 30_000);
  try {
    const { env, recipient } = service;
    expect(Object.keys(env).sort()).toEqual(['GITSEAL_SERVER', 'GITSEAL_SERVER_CA', 'GITSEAL_SIGNING_KEY', 'GITSEAL_SIGNING_KEY_ID']);
    expect(statSync(env.GITSEAL_SIGNING_KEY!).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'svc', 'org-keys.yaml')).mode & 0o777).toBe(0o600);
    const work = join(dir, 'repo');
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work);
    expect((await runGitseal(['init', '-r', recipient], { cwd: work })).status).toBe(0);
    writeFileSync(join(work, 'web.yaml'), SECRET);
    expect((await runGitseal(['encrypt', '-i', 'web.yaml'], { cwd: work })).status).toBe(0);
    const d = await runGitseal(['decrypt', 'web.yaml'], { cwd: work, env });
    expect(d.stderr).toBe('gitseal: web.yaml#1 shop/web: unsigned (warning: anyone with the public key can write such a document; requireSignatures: true refuses it)\n');
    expect(d.stdout).toBe(SECRET);
    expect(service.log()).toContain('rewrap service listening');
  } finally {
    expect(await service.stop()).toBe(0);
  }
});
