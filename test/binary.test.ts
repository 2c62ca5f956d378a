/**
 * The single executable (issue 16): `npm run build:binary` builds, once here
 * into a temporary folder outside the repository, and that copy runs the
 * same commands as the bundle without node_modules: the demo round trip,
 * the rewrap service with its worker threads and WebAssembly backend, the
 * missing-package errors. The CLI test files run against a binary too:
 * GITSEAL_TEST_BINARY=dist-bin/gitseal npx vitest run test/cli-*.test.ts
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../cli/exit-codes.js';
import { describeRun, gitsealCli, ROOT, runGitseal } from './helpers/cli.js';
import { startDevService } from './helpers/dev-service.js';
import { hasOptional } from './helpers/optional.js';

const postjectMissing = ((): string | null => {
  try {
    createRequire(import.meta.url).resolve('postject');
    return null;
  } catch {
    return 'postject is not installed (npm ci installs it: a devDependency)';
  }
})();

const dir = mkdtempSync(join(tmpdir(), 'gitseal-binary-'));
const binary = join(dir, 'gitseal');
const hasStrace = spawnSync('strace', ['-V']).status === 0;

afterAll(() => {
  delete process.env.GITSEAL_TEST_BINARY;
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(postjectMissing !== null)(`single executable${postjectMissing ? ` (skipped: ${postjectMissing})` : ''}`, () => {
  beforeAll(() => {
    const r = spawnSync(process.execPath, [join(ROOT, 'build-binary.mjs'), '--out', dir], { encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`build-binary.mjs failed (${r.status ?? r.signal}):\n${r.stderr}`);
    // From here runGitseal runs the binary (test/helpers/cli.ts).
    process.env.GITSEAL_TEST_BINARY = binary;
  }, 600_000);

  it('answers --version with the package version', async () => {
    const r = await runGitseal(['--version'], { cwd: dir });
    expect(r.stdout).toBe(`${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}\n`);
  });

  it('runs the demo: keygen, encrypt, decrypt byte for byte, set, verify', () => {
    const out = execFileSync('sh', [join(ROOT, 'examples/demo.sh')], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: dir, DEMO_GITSEAL: binary } });
    expect(out).toContain('byte-exact round trip: OK');
    expect(out).toContain('MAC ok');
  });

  it('says what the bundle says: help, usage errors, a missing file', async () => {
    const cases = [['--help'], ['encrypt', '--help'], ['no-such-command'], ['decrypt', 'missing.yaml'], ['set']];
    for (const args of cases) {
      const fromBinary = await runGitseal(args, { cwd: dir });
      const fromBundle = spawnSync(process.execPath, [gitsealCli(), ...args], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: dir } });
      expect({ status: fromBinary.status, stdout: fromBinary.stdout, stderr: fromBinary.stderr }, describeRun(args, fromBinary)).toEqual({
        status: fromBundle.status,
        stdout: fromBundle.stdout,
        stderr: fromBundle.stderr,
      });
    }
  });

  it.runIf(hasStrace)('opens no node_modules: keygen, init, encrypt, decrypt under strace', () => {
    const work = join(dir, 'traced');
    mkdirSync(work);
    writeFileSync(join(work, 'secret.yaml'), readFileSync(join(ROOT, 'examples/secret.yaml')));
    const trace = join(dir, 'strace.log');
    const script = `${binary} keygen >/dev/null && ${binary} init && ${binary} encrypt secret.yaml -o s.enc.yaml && ${binary} decrypt s.enc.yaml | cmp - secret.yaml`;
    // Not the test's PATH: npx puts node_modules/.bin on it, where sh would look for cmp.
    const r = spawnSync('strace', ['-f', '-e', 'trace=%file', '-o', trace, 'sh', '-c', script], { cwd: work, encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: work } });
    expect(r.status, r.stderr).toBe(0);
    const opened = readFileSync(trace, 'utf8');
    expect(opened).toContain('s.enc.yaml');
    expect(opened.split('\n').filter((line) => line.includes('node_modules'))).toEqual([]);
  });

  it('serves the development rewrap service (worker threads, WebAssembly backend) and decrypts through it', async () => {
    const service = await startDevService(binary, ['serve', '--dev', join(dir, 'svc'), '--port', '0'], dir, 60_000);
    try {
      const { env, recipient } = service;
      const work = join(dir, 'served');
      mkdirSync(work);
      expect((await runGitseal(['init', '-r', recipient], { cwd: work })).status).toBe(0);
      const secret = readFileSync(join(ROOT, 'examples/secret.yaml'), 'utf8');
      writeFileSync(join(work, 's.yaml'), secret);
      expect((await runGitseal(['encrypt', '-i', 's.yaml'], { cwd: work })).status).toBe(0);
      const d = await runGitseal(['decrypt', 's.yaml'], { cwd: work, env });
      expect(d.stdout, d.stderr).toBe(secret);
      expect(service.log()).toContain('"kemBackend":"liboqs"');
    } finally {
      expect(await service.stop()).toBe(0);
    }
  });

  describe('roots of trust', () => {
    const serveInit = async (root: string, env: Record<string, string> = {}) => {
      const cfg = join(dir, `root-${Math.random().toString(36).slice(2)}`);
      mkdirSync(cfg);
      const config = `gitseal-service: 1\nlisten: {host: 127.0.0.1, port: 8443}\ntls: {cert: c.pem, key: k.pem}\nroot: ${root}\nkeys: org-keys.yaml\npolicy: policy.yaml\naudit: audit.log\nauth: {}\n`;
      writeFileSync(join(cfg, 'service.yaml'), config);
      return runGitseal(['serve', 'init', '--config', join(cfg, 'service.yaml')], { cwd: cfg, env });
    };

    it('names the container image and npm when a package it does not contain is needed', async () => {
      for (const [root, name] of [
        ['{type: pkcs11, module: /usr/lib/softhsm/libsofthsm2.so, tokenLabel: t, keyLabel: k, pinEnv: PIN}', 'pkcs11js'],
        ['{type: gcp-kms, name: projects/p/locations/l/keyRings/r/cryptoKeys/k, apiEndpoint: "http://127.0.0.1:9"}', '@google-cloud/kms'],
      ] as const) {
        const r = await serveInit(root, { PIN: '1234' });
        expect(r.status, r.stderr).toBe(EXIT_CODES.E_MISSING_FEATURE);
        expect(r.stderr).toContain(`needs the package ${name}, which the single-executable gitseal does not contain: use the gitseal container image, or gitseal from npm`);
        expect(r.stderr).not.toContain('single-executable applications only supports loading built-in modules');
      }
    });

    it.runIf(hasOptional('@aws-sdk/client-kms'))('contains the AWS SDK: an unreachable AWS KMS is a root error, not a missing package', async () => {
      const r = await serveInit('{type: aws-kms, keyId: "arn:aws:kms:eu-west-1:1:key/x", region: eu-west-1, endpoint: "http://127.0.0.1:9"}', {
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'not-a-secret',
      });
      expect(r.stderr).toContain('AWS KMS could not encrypt');
      expect(r.status).toBe(EXIT_CODES.E_ROOT);
    });
  });
});
