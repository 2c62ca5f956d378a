import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateIdentity } from '../core/crypto/recipients/index.js';
import { encodeTrustFile } from '../core/crypto/writer-file.js';
import { generateWriterSecret, writerFromSecret } from '../core/crypto/writer-key.js';
import { fromDisk } from '../core/format/encrypted-document.js';
import { encryptStream } from '../core/format/stream.js';
import type { LogFields, LogLevel } from '../runtime/log.js';
import { codeOf } from '../test/helpers/errors.js';
import { TrustFile, writerVerdict, type WriterTrust } from './writer-trust.js';

const alice = { ...writerFromSecret(generateWriterSecret()), subject: 'alice' };
const mallory = { ...writerFromSecret(generateWriterSecret()), subject: 'mallory' };
const orgKey = generateIdentity().identity;
const SECRET = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: payments\nstringData:\n  password: x\n';
const docBy = (signer?: typeof alice) => fromDisk(parse(encryptStream(SECRET, { recipients: [orgKey.recipient], scope: 'strict', signer })), 0);
const trustFile = (requireSignatures: boolean, writers = [{ name: 'alice', key: alice }]) => encodeTrustFile({ requireSignatures, writers });

describe('writerVerdict', () => {
  const trust = (required: boolean): WriterTrust => ({ required, writers: [{ name: 'alice', key: alice }] });

  it("names a trusted writer as the trust file does, with the key's kid", () => {
    for (const required of [true, false]) expect(writerVerdict(docBy(alice), trust(required))).toEqual({ ok: true, writer: `alice (${alice.kid})` });
  });

  it('refuses unsigned and untrusted documents when signatures are required, and warns otherwise', () => {
    expect(writerVerdict(docBy(), trust(true))).toMatchObject({ ok: false, reason: 'Unsigned' });
    expect(writerVerdict(docBy(mallory), trust(true))).toMatchObject({ ok: false, reason: 'UntrustedWriter', message: expect.stringContaining(`"mallory" with ${mallory.kid}`) });
    expect(writerVerdict(docBy(), trust(false))).toMatchObject({ ok: true, warning: { reason: 'Unsigned' } });
    expect(writerVerdict(docBy(mallory), trust(false))).toMatchObject({ ok: true, warning: { reason: 'UntrustedWriter' } });
    expect(writerVerdict(docBy(mallory), trust(false))).not.toHaveProperty('writer');
  });

  it('a trusted key whose signature does not verify is Tampered, required or not', () => {
    const doc = docBy(alice);
    const moved = { ...doc, identity: { ...doc.identity, name: 'other' } };
    for (const required of [true, false]) expect(writerVerdict(moved, trust(required))).toMatchObject({ ok: false, reason: 'Tampered', message: expect.stringContaining(alice.kid) });
  });
});

describe('TrustFile', () => {
  let dir: string;
  let logs: Array<{ level: LogLevel; msg: string; fields?: LogFields }>;
  const log = (level: LogLevel, msg: string, fields?: LogFields) => void logs.push({ level, msg, ...(fields ? { fields } : {}) });
  const files: TrustFile[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gitseal-trust-'));
    logs = [];
  });
  afterEach(() => {
    for (const f of files.splice(0)) f.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const open = (text: string, opts: { requireSignatures?: boolean } = {}): TrustFile => {
    writeFileSync(join(dir, 'trust.yaml'), text);
    const f = new TrustFile(join(dir, 'trust.yaml'), { ...opts, log, pollMs: 10 });
    files.push(f);
    return f;
  };

  async function until(what: string, check: () => boolean): Promise<void> {
    for (let i = 0; !check(); i++) {
      if (i > 500) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('reads the writers and whether signatures are required; --require-signatures requires them whatever the file says', () => {
    expect(open(trustFile(true)).current()).toMatchObject({ required: true, writers: [{ name: 'alice', key: { kid: alice.kid } }] });
    expect(open(trustFile(false)).current().required).toBe(false);
    expect(open(trustFile(false), { requireSignatures: true }).current().required).toBe(true);
    expect(open('').current()).toEqual({ required: false, writers: [] });
  });

  it('refuses to start on a missing or malformed file', () => {
    expect(codeOf(() => new TrustFile(join(dir, 'missing.yaml'), { log }))).toBe('E_IO');
    expect(codeOf(() => open('writers: [{name: x, key: "gitseal-writer1:mldsa65-ed25519:AAAA"}]'))).toBe('E_WRITER_KEY');
    expect(codeOf(() => open('requireSignatures: yes please'))).toBe('E_WRITER_KEY');
  });

  it('is read again when it changes, also through a ConfigMap-style symlink swap; a broken edit keeps the writers trusted before', async () => {
    // A mounted ConfigMap: trust.yaml → ..data/trust.yaml, ..data → a timestamped folder, swapped on update.
    const version = (n: number, text: string) => {
      const folder = join(dir, `..v${n}`);
      mkdirSync(folder);
      writeFileSync(join(folder, 'trust.yaml'), text);
      symlinkSync(`..v${n}`, join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    };
    version(1, trustFile(false));
    symlinkSync(join('..data', 'trust.yaml'), join(dir, 'mounted.yaml'));
    const f = new TrustFile(join(dir, 'mounted.yaml'), { log, pollMs: 10 });
    files.push(f);
    let changes = 0;
    f.start(() => changes++);
    expect(f.current().writers.map((w) => w.name)).toEqual(['alice']);

    version(2, trustFile(true, [{ name: 'alice', key: alice }, { name: 'mallory-is-fine', key: mallory }]));
    await until('the new writers', () => f.current().writers.length === 2);
    expect(f.current().required).toBe(true);
    expect(changes).toBe(1);
    expect(logs).toContainEqual({ level: 'info', msg: 'trust file reloaded', fields: { path: join(dir, 'mounted.yaml'), writers: 2, requireSignatures: true } });

    version(3, 'writers: [oops');
    await until('the error', () => logs.some((l) => l.level === 'error'));
    await new Promise((r) => setTimeout(r, 50));
    expect(f.current().writers).toHaveLength(2);
    expect(changes).toBe(1);
    expect(logs.filter((l) => l.level === 'error')).toHaveLength(1);

    version(4, trustFile(false));
    await until('the fixed file', () => f.current().writers.length === 1);
    expect([f.current().required, changes]).toEqual([false, 2]);
  });
});
