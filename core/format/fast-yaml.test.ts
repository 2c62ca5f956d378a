import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scanSimpleYaml } from './fast-yaml.js';
import { parseWithYamlPackage } from './yaml-store.js';

type Tree = { [k: string]: Tree | Value };
type Value = { kind: 'plain' | 'dq' | 'sq' | 'block' | 'blockStrip' | 'empty'; text: string };

const key = fc.stringMatching(/^[a-z_][a-z0-9_.-]{0,8}$/);
const plainText = fc.oneof(
  fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9 .:#/=+_-]{0,15}$/),
  fc.constantFrom('true', 'null', '~', '42', '-7', '0x1F', '0o17', '1.5e3', '.inf', 'False', 'yes', '12:30', 'a#b', 'x: y'),
);
const value: fc.Arbitrary<Value> = fc.oneof(
  plainText.map((text) => ({ kind: 'plain' as const, text })),
  fc.string({ maxLength: 12 }).map((text) => ({ kind: 'dq' as const, text })),
  fc.stringMatching(/^[a-z '#:"]{0,10}$/).map((text) => ({ kind: 'sq' as const, text })),
  fc.array(fc.stringMatching(/^[a-z #:]{0,10}$/), { minLength: 1, maxLength: 3 }).map((l) => ({ kind: 'block' as const, text: l.join('\n') })),
  fc.array(fc.stringMatching(/^[a-z ]{0,10}$/), { minLength: 1, maxLength: 3 }).map((l) => ({ kind: 'blockStrip' as const, text: l.join('\n') })),
  fc.constant({ kind: 'empty' as const, text: '' }),
);
const tree: fc.Arbitrary<Tree> = fc.letrec<{ t: Tree }>((tie) => ({
  t: fc.dictionary(key, fc.oneof({ depthSize: 'small' }, value, tie('t')), { minKeys: 1, maxKeys: 5 }),
})).t;

function render(t: Tree, indent: string, step: string, noise: () => string): string {
  let out = '';
  for (const [k, v] of Object.entries(t)) {
    out += noise();
    if (!('kind' in v) || typeof v.kind !== 'string') {
      out += `${indent}${k}:\n${render(v as Tree, indent + step, step, noise)}`;
      continue;
    }
    const val = v as Value;
    const c = noise() ? '  # note' : '';
    switch (val.kind) {
      case 'plain': out += `${indent}${k}: ${val.text}${c}\n`; break;
      case 'dq': out += `${indent}${k}: ${JSON.stringify(val.text)}${c}\n`; break;
      case 'sq': out += `${indent}${k}: '${val.text.replace(/'/g, "''")}'${c}\n`; break;
      case 'empty': out += `${indent}${k}:\n`; break;
      default: {
        const lines = val.text.split('\n').map((l) => (l.trim() === '' ? '' : indent + step + l.trimEnd()));
        out += `${indent}${k}: ${val.kind === 'block' ? '|' : '|-'}\n${lines.join('\n')}\n`;
      }
    }
  }
  return out;
}

const docText = fc.tuple(tree, fc.constantFrom('  ', '    '), fc.array(fc.constantFrom('', '', '', '\n', '# c\n', '  # indented\n'), { minLength: 40, maxLength: 40 }));

function compare(text: string): boolean {
  const fast = scanSimpleYaml(text);
  if (!fast) return false;
  const slow = parseWithYamlPackage(text);
  expect(fast.map((d) => d.chunks)).toEqual(slow.map((d) => d.chunks));
  expect(fast.map((d) => d.leaves)).toEqual(slow.map((d) => d.leaves));
  expect(fast.map((d) => d.value)).toEqual(slow.map((d) => d.toJS()));
  return true;
}

describe('scanSimpleYaml', () => {
  it('cuts every input it accepts exactly like the yaml package', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(docText, { minLength: 1, maxLength: 3 }), (docs) => {
        const text = docs
          .map(([t, step, noise], i) => {
            let n = 0;
            return (i > 0 ? '---\n' : '') + render(t, '', step, () => noise[n++ % noise.length]!);
          })
          .join('');
        try {
          parseWithYamlPackage(text);
        } catch {
          expect(scanSimpleYaml(text)).toBeNull();
          return;
        }
        if (compare(text)) accepted++;
      }),
      { numRuns: 400 },
    );
    expect(accepted).toBeGreaterThan(50);
  });

  it('takes the shape of a typical Secret', () => {
    const text = `# creds\napiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: payments\ntype: Opaque\nstringData:\n  password: "p@ss: word"   # rotate\n  user: admin\n  cert: |\n    -----BEGIN-----\n    abc\n\n    def\n\n  empty:\ndata:\n  tls.key: c2VjcmV0\n`;
    expect(compare(text)).toBe(true);
  });

  it.each([
    ['sequence', 'a:\n  - x\n'],
    ['flow', 'a: {b: 1}\n'],
    ['anchor', 'a: &x 1\nb: *x\n'],
    ['multi-line plain', 'a: one\n  two\n'],
    ['duplicate', 'a: 1\na: 2\n'],
    ['tab', 'a:\t1\n'],
    ['CRLF', 'a: 1\r\n'],
    ['keep chomping', 'a: |+\n  x\n\n'],
    ['directive', '%YAML 1.2\n---\na: 1\n'],
    ['numeric key', '1: a\n'],
    ['escape beyond JSON', 'a: "\\x41"\n'],
    ['no newline after block', 'a: |\n  x'],
  ])('leaves %s to the full parser', (_name, text) => {
    expect(scanSimpleYaml(text)).toBeNull();
  });
});
