import { describe, expect, it } from 'vitest';
import { diffFile, fileDiffers, type FileSide } from './diff-file.js';
import { generateIdentity } from '../crypto/recipients/index.js';
import { encryptStream, openStream, renderOpened } from '../format/stream.js';

const { identity: key } = generateIdentity();
const PLAIN = 'apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: ns}\nstringData:\n  NAME-CANARY: VALUE-CANARY\n';
const enc = encryptStream(PLAIN, { recipients: [key.recipient], scope: 'strict' });
const text = (t: string): FileSide => ({ kind: 'text', text: t });
const absent: FileSide = { kind: 'absent' };
const binary: FileSide = { kind: 'binary' };
const opts = { identities: null };

describe('diffFile', () => {
  it('an added and a deleted encrypted file list their documents', () => {
    const added = diffFile('s.enc.yaml', absent, text(enc), opts);
    expect(added).toMatchObject({ status: 'added', documents: [{ label: 'ns/db', status: 'added', values: { before: 0, after: 5 } }] });
    expect(diffFile('s.enc.yaml', text(enc), absent, opts)).toMatchObject({ status: 'deleted', documents: [{ status: 'removed' }] });
    expect(fileDiffers(added)).toBe(true);
  });

  it('encrypted on one side only: never parses, never shows the plaintext side', () => {
    const f = diffFile('s.yaml', text(enc), text(PLAIN), { identities: [key], showValues: true });
    expect(f).toMatchObject({ status: 'encrypted-one-side', encrypted: 'before' });
    expect(JSON.stringify(f.documents.flatMap((d) => d.changes.map((c) => c.path)))).toContain('NAME-CANARY');
    expect(JSON.stringify(diffFile('s.yaml', text(PLAIN), text(enc), opts))).not.toContain('CANARY');
    expect(diffFile('s.yaml', binary, text(enc), opts)).toMatchObject({ status: 'encrypted-one-side', encrypted: 'after' });
  });

  it('a damaged version is an error with its code, not a crash', () => {
    expect(diffFile('s.enc.yaml', text(enc), text(enc.slice(0, 200)), opts)).toMatchObject({ status: 'error', error: { code: 'E_FORMAT', version: 'after' } });
    expect(diffFile('s.enc.yaml', text(enc.replace('version: 1', 'version: 9')), text(enc), opts)).toMatchObject({ status: 'error', error: { code: 'E_VERSION', version: 'before' } });
    const conflicted = `<<<<<<< ours\n${enc}=======\n${enc}>>>>>>> theirs\n`;
    expect(diffFile('s.enc.yaml', text(enc), text(conflicted), opts).error?.code).toBe('E_FORMAT');
    const forged = enc.replace(/mac: .*/, `mac: ${'A'.repeat(43)}`);
    expect(diffFile('s.enc.yaml', text(enc), text(forged), { identities: [key] }).error?.code).toBe('E_TAMPERED');
  });

  it('files that are not gitseal\'s: not-encrypted, or skipped when binary', () => {
    expect(diffFile('a.yaml', text(PLAIN), text(PLAIN.replace('VALUE', 'OTHER')), opts).status).toBe('not-encrypted');
    expect(diffFile('main.ts', text('const a = {'), text('const a = {}'), opts).status).toBe('not-encrypted');
    expect(diffFile('README.md', text('# title\n'), text('# title\n\ntext\n'), opts).status).toBe('not-encrypted');
    expect(diffFile('a.yaml', text('a: 1\n'), text('<<<<<<< ours\na: 1\n=======\na: 2\n>>>>>>> theirs\n'), opts).status).toBe('not-encrypted');
    expect(diffFile('empty', text(''), text(enc), opts).status).toBe('encrypted-one-side');
    expect(diffFile('logo.png', binary, binary, opts)).toMatchObject({ status: 'skipped', note: 'binary file' });
    expect(diffFile('logo.png', absent, binary, opts).status).toBe('skipped');
  });

  it('unchanged content in different text is unchanged, with a note', () => {
    const { opened } = openStream(enc, [key]);
    const same = encryptStream(renderOpened(opened), { recipients: [key.recipient], scope: 'strict', previous: opened, keepRecipients: true });
    expect(same).toBe(enc);
    const f = diffFile('s.enc.yaml', text(enc), text(enc.replace('spec:\n', '# a comment\nspec:\n')), opts);
    expect(f).toMatchObject({ status: 'unchanged', note: expect.stringContaining('text differs') });
    expect(fileDiffers(f)).toBe(false);
  });
});
