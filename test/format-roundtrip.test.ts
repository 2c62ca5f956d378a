/**
 * decrypt(encrypt(file)) is the file, byte for byte (schemas/FORMAT.md §8),
 * for generated YAML streams and JSON files and for hand-written hard
 * cases; and no value or key of 6+ characters shows in the encrypted text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateIdentity } from '../core/crypto/recipients/index.js';
import { decryptStream, encryptStream } from '../core/format/stream.js';
import { jsonFile, stringsOf, yamlStream } from './format-arbitrary.js';
import { codeOf } from './helpers/errors.js';

const { identity } = generateIdentity('mlkem1024');
const encrypt = (text: string) => encryptStream(text, { recipients: [identity.recipient], scope: 'namespace' });

/** The structure of an encrypted file with its base64 removed: a value equal to part of it proves nothing. */
const SKELETON = [
  encrypt('a: 1\n'),
  encrypt('apiVersion: v1\nkind: Secret\nmetadata: {name: n, namespace: ns}\n'),
  encrypt('{"a": 1}'),
]
  .join('\n')
  .replace(/[A-Za-z0-9_-]{20,}/g, '\n');

function checkRoundTrip(text: string): void {
  const sealed = encrypt(text);
  expect(decryptStream(sealed, [identity])).toBe(text);
  for (const s of stringsOf(text)) {
    if (s.trim().length >= 6 && !SKELETON.includes(s)) expect(sealed.includes(s), `leaks ${JSON.stringify(s)}`).toBe(false);
  }
}

describe('round trip, generated', () => {
  it('YAML streams', () => {
    fc.assert(fc.property(yamlStream, checkRoundTrip), { numRuns: 120 });
  });

  it('JSON files', () => {
    fc.assert(fc.property(jsonFile, checkRoundTrip), { numRuns: 60 });
  });
});

const HARD: Record<string, string> = {
  'comments everywhere': `# head comment

# second head comment
a: 1 # trailing
# between keys
b:   # after a key
  # inside a map
  c: "x"   # after a quoted value
  d: [1, 2] # after a flow seq
  e:
    # before a seq item
    - one   # after an item
    # between items
    - two
# before the end
f: last # final
# tail comment
`,
  'anchors and aliases': `base: &base
  host: db.internal
  port: 5432
copy: *base
scalar: &s shared-value
again: *s
list: &l [1, 2, 3]
list-again: *l
merged:
  <<: *base
  port: 6543
`,
  'block scalars': `keep: |+
  kept trailing newlines


strip: |-
  stripped
clip: |
  clipped
folded: >
  folded
  lines

  paragraph
folded-strip: >-
  a
  b
indent-indicator: |2
    two extra spaces
  base
keep-indent: >+1
  leading space kept

literal-with-comment: | # comment on the header
  body
last: |
  at the end`,
  'flow style': `{a: [1, {b: c}], "d": 'e', f: , g: {h: [i, [j, {k: l}]]}, "m n": ["o", 'p', q r]}
`,
  'flow nested in block': `outer:
  inner: {a: 1, b: [x, "y", 'z']}
  list: [ {k: v}, {k2: v2} ]
  empty-map: {}
  empty-seq: []
`,
  'multi-document with markers': `--- # first
a: 1
...
---
b: 2
--- {c: 3}
---
# only a comment
...
--- 
d: |
  block at the end
`,
  'directives': `%YAML 1.2
%TAG !e! tag:example.com,2024:
---
a: !e!thing value
b: !!str 123
c: !!int "42"
`,
  'unicode keys and values': `ключ: значение
"🔑": "☃ snowman"
'ü k': ünïcödé
? explicit key
: explicit value
日本語: "\\u00e9\\t\\x41"
`,
  'empty values': `a:
b: ""
c: ''
d: ~
e: null
f: []
g: {}
h:
  -
  - ""
i: { j: , k }
`,
  'multi-line scalars': `plain: this is
  a multi line
  plain scalar
double: "double
  quoted \\
  continued"
single: 'single
  quoted'
`,
  'indentation styles': `seq:
- 1
- 2
deep:
    four: spaces
    list:
        -   a
        -   b
tab:	"value after a tab"
`,
  'no final newline': 'a: 1\nb: last',
  'BOM': '\uFEFFa: 1\nb: "two"\n',
  'CRLF': '# c\r\na: 1\r\nb: |\r\n  x\r\n  y\r\nc: [1, 2]\r\n---\r\nd: "e"\r\n',
  'empty documents': '---\n---\na: 1\n---\n',
  'trailing separator': 'a: 1\n---\n',
  'flow mapping first, several documents': '{a: 1}\n---\n{}\n---\nb: [2]\n',
  'secret with everything': `# header
apiVersion: v1
kind: Secret
metadata:
  name: app  # name
  namespace: prod
  annotations: {note: "x"}
type: Opaque
stringData:
  password: 'p@ss: w0rd'
  cert: |
    -----BEGIN CERTIFICATE-----
    MIIB
    -----END CERTIFICATE-----
data:
  key: c2VjcmV0
`,
  'secret with CRLF': 'apiVersion: v1\r\nkind: Secret\r\nmetadata:\r\n  name: a\r\n  namespace: b\r\nstringData:\r\n  k: "hunter22"\r\n',
  'long key': `${'k'.repeat(1100)}: v\n`,
  'JSON pretty': '{\n  "a": {"b": [1, true, null, "x"]},\n  "unicode": "\\u00e9",\n  "c": "d"\n}\n',
  'JSON compact, no newline': '{"a":1,"b":[{"c":"secret-value"}]}',
};

describe('round trip, hard cases', () => {
  for (const [name, text] of Object.entries(HARD)) it(name, () => checkRoundTrip(text));

  it('refuses a file with no document (empty or comments only) with E_YAML', () => {
    for (const text of ['', '# nothing but a comment\n']) expect(codeOf(() => encrypt(text))).toBe('E_YAML');
  });
});

