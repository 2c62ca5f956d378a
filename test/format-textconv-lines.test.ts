/**
 * The diff driver's view (`gitseal git textconv`, core/review/fingerprint.ts)
 * has the decrypted file's line structure, for generated YAML streams and
 * JSON files: as many lines, each line the decrypted one with its values
 * (or the parts of a value that runs over lines) replaced by `<fp:HEX>` or
 * `<fp:...>`, so what stands before a value (indentation, key, `- `) and
 * after it (a comment) is the same; one fingerprint per value; no value
 * shows. A hunk's line numbers are then the decrypted file's.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateIdentity } from '../core/crypto/recipients/index.js';
import { encryptStream, openStream, renderOpened } from '../core/format/stream.js';
import { fingerprintedView } from '../core/review/fingerprint.js';
import { jsonFile, yamlStream } from './format-arbitrary.js';

const { identity } = generateIdentity('mlkem1024');
const MARKER = /<fp:(?:[0-9a-f]{16}|\.\.\.)>/;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A view line as a pattern: its text outside the markers literally, each marker any run of characters. */
const lineMatcher = (viewLine: string) => new RegExp(`^${viewLine.split(MARKER).map(escape).join('.*?')}$`, 's');

function checkLines(text: string): void {
  const opened = openStream(encryptStream(text, { recipients: [identity.recipient], scope: 'namespace' }), [identity]).opened;
  const plain = renderOpened(opened).split('\n');
  const view = fingerprintedView(opened);
  const lines = view.split('\n');
  expect(lines.length).toBe(plain.length);
  lines.forEach((line, i) => expect(plain[i], `line ${i + 1}: ${JSON.stringify(line)}`).toMatch(lineMatcher(line)));
  expect(view.match(/<fp:[0-9a-f]{16}>/g) ?? []).toHaveLength(opened.reduce((n, o) => n + o.raws.length, 0));
  // No value shows: one that is not also part of the layout (a key, a comment) is absent from the view. The markers
  // are cut out first: a block scalar's header with a comment (`> #  !`) would otherwise be found in `<fp:…> #  !`.
  const layout = opened.flatMap((o) => o.chunks).join('\n');
  const outsideMarkers = view.replace(new RegExp(MARKER.source, 'g'), '\0');
  for (const raw of opened.flatMap((o) => o.raws)) {
    for (const part of raw.split(/\r?\n/).map((l) => l.trim())) if (part.length >= 6 && !layout.includes(part)) expect(outsideMarkers).not.toContain(part);
  }
  // The writer lines textconv adds are one line per document and change nothing else.
  const headed = fingerprintedView(opened, opened.map((_, i) => `# gitseal writer: w${i}`)).split('\n');
  expect(headed.filter((l) => !/^# gitseal writer: w\d+$/.test(l))).toEqual(lines);
}

describe('textconv view keeps the decrypted line structure', () => {
  it('YAML streams', () => {
    fc.assert(fc.property(yamlStream, checkLines), { numRuns: 50 });
  });

  it('JSON files', () => {
    fc.assert(fc.property(jsonFile, checkLines), { numRuns: 30 });
  });

  it('a block scalar whose header has a comment, beside a value followed by the same comment (found by the YAML property)', () => {
    checkLines("a: \"x\" #  !\nb: > #  !\n  !\n");
  });

  it('a Secret whose block scalar is followed by a key', () => {
    checkLines('apiVersion: v1\nkind: Secret\nmetadata: {name: a, namespace: b}\nstringData:\n  dsn: |\n    postgres://x\ndata:\n  k: dmFsdWU=\n');
  });
});
