import { describe, expect, it } from 'vitest';
import { parsePlainStream } from './yaml-store.js';
import { renderPlain } from './plain-document.js';
import { isGitsealError, type ErrorCode } from '../errors.js';

const HARD = `# head comment
%YAML 1.2
---
a: &x foo  # c1
b: |
  line1
  line2

c: "q\\n"
d:
e: [1, 'two', {f: *x}]
? g
: h
"quoted key": 'it''s'
ünïcödé: ☃
folded: >-
  some
  folded text
empty: ""
---
# second
z: 1
...
`;

const roundTrip = (text: string) => parsePlainStream(text).map(renderPlain).join('');

describe('parsePlainStream', () => {
  it('cuts documents into values and layout that join back to the input', () => {
    expect(roundTrip(HARD)).toBe(HARD);
    const docs = parsePlainStream(HARD);
    expect(docs).toHaveLength(2);
    const raws = docs[0]!.leaves.map((l) => [l.path.join('/'), l.raw]);
    expect(raws).toContainEqual(['a', 'foo']);
    expect(raws).toContainEqual(['b', '|\n  line1\n  line2\n']);
    expect(raws).toContainEqual(['d', '']);
    expect(raws).toContainEqual(['e/2/f', '*x']);
    expect(raws).toContainEqual(['quoted key', "'it''s'"]);
    for (const chunk of docs[0]!.chunks) expect(chunk).not.toContain('line1');
  });

  it('keeps JSON byte-exact', () => {
    const json = '{\n  "a": {"b": [1, true, null, "x"]},\n  "c": "d"\n}\n';
    expect(roundTrip(json)).toBe(json);
  });

  const bad: Array<[string, ErrorCode]> = [
    ['a: [1, 2', 'E_YAML'],
    ['a: 1\na: 2\n', 'E_DUPLICATE_KEY'],
    ['- 1\n- 2\n', 'E_NOT_MAPPING'],
    ['just a string', 'E_NOT_MAPPING'],
    ['? [a, b]\n: c\n', 'E_UNSUPPORTED'],
  ];
  it.each(bad)('rejects %j with %s', (text, code) => {
    try {
      parsePlainStream(text);
      expect.unreachable();
    } catch (e) {
      expect(isGitsealError(e, code)).toBe(true);
    }
  });
});
