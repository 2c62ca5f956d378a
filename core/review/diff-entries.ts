/**
 * The value-level half of `diff` (see `diff.ts`): which entries of two
 * versions of one document changed, by token and ciphertext without a key,
 * by key path and plaintext with one.
 */
import { equalBytes } from '../bytes.js';
import type { EncryptedDocument } from '../format/encrypted-document.js';
import { fingerprint } from './fingerprint.js';
import { byCodeUnits } from '../format/layout.js';
import { encodePath } from '../format/name-tokens.js';
import { formatPath, type Leaf } from '../format/plain-document.js';
import { openDocument, openedLeaves, openSome } from '../format/seal.js';

export interface ValueSide {
  /** `fp:` and 16 hex digits: HMAC-SHA-256 under a subkey of that version's DEK. */
  readonly fingerprint: string;
  readonly value?: string;
}

export interface ValueChange {
  readonly change: 'changed' | 'added' | 'removed';
  /** With a key: the key path, e.g. `stringData.password`. */
  readonly path?: string;
  /** Without a key: the entry's name token (the after version's, the before version's for a removal). */
  readonly token?: string;
  readonly before?: ValueSide;
  readonly after?: ValueSide;
}

export interface ValueCounts {
  readonly changed: number;
  readonly added: number;
  readonly removed: number;
}

export interface EntryComparison {
  /** null when unknown (no key and a new data key: the tokens cannot be matched). */
  readonly counts: ValueCounts | null;
  readonly changes: ValueChange[];
  readonly layoutChanged: boolean | null;
  readonly newDataKey: boolean;
}

/** One step of a token-level delta: an entry whose ciphertext changed (before i, after j), a new one, a gone one. */
type Op = { readonly kind: 'changed'; readonly i: number; readonly j: number } | { readonly kind: 'added'; readonly j: number } | { readonly kind: 'removed'; readonly i: number };

/** Entries by token, in the after version's order, then the removed ones in the before version's order. */
function tokenDelta(a: EncryptedDocument, b: EncryptedDocument): Op[] {
  const at = new Map(a.entries.map(([t], i) => [t, i]));
  const seen = new Uint8Array(a.entries.length);
  const ops: Op[] = [];
  b.entries.forEach(([t, c], j) => {
    const i = at.get(t);
    if (i === undefined) ops.push({ kind: 'added', j });
    else {
      seen[i] = 1;
      if (a.entries[i]![1] !== c) ops.push({ kind: 'changed', i, j });
    }
  });
  seen.forEach((s, i) => {
    if (!s) ops.push({ kind: 'removed', i });
  });
  return ops;
}

function countsOf(changes: readonly ValueChange[]): ValueCounts {
  const n = (c: ValueChange['change']) => changes.filter((x) => x.change === c).length;
  return { changed: n('changed'), added: n('added'), removed: n('removed') };
}

/**
 * Without a key. With the same data key (see `sameDekWithoutKey`) a changed
 * ciphertext under a kept token is a changed value, since gitseal re-uses
 * the ciphertext of every value whose plaintext did not change; with a new
 * data key nothing can be matched.
 */
export function keylessChanges(a: EncryptedDocument, b: EncryptedDocument, sameDek: boolean): EntryComparison {
  if (!sameDek) return { counts: null, changes: [], layoutChanged: null, newDataKey: true };
  // Without a key the document order is sealed away: changed, then added, then removed, each by token.
  const rank = { changed: 0, added: 1, removed: 2 };
  const changes: ValueChange[] = tokenDelta(a, b)
    .map((op): ValueChange => (op.kind === 'removed' ? { change: 'removed', token: a.entries[op.i]![0] } : { change: op.kind, token: b.entries[op.j]![0] }))
    .sort((x, y) => rank[x.change] - rank[y.change] || byCodeUnits(x.token!, y.token!));
  return { counts: countsOf(changes), changes, layoutChanged: a.layout !== b.layout, newDataKey: false };
}

const sideOf = (doc: EncryptedDocument, dek: Uint8Array, raw: string, showValues: boolean): ValueSide => ({
  fingerprint: `fp:${fingerprint(dek, doc.envelope.docId, raw)}`,
  ...(showValues ? { value: raw } : {}),
});

/**
 * With both versions' DEKs. Throws E_TAMPERED when either fails its MAC.
 * Same DEK: only the entries whose ciphertext changed, was added or removed
 * are opened, and a changed ciphertext over the same plaintext is no change.
 * New DEK: both versions are opened whole and compared by key path and
 * plaintext; their fingerprints are under different keys.
 */
export function keyedChanges(a: EncryptedDocument, deka: Uint8Array, b: EncryptedDocument, dekb: Uint8Array, showValues: boolean): EntryComparison {
  if (!equalBytes(deka, dekb) || !equalBytes(a.envelope.docId, b.envelope.docId)) return changesUnderNewKey(a, deka, b, dekb, showValues);
  const ops = tokenDelta(a, b);
  const inA = ops.flatMap((op) => (op.kind === 'added' ? [] : [op.i]));
  const inB = ops.flatMap((op) => (op.kind === 'removed' ? [] : [op.j]));
  const layout = a.layout !== b.layout;
  // The layouts give the document order to list the changes in (files keep entries sorted by token, not by place).
  const pa = openSome(a, deka, inA, true);
  const pb = openSome(b, dekb, inB, true);
  const leafA = new Map(inA.map((i, k) => [i, pa.leaves[k]!]));
  const leafB = new Map(inB.map((j, k) => [j, pb.leaves[k]!]));
  const changes: ValueChange[] = [];
  const place: number[] = [];
  for (const op of ops) {
    const before = op.kind === 'added' ? undefined : leafA.get(op.i)!;
    const after = op.kind === 'removed' ? undefined : leafB.get(op.j)!;
    if (before && after && before.raw === after.raw) continue; // re-sealed, same plaintext
    changes.push(change(op.kind, (after ?? before)!, before && sideOf(a, deka, before.raw, showValues), after && sideOf(b, dekb, after.raw, showValues)));
    // After-version order; removed entries after those, in the before version's order.
    place.push(op.kind === 'removed' ? b.entries.length + pa.positions!.get(a.entries[op.i]![0])! : pb.positions!.get(b.entries[op.j]![0])!);
  }
  const order = changes.map((_, k) => k).sort((x, y) => place[x]! - place[y]!);
  const inOrder = order.map((k) => changes[k]!);
  const layoutChanged = layout && JSON.stringify(pa.chunks) !== JSON.stringify(pb.chunks);
  return { counts: countsOf(inOrder), changes: inOrder, layoutChanged, newDataKey: false };
}

function change(kind: ValueChange['change'], leaf: Leaf, before: ValueSide | undefined, after: ValueSide | undefined): ValueChange {
  return { change: kind, path: formatPath(leaf.path), ...(before ? { before } : {}), ...(after ? { after } : {}) };
}

function changesUnderNewKey(a: EncryptedDocument, deka: Uint8Array, b: EncryptedDocument, dekb: Uint8Array, showValues: boolean): EntryComparison {
  const oa = openDocument(a, deka);
  const ob = openDocument(b, dekb);
  const beforeByPath = new Map(openedLeaves(oa).map((l) => [encodePath(l.path), l]));
  const seen = new Set<string>();
  const changes: ValueChange[] = [];
  for (const leaf of openedLeaves(ob)) {
    const key = encodePath(leaf.path);
    const old = beforeByPath.get(key);
    if (old) seen.add(key);
    if (old && old.raw === leaf.raw) continue;
    changes.push(change(old ? 'changed' : 'added', leaf, old && sideOf(a, deka, old.raw, showValues), sideOf(b, dekb, leaf.raw, showValues)));
  }
  for (const [key, old] of beforeByPath) if (!seen.has(key)) changes.push(change('removed', old, sideOf(a, deka, old.raw, showValues), undefined));
  return { counts: countsOf(changes), changes, layoutChanged: JSON.stringify(oa.chunks) !== JSON.stringify(ob.chunks), newDataKey: true };
}

/** Every value of a document that exists on one side only, with a key. Throws E_TAMPERED on a bad MAC. */
export function listWithKey(doc: EncryptedDocument, dek: Uint8Array, status: 'added' | 'removed', showValues: boolean): ValueChange[] {
  return openedLeaves(openDocument(doc, dek)).map((leaf) => {
    const side = sideOf(doc, dek, leaf.raw, showValues);
    return status === 'added' ? change('added', leaf, undefined, side) : change('removed', leaf, side, undefined);
  });
}
