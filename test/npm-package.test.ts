/**
 * The npm package as `npm pack` makes it (issue 16): what it holds, and that it runs on its own, without
 * node_modules, from the tarball unpacked, as `npm install -g gitseal` or the review action runs it.
 * Packed from the dist/ that `npm test` built (`--ignore-scripts`: prepack would rebuild dist/ under the
 * other test files).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, gitsealCli } from './helpers/cli.js';
import { useWorkspaces } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();

interface PackResult {
  filename: string;
  files: Array<{ path: string; mode: number }>;
}

describe('the npm package', () => {
  it('holds the bundle, the schemas and the docs, not the sources or tests, and runs from the tarball alone', async () => {
    gitsealCli(); // builds dist/ when a lone vitest run has not
    const w = await newWorkspace();
    const out = join(w.dir, 'pack');
    mkdirSync(out);
    const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', out], { cwd: ROOT, encoding: 'utf8' });
    expect(pack.status, pack.stderr).toBe(0);
    const [result] = JSON.parse(pack.stdout) as PackResult[];
    const paths = result!.files.map((f) => f.path);
    for (const p of ['dist/gitseal.mjs', 'dist/unwrap-worker.mjs', 'package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'schemas/encryptedsecret.crd.yaml', 'schemas/FORMAT.md'])
      expect(paths).toContain(p);
    expect(paths.some((p) => p.startsWith('dist/chunks/'))).toBe(true);
    expect(paths.filter((p) => /^(test|bench|cli|core|kms|controller|runtime|migrate|node_modules|\.ci|\.github)\//.test(p) || p.endsWith('.ts'))).toEqual([]);

    const unpacked = join(w.dir, 'unpacked');
    mkdirSync(unpacked);
    expect(spawnSync('tar', ['-xzf', join(out, result!.filename), '-C', unpacked]).status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(unpacked, 'package', 'package.json'), 'utf8')) as { bin: { gitseal: string }; dependencies?: object; optionalDependencies?: object };
    // dist/ bundles every library it runs, so `npm install gitseal` fetches only the optional native addon and KMS SDKs.
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(Object.keys(manifest.optionalDependencies ?? {}).sort()).toEqual(['@aws-sdk/client-kms', '@google-cloud/kms', 'pkcs11js']);
    const bin = join(unpacked, 'package', manifest.bin.gitseal);
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(bin).mode & 0o111).not.toBe(0);

    // The workspace's key and .gitseal.yaml; no node_modules anywhere above the unpacked package: only what the tarball holds.
    const env = { ...process.env, XDG_CONFIG_HOME: join(w.dir, 'config'), NODE_PATH: '' };
    const run = (args: string[], input?: string) => spawnSync(bin, args, { cwd: w.dir, env, encoding: 'utf8', ...(input === undefined ? {} : { input }) });
    expect(run(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: payments\nstringData:\n  password: "canary-7f3e"\n';
    const encrypted = run(['encrypt', '-'], secret);
    expect(encrypted.status, encrypted.stderr).toBe(0);
    expect(encrypted.stdout).not.toContain('canary-7f3e');
    expect(run(['decrypt', '-'], encrypted.stdout).stdout).toBe(secret);
  }, 60_000);
});
