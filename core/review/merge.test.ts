import { describe, expect, it } from 'vitest';
import { conflictView } from './conflict-view.js';
import { fingerprint, fingerprintedView } from './fingerprint.js';
import { planMerge, type MergePlan, type TextMerge } from './merge.js';
import { markEntryConflicts, splitConflicts, wholeFileConflict } from '../format/conflict-markers.js';
import { generateIdentity } from '../crypto/recipients/index.js';
import type { OpenedDocument } from '../format/seal.js';
import { encryptStream, openStream, renderOpened } from '../format/stream.js';

const me = generateIdentity().identity;
const other = generateIdentity().identity;
const BASE = 'apiVersion: v1\nkind: Secret\nmetadata: {name: app, namespace: prod}\nstringData:\n  a: one   # first\n  b: two\n  c: three\n';

const open = (text: string) => openStream(text, [me]).opened;
/** A new version of `from` with `plaintext`, keeping unchanged ciphertexts (like `gitseal set`). */
const edit = (from: string, plaintext: string, extra: { recipients?: typeof me.recipient[]; rotate?: boolean } = {}) =>
  encryptStream(plaintext, { recipients: extra.recipients ?? [me.recipient], scope: 'strict', previous: open(from), keepRecipients: !extra.recipients, rotate: extra.rotate });
const noTextMerge: TextMerge = () => {
  throw new Error('no text merge expected');
};
const merged = (p: MergePlan) => {
  if (p.kind !== 'merged') throw new Error(`expected a merge: ${p.reason}`);
  return p;
};
const seal = (p: Extract<MergePlan, { kind: 'merged' }>) =>
  encryptStream(p.plaintext, { recipients: [me.recipient], scope: 'strict', previous: p.previous, keepRecipients: true });

describe('planMerge', () => {
  const base = encryptStream(BASE, { recipients: [me.recipient], scope: 'strict' });

  it('takes each side\'s changed values and keeps their ciphertexts', () => {
    const ours = edit(base, BASE.replace('one', 'ONE'));
    const theirs = edit(base, BASE.replace('three', 'THREE'));
    const plan = merged(planMerge({ base: open(base), ours: open(ours), theirs: open(theirs) }, noTextMerge));
    expect(plan).toMatchObject({ how: 'values', conflicts: [] });
    expect(plan.plaintext).toBe(BASE.replace('one', 'ONE').replace('three', 'THREE'));
    const out = seal(plan);
    expect(renderOpened(open(out))).toBe(plan.plaintext);
    const lines = new Set([...ours.split('\n'), ...theirs.split('\n')]);
    expect(out.split('\n').filter((l) => l.startsWith('    t.') && !lines.has(l))).toEqual([]);
  });

  it('reports a value changed differently on both sides, keeping ours in the merge', () => {
    const ours = edit(base, BASE.replace('two', 'OURS').replace('one', 'ONE'));
    const theirs = edit(base, BASE.replace('two', 'THEIRS'));
    const plan = merged(planMerge({ base: open(base), ours: open(ours), theirs: open(theirs) }, noTextMerge));
    expect(plan.conflicts.map((c) => c.path)).toEqual([['stringData', 'b']]);
    expect(plan.plaintext).toBe(BASE.replace('two', 'OURS').replace('one', 'ONE'));

    const marked = markEntryConflicts(seal(plan), plan.conflicts)!;
    const split = splitConflicts(marked)!;
    expect(split.theirs).toHaveLength(1);
    const oursOpened = open(split.ours);
    expect(renderOpened(oursOpened)).toBe(plan.plaintext);
    expect(conflictView(oursOpened, split.theirs)).toBe(
      BASE.replace('one', 'ONE').replace('  b: two\n', '<<<<<<< ours\n  b: OURS\n=======\n  b: THEIRS\n>>>>>>> theirs\n'),
    );
  });

  it('takes a layout changed on one side only, and merges recipients three-way', () => {
    const ours = edit(base, BASE.replace('  c: three\n', '  c: three\n  d: four\n'));
    const theirs = edit(base, BASE.replace('one', 'ONE'), { recipients: [me.recipient, other.recipient] });
    const plan = merged(planMerge({ base: open(base), ours: open(ours), theirs: open(theirs) }, noTextMerge));
    expect(plan.plaintext).toBe(BASE.replace('one', 'ONE').replace('  c: three\n', '  c: three\n  d: four\n'));
    expect(open(seal(plan))[0]!.doc.envelope.recipients.map((r) => r.kid)).toEqual([me.kid, other.kid]);
  });

  it('falls back to a text merge when both layouts changed, or a removed key was changed', () => {
    const seen: string[][] = [];
    const textMerge: TextMerge = (b, o, t) => (seen.push([b, o, t]), { clean: false, text: '' });
    const ours = edit(base, BASE.replace('  a: one   # first\n', ''));
    const theirs = edit(base, BASE.replace('one', 'ONE'));
    expect(planMerge({ base: open(base), ours: open(ours), theirs: open(theirs) }, textMerge)).toMatchObject({ kind: 'conflict' });
    expect(seen).toEqual([[BASE, BASE.replace('  a: one   # first\n', ''), BASE.replace('one', 'ONE')]]);
  });

  it('refuses to merge across a rotation', () => {
    const ours = edit(base, BASE, { rotate: true });
    const theirs = edit(base, BASE.replace('one', 'ONE'));
    expect(planMerge({ base: open(base), ours: open(ours), theirs: open(theirs) }, noTextMerge)).toMatchObject({ kind: 'conflict', reason: expect.stringMatching(/rotate/) });
  });
});

describe('conflict markers', () => {
  it('keeps both whole sides', () => {
    expect(wholeFileConflict('a\n', 'b')).toBe('<<<<<<< ours\na\n=======\nb\n>>>>>>> theirs\n');
    expect(splitConflicts(wholeFileConflict('a: 1\n', 'b: 2\n'))).toBeNull();
  });
});

describe('fingerprint', () => {
  it('is keyed by the DEK and document, 16 hex characters, and hides the value', () => {
    const o: OpenedDocument = open(encryptStream(BASE, { recipients: [me.recipient], scope: 'strict' }))[0]!;
    const fp = fingerprint(o.dek, o.doc.envelope.docId, 'one');
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint(o.dek, o.doc.envelope.docId, 'one')).toBe(fp);
    expect(fingerprint(o.dek, new Uint8Array(16), 'one')).not.toBe(fp);
    const view = fingerprintedView([o]);
    expect(view).toContain(`  a: <fp:${fp}>   # first\n`);
    for (const v of ['one', 'two', 'three', 'prod']) expect(view).not.toContain(v);
  });
});
