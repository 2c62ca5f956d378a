/**
 * The container image (issue 16): image/build.sh builds it with buildah, then
 * podman runs it as 65532 on a read-only root for `--version`,
 * `controller --help`, `serve --dev` (its /healthz over HTTPS on loopback)
 * and `serve init` with AWS and GCP KMS roots (doubles on loopback), which
 * proves the SDKs bundled into the image's app still work. The image holds
 * no shell and no package manager.
 */
import { spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';
import { hasOptional } from './helpers/optional.js';
import { run, runImage, startImage, stopContainer } from './helpers/podman.js';
import { startAwsKmsDouble } from './doubles/aws-kms-double.js';
import { startGcpKmsDouble } from './doubles/gcp-kms-double.js';

const IMAGE = 'localhost/gitseal:test';
const APP_USER = 65532;
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

const onPath = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const missingTools = ['buildah', 'podman', 'runc'].filter((t) => !onPath(t));
const missingPackages = (['pkcs11js', '@aws-sdk/client-kms', '@google-cloud/kms'] as const).filter((p) => !hasOptional(p));
const skipReason = missingTools.length
  ? `needs ${missingTools.join(', ')} (apt-get install buildah podman runc)`
  : missingPackages.length
    ? `the image carries the optional packages, not installed here: ${missingPackages.join(', ')}`
    : '';
if (skipReason) console.log(`image tests skipped: ${skipReason}`);

const dir = mkdtempSync(join(tmpdir(), 'gitseal-image-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A host folder the image's user can write, mounted into the container. */
function appFolder(name: string): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  chownSync(path, APP_USER, APP_USER);
  return path;
}

/** Every path in the image, relative to its root. */
function imagePaths(): string[] {
  const from = spawnSync('buildah', ['from', '--pull-never', IMAGE], { encoding: 'utf8' });
  expect(from.status, from.stderr).toBe(0);
  const ctr = from.stdout.trim();
  try {
    const mount = spawnSync('buildah', ['mount', ctr], { encoding: 'utf8' });
    expect(mount.status, mount.stderr).toBe(0);
    return readdirSync(mount.stdout.trim(), { recursive: true, encoding: 'utf8' });
  } finally {
    spawnSync('buildah', ['rm', ctr]);
  }
}

function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { ca, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

function waitForOutput(child: ChildProcessWithoutNullStreams, marker: string, ms: number): Promise<string> {
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${marker}" within ${ms} ms: ${err}`)), ms);
    child.on('exit', (code) => reject(new Error(`exited ${code} before "${marker}": ${err}`)));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(marker)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
  });
}

describe.skipIf(skipReason !== '')('container image', () => {
  beforeAll(async () => {
    const build = await run('bash', [join(ROOT, 'image/build.sh'), IMAGE], { ...process.env, GITSEAL_IMAGE_ARCHIVE: join(dir, 'gitseal-oci.tar') });
    expect(build.status, build.stderr).toBe(0);
    // The sizes, for the test log.
    console.log(build.stdout.trim());
  }, 160_000);

  it('prints its version and the controller help as user 65532', async () => {
    const v = await runImage(IMAGE, ['--version']);
    expect(v.stderr).toBe('');
    expect(v.stdout.trim()).toBe(version);
    const help = await runImage(IMAGE, ['controller', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('run the Kubernetes controller');
  });

  it('runs as 65532 on a read-only root, with /tmp writable and pkcs11js loading', async () => {
    const probe = [
      "const fs = require('node:fs');",
      "let root = 'writable'; try { fs.writeFileSync('/probe', 'x'); } catch (e) { root = e.code; }",
      "fs.writeFileSync('/tmp/probe', 'x');",
      "require('/app/node_modules/pkcs11js');",
      'console.log(JSON.stringify({ uid: process.getuid(), gid: process.getgid(), root }));',
    ].join(' ');
    const r = await runImage(IMAGE, ['-e', probe], { entrypoint: '/usr/local/bin/node' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ uid: APP_USER, gid: APP_USER, root: 'EROFS' });
  });

  it('holds no shell and no package manager', () => {
    const paths = imagePaths();
    expect(paths).toContain('usr/local/bin/node');
    const forbidden = new Set(['sh', 'bash', 'dash', 'busybox', 'apt', 'apt-get', 'dpkg', 'env']);
    expect(paths.filter((p) => forbidden.has(basename(p)))).toEqual([]);
    expect(paths.filter((p) => p.startsWith('var/lib/dpkg') || p.startsWith('etc/apt'))).toEqual([]);
  });

  it('serve --dev answers /healthz over HTTPS on loopback and stops on SIGTERM', async () => {
    const svc = appFolder('dev');
    const name = `gitseal-image-test-${process.pid}`;
    const child = startImage(IMAGE, ['serve', '--dev', '/svc/dev', '--port', '0'], { name, hostNetwork: true, volumes: { [svc]: '/svc' } });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const out = await waitForOutput(child, 'Stop with Ctrl-C', 60_000);
      const url = /export GITSEAL_SERVER=(https:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      expect(url, out).toBeDefined();
      const health = await httpsGet(`${url!}/healthz`, readFileSync(join(svc, 'dev', 'ca.pem'), 'utf8'));
      expect(health).toEqual({ status: 200, body: '{"ok":true}' });
    } finally {
      stopContainer(name);
    }
    expect(await exited).toBe(0);
  });

  it('serve init seals an org key under AWS KMS and under GCP KMS (the bundled SDKs)', async () => {
    const aws = await startAwsKmsDouble();
    const gcp = await startGcpKmsDouble();
    try {
      const roots = {
        aws: { root: `{type: aws-kms, keyId: "${aws.createKey()}", region: ${aws.region}, endpoint: "${aws.endpoint}"}`, calls: () => aws.calls },
        gcp: { root: `{type: gcp-kms, name: "${gcp.createKey()}", apiEndpoint: "${gcp.apiEndpoint}"}`, calls: () => gcp.calls },
      };
      for (const [kind, { root, calls }] of Object.entries(roots)) {
        const svc = appFolder(kind);
        const config = ['gitseal-service: 1', 'listen: {host: 127.0.0.1, port: 8443}', 'tls: {cert: server.pem, key: server-key.pem}', `root: ${root}`, 'keys: org-keys.yaml', 'policy: policy.yaml', 'audit: audit.log', 'auth:', ''];
        writeFileSync(join(svc, 'service.yaml'), config.join('\n'));
        const r = await runImage(IMAGE, ['serve', 'init', '--config', '/svc/service.yaml'], { hostNetwork: true, volumes: { [svc]: '/svc' }, env: { ...aws.env } });
        expect(r.status, `${kind}: ${r.stderr}`).toBe(0);
        expect(r.stdout).toMatch(/^active org-[0-9a-f]+ gitseal1:/);
        expect(calls().map((c) => c.toLowerCase())).toContain('encrypt');
      }
    } finally {
      await Promise.all([aws.close(), gcp.close()]);
    }
  });
});
