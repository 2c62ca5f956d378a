import { describe, expect, it } from 'vitest';
import { generateIdentity } from '../crypto/recipients/index.js';
import { encryptStream, openStream } from '../format/stream.js';
import { fingerprintedView } from './fingerprint.js';

const me = generateIdentity().identity;
const view = (plain: string, headers?: string[]) => fingerprintedView(openStream(encryptStream(plain, { recipients: [me.recipient], scope: 'strict' }), [me]).opened, headers);
const FP = '<fp:[0-9a-f]{16}>';
const HEAD = 'apiVersion: v1\nkind: Secret\nmetadata: {name: app, namespace: prod}\n';

describe('fingerprintedView', () => {
  it('keeps a block scalar on its lines: the next key stays on its own line (it ran onto the fingerprint)', () => {
    const v = view(`${HEAD}stringData:\n  dsn: |\n    postgres://app@db:5432/app\n\n    second line\n  user: app\ndata:\n  k: dmFsdWU=\n`);
    expect(v).toMatch(new RegExp(`\\n  dsn: ${FP}\\n    <fp:\\.\\.\\.>\\n\\n    <fp:\\.\\.\\.>\\n  user: ${FP}\\ndata:\\n  k: ${FP}\\n$`));
    expect(v).not.toContain('postgres');
    expect(v).not.toContain('second line');
  });

  it('keeps the lines of quoted and plain scalars that run over lines, and CRLF line endings', () => {
    const v = view(`${HEAD}stringData:\n  a: "one\n    two"   # c\n  b: three\n    four\n`.replace(/\n/g, '\r\n'));
    expect(v.split('\r\n').slice(3)).toEqual([
      'stringData:',
      expect.stringMatching(new RegExp(`^  a: ${FP}$`)),
      '    <fp:...>   # c',
      expect.stringMatching(new RegExp(`^  b: ${FP}$`)),
      '    <fp:...>',
      '',
    ]);
  });

  it('puts each header on a line of its own at the top of its document, after its ---', () => {
    const v = view('a: 1\n---\nb: 2\n', ['# one', '# two']);
    expect(v).toMatch(new RegExp(`^# one\\na: ${FP}\\n---\\n# two\\nb: ${FP}\\n$`));
  });
});
