import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitsealError, isGitsealError } from '../../core/errors.js';
import type { RootOfTrust } from '../roots/types.js';
import { auditKeyFile, openAuditKey } from './audit-key.js';

/** A root that "seals" by prefixing the context, and can be made to refuse. */
function fakeRoot(): RootOfTrust & { refuse: boolean; contexts: string[] } {
  const root = {
    kind: 'fake',
    description: 'fake root',
    refuse: false,
    contexts: [] as string[],
    seal: (p: Uint8Array, context: string) => (root.contexts.push(context), Promise.resolve(Buffer.concat([Buffer.from(`${context}|`), p]))),
    unseal: (s: Uint8Array, context: string) => {
      if (root.refuse) return Promise.reject(new GitsealError('E_ROOT_REVOKED', 'refused'));
      const prefix = Buffer.from(`${context}|`);
      const b = Buffer.from(s);
      if (!b.subarray(0, prefix.length).equals(prefix)) return Promise.reject(new GitsealError('E_ROOT', 'wrong context'));
      return Promise.resolve(new Uint8Array(b.subarray(prefix.length)));
    },
    close: () => Promise.resolve(),
  };
  return root;
}

const codeOf = (p: Promise<unknown>): Promise<string> => p.then(() => 'success', (e: unknown) => (isGitsealError(e) ? e.code : String(e)));

let dir: string;
let log: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gitseal-audit-key-'));
  log = join(dir, 'audit.log');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openAuditKey', () => {
  it('makes a 32-byte key sealed under its own context on first start, mode 0600, and unseals the same key after', async () => {
    const root = fakeRoot();
    const made = await openAuditKey(log, root);
    expect(made).toHaveLength(32);
    expect(root.contexts).toEqual(['gitseal/audit-key/v1']);
    const text = readFileSync(auditKeyFile(log), 'utf8');
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['gitseal-audit-key', 'created', 'sealed']);
    expect(statSync(auditKeyFile(log)).mode & 0o777).toBe(0o600);
    expect(Buffer.from(await openAuditKey(log, root)).equals(Buffer.from(made))).toBe(true);
  });

  it('passes the root refusal on, and refuses a log with records but no key file, or a malformed key file', async () => {
    const root = fakeRoot();
    await openAuditKey(log, root);
    root.refuse = true;
    expect(await codeOf(openAuditKey(log, root))).toBe('E_ROOT_REVOKED');
    rmSync(auditKeyFile(log));
    writeFileSync(log, '{"seq":1}\n');
    expect(await codeOf(openAuditKey(log, fakeRoot()))).toBe('E_AUDIT');
    writeFileSync(auditKeyFile(log), 'not json');
    expect(await codeOf(openAuditKey(log, fakeRoot()))).toBe('E_AUDIT');
    writeFileSync(auditKeyFile(log), JSON.stringify({ 'gitseal-audit-key': 1, sealed: 'AA', extra: 1 }));
    expect(await codeOf(openAuditKey(log, fakeRoot()))).toBe('E_AUDIT');
  });
});
