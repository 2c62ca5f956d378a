import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isGitsealError } from '../../core/errors.js';
import { PolicyFile, type LogEvent, type ReloadResult } from './policy-file.js';

const policyText = (...subjects: string[]): string =>
  `gitseal-policy: 1\nrules:\n${subjects.map((s) => `  - {name: "${s}", subjects: ["${s}"], scopes: ["*"], operations: [rewrap]}\n`).join('')}`;
const BAD = 'gitseal-policy: 1\nrules:\n  - {subjects: [dev:a], scopes: ["*"], operations: [rewarp]}\n';

let dir: string;
let path: string;
let logs: LogEvent[];
let file: PolicyFile | null;
const log = (e: LogEvent): void => void logs.push(e);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gitseal-policy-'));
  path = join(dir, 'policy.yaml');
  logs = [];
  file = null;
});
afterEach(() => {
  file?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The next reload result, or a failure after `ms`. */
function nextReload(f: PolicyFile, ms = 8000): Promise<ReloadResult> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no reload')), ms);
    const off = f.onReload((r) => {
      clearTimeout(timer);
      off();
      resolve(r);
    });
  });
}

const allows = (f: PolicyFile, subject: string): boolean => f.current().decide(subject, 'a/b', 'rewrap').allowed;

describe('PolicyFile', () => {
  it('warns about an allow rule that a deny shadows entirely, and still loads the policy', async () => {
    writeFileSync(path, `${policyText('dev:a')}  - {effect: deny, subjects: ["dev:*"], scopes: ["*"], operations: [rewrap]}\n`);
    file = await PolicyFile.load(path, log, { pollMs: 60_000 });
    expect(logs).toContainEqual({ level: 'warn', msg: "policy: rule 1 'dev:a' grants nothing: rule 2 denies everything it allows", path });
    expect(allows(file, 'dev:a')).toBe(false);
  });

  it('loads, and refuses a bad or missing first file with E_POLICY', async () => {
    writeFileSync(path, policyText('dev:a'));
    file = await PolicyFile.load(path, log);
    expect(allows(file, 'dev:a')).toBe(true);
    expect(file.lastError()).toBeNull();
    writeFileSync(join(dir, 'bad.yaml'), BAD);
    await expect(PolicyFile.load(join(dir, 'bad.yaml'), log)).rejects.toMatchObject({ code: 'E_POLICY' });
    const missing = await PolicyFile.load(join(dir, 'nope.yaml'), log).catch((e: unknown) => e);
    expect(isGitsealError(missing, 'E_POLICY')).toBe(true);
  });

  it('keeps the last good policy when the new file is bad, and reloads when it is good again', async () => {
    writeFileSync(path, policyText('dev:a'));
    file = await PolicyFile.load(path, log);
    let next = nextReload(file);
    writeFileSync(path, BAD);
    expect(await next).toMatchObject({ ok: false, error: expect.stringMatching(/rule 1: field "operations"/) as unknown });
    expect(allows(file, 'dev:a')).toBe(true);
    expect(file.lastError()).toMatch(/field "operations"/);
    const complaint = logs.find((e) => e.level === 'error')!;
    expect(complaint.msg).toMatch(/keeping the last good one/);
    expect(JSON.stringify(complaint)).not.toContain('rewarp]}');

    next = nextReload(file);
    writeFileSync(path, policyText('dev:b', 'dev:c'));
    expect(await next).toEqual({ ok: true, rules: 2 });
    expect(allows(file, 'dev:a')).toBe(false);
    expect(allows(file, 'dev:b')).toBe(true);
    expect(file.lastError()).toBeNull();
    expect(logs.at(-1)).toMatchObject({ level: 'info', msg: 'policy reloaded (2 rules)' });
  });

  it('sees an editor that writes a new file and renames it over the old one', async () => {
    writeFileSync(path, policyText('dev:a'));
    file = await PolicyFile.load(path, log, { pollMs: 60_000 });
    const next = nextReload(file);
    writeFileSync(join(dir, '.policy.yaml.swp'), policyText('dev:z'));
    renameSync(join(dir, '.policy.yaml.swp'), path);
    expect(await next).toEqual({ ok: true, rules: 1 });
    expect(allows(file, 'dev:z')).toBe(true);
  });

  it('sees a ConfigMap-style symlink swap', async () => {
    mkdirSync(join(dir, 'v1'));
    mkdirSync(join(dir, 'v2'));
    writeFileSync(join(dir, 'v1', 'policy.yaml'), policyText('dev:a'));
    writeFileSync(join(dir, 'v2', 'policy.yaml'), policyText('dev:b'));
    symlinkSync('v1', join(dir, '..data'));
    symlinkSync('..data/policy.yaml', path);
    file = await PolicyFile.load(path, log, { pollMs: 60_000 });
    const next = nextReload(file);
    symlinkSync('v2', join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    expect(await next).toEqual({ ok: true, rules: 1 });
    expect(allows(file, 'dev:b')).toBe(true);
  });

  it('falls back to polling', async () => {
    writeFileSync(path, policyText('dev:a'));
    file = await PolicyFile.load(path, log, { pollMs: 50, debounceMs: 60_000 });
    const next = nextReload(file);
    writeFileSync(path, policyText('dev:p', 'dev:q', 'dev:r'));
    expect(await next).toEqual({ ok: true, rules: 3 });
  });

  it('keeps the policy while the file is missing and reloads when it returns unchanged', async () => {
    const text = policyText('dev:a');
    writeFileSync(path, text);
    file = await PolicyFile.load(path, log, { pollMs: 50 });
    let next = nextReload(file);
    unlinkSync(path);
    expect(await next).toMatchObject({ ok: false, error: expect.stringMatching(/ENOENT/) as unknown });
    expect(allows(file, 'dev:a')).toBe(true);
    next = nextReload(file);
    writeFileSync(path, text);
    expect(await next).toEqual({ ok: true, rules: 1 });
    expect(file.lastError()).toBeNull();
    expect(logs.filter((e) => e.level === 'error').length).toBe(1);
  });

  it('logs one line per change, not per poll', async () => {
    writeFileSync(path, policyText('dev:a'));
    file = await PolicyFile.load(path, log, { pollMs: 20 });
    const next = nextReload(file);
    writeFileSync(path, BAD);
    await next;
    await new Promise((r) => setTimeout(r, 200));
    expect(logs.filter((e) => e.level === 'error').length).toBe(1);
  });

  it('stops watching on close', async () => {
    writeFileSync(path, policyText('dev:a'));
    file = await PolicyFile.load(path, log, { pollMs: 20, debounceMs: 10 });
    file.close();
    writeFileSync(path, policyText('dev:b'));
    await new Promise((r) => setTimeout(r, 200));
    expect(allows(file, 'dev:a')).toBe(true);
    expect(logs.length).toBe(1);
  });
});
