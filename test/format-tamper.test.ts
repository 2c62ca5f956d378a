/**
 * Tampering with an encrypted file (schemas/FORMAT.md §7 values, §9 MAC,
 * §10 recipients): every changed character of every bound field makes
 * decryption fail with a GitsealError of a specific code, never a success
 * and never another exception.
 */
import { describe, expect, it } from 'vitest';
import { isGitsealError, type ErrorCode } from '../core/errors.js';
import { decryptStream, encryptStream } from '../core/format/stream.js';
import { changeChar, fixedKey, identityOf, nonCanonical, seededRandom } from './vectors/kit.js';

const hybrid = identityOf(fixedKey('hybrid'));
const pq = identityOf(fixedKey('pq'));

const SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: payments
type: Opaque
stringData:
  username: app_user
  password: "correct horse"
  url: postgres://db:5432/x
`;

const sealed = encryptStream(SECRET, { recipients: [hybrid.recipient, pq.recipient], scope: 'strict', random: seededRandom('tamper') });
const lines = sealed.split('\n');

function outcome(text: string, identities = [hybrid]): string {
  try {
    decryptStream(text, identities);
    return 'success';
  } catch (e) {
    return isGitsealError(e) ? e.code : `not a GitsealError: ${String(e)}`;
  }
}

/**
 * The key that opens the stanza line `i` belongs to. A stanza is opened only
 * by its own key (the MAC binds kids, not stanzas), so damage to another
 * recipient's stanza shows only to that recipient.
 */
function ownerOf(i: number): typeof hybrid {
  for (let j = i; j >= 0; j--) if (lines[j]!.startsWith('      - kid: ')) return lines[j]!.endsWith(pq.kid) ? pq : hybrid;
  return hybrid;
}

/** Indexes of the lines that start with `prefix`. */
const linesWith = (prefix: string): number[] => lines.flatMap((l, i) => (l.startsWith(prefix) ? [i] : []));

/** The file with the part of line `i` after `from` replaced by edit(part). */
function withLine(i: number, from: string, edit: (part: string) => string): string {
  const line = lines[i]!;
  const at = line.indexOf(from) + from.length;
  const copy = [...lines];
  copy[i] = line.slice(0, at) + edit(line.slice(at));
  return copy.join('\n');
}

/** Character positions to change: all of them for short fields, a spread for long ones. */
function positions(length: number, skip = 0): number[] {
  const step = length > 48 ? Math.ceil(length / 24) : 1;
  const out: number[] = [];
  for (let p = skip; p < length; p += step) out.push(p);
  if (out.at(-1) !== length - 1) out.push(length - 1);
  return out;
}

interface Field {
  readonly name: string;
  readonly lines: number[];
  /** Where the field starts on its line. */
  readonly after: string;
  /** Characters before the base64url part (`t.`, `v1.`). */
  readonly skip: number;
  readonly code: ErrorCode;
}

const FIELDS: Field[] = [
  { name: 'value ciphertext', lines: linesWith('    t.'), after: ': ', skip: 3, code: 'E_TAMPERED' },
  { name: 'name token', lines: linesWith('    t.'), after: '    ', skip: 2, code: 'E_TAMPERED' },
  { name: 'layout', lines: linesWith('  layout: '), after: 'layout: ', skip: 3, code: 'E_TAMPERED' },
  { name: 'recipient enc', lines: linesWith('        enc: '), after: 'enc: ', skip: 0, code: 'E_TAMPERED' },
  { name: 'recipient dek', lines: linesWith('        dek: '), after: 'dek: ', skip: 0, code: 'E_TAMPERED' },
  { name: 'MAC', lines: linesWith('    mac: '), after: 'mac: ', skip: 0, code: 'E_TAMPERED' },
  { name: 'envelope id', lines: linesWith('    id: '), after: 'id: ', skip: 0, code: 'E_TAMPERED' },
];

describe('tamper matrix', () => {
  it('the untouched file decrypts', () => {
    expect(outcome(sealed)).toBe('success');
    expect(FIELDS.every((f) => f.lines.length > 0)).toBe(true);
  });

  for (const f of FIELDS) {
    it(`${f.name}: every changed character fails with ${f.code}`, () => {
      for (const i of f.lines) {
        const value = lines[i]!.slice(lines[i]!.indexOf(f.after) + f.after.length).split(':')[0]!;
        for (const p of positions(value.length, f.skip)) {
          const text = withLine(i, f.after, (part) => changeChar(part.slice(0, value.length), p) + part.slice(value.length));
          expect(outcome(text, [ownerOf(i)]), `${f.name} line ${i} char ${p}`).toBe(f.code);
        }
      }
    });
  }

  it('non-canonical base64url in any binary field fails with E_FORMAT', () => {
    const binary: Array<[string, string]> = [['    mac: ', 'mac: '], ['    id: ', 'id: '], ['        enc: ', 'enc: '], ['        dek: ', 'dek: ']];
    for (const [prefix, after] of binary) {
      for (const i of linesWith(prefix)) {
        if (lines[i]!.slice(lines[i]!.indexOf(after) + after.length).length % 4 === 0) continue;
        expect(outcome(withLine(i, after, nonCanonical), [ownerOf(i)]), `${prefix.trim()} line ${i}`).toBe('E_FORMAT');
      }
    }
  });

  const edits: Array<[string, ErrorCode, string, string]> = [
    ['kid of the hybrid stanza', 'E_NO_KEY', '      - kid: ' + hybrid.kid, '      - kid: org-0000000000000000'],
    ['alg of the hybrid stanza', 'E_NO_KEY', '        alg: mlkem1024-x25519', '        alg: mlkem768-x25519'],
    ['scope widened to namespace', 'E_TAMPERED', '  scope: strict', '  scope: namespace'],
    ['scope widened to cluster', 'E_TAMPERED', '  scope: strict', '  scope: cluster'],
    ['scope unknown', 'E_FORMAT', '  scope: strict', '  scope: global'],
    ['metadata.name', 'E_TAMPERED', '  name: db', '  name: dc'],
    ['metadata.namespace', 'E_TAMPERED', '  namespace: payments', '  namespace: paymentz'],
    ['metadata.namespace removed', 'E_SCOPE', '  namespace: payments', '  labels: {}'],
    ['envelope version', 'E_VERSION', '    version: 1', '    version: 2'],
    ['value format prefix', 'E_TAMPERED', ': v1.', ': v2.'],
  ];
  it.each(edits)('%s fails with %s', (_, code, from, to) => {
    const i = lines.findIndex((l) => l.includes(from));
    expect(i).toBeGreaterThanOrEqual(0);
    const copy = [...lines];
    copy[i] = copy[i]!.replace(from, to);
    expect(outcome(copy.join('\n'))).toBe(code);
  });

  it('the pq key still opens the file when the hybrid stanza is damaged, and only then', () => {
    const i = linesWith('        dek: ')[0]!;
    const damaged = withLine(i, 'dek: ', (v) => changeChar(v, 3));
    expect(decryptStream(damaged, [hybrid, pq])).toBe(SECRET);
    expect(outcome(damaged)).toBe('E_TAMPERED');
  });
});
