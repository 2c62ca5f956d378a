/**
 * The decrypted view of a file with entry conflicts, for `gitseal edit`:
 * ours' plaintext with each conflicting line shown twice between git-style
 * markers, once with ours' value and once with theirs'.
 *
 * Theirs' ciphertexts are outside the MAC (it covers ours' choice), so each
 * is checked by its own AEAD: it opens only under this document's DEK,
 * scope binding, id and token, i.e. it was written by a key holder for this
 * very entry. It could be an older value of that entry; the user sees it
 * and decides, and the file is re-sealed with a fresh MAC.
 */
import { wipe } from '../bytes.js';
import { bindingOf } from '../format/encrypted-document.js';
import { fail } from '../errors.js';
import { OURS_MARKER, SPLIT_MARKER, THEIRS_MARKER, type TheirsEntry } from '../format/conflict-markers.js';
import type { OpenedDocument } from '../format/seal.js';
import { deriveSubkeys } from '../crypto/subkeys.js';
import { openValues } from '../format/values.js';

interface Span {
  readonly start: number;
  readonly end: number;
  readonly theirs: string;
}

/** Opens one ciphertext for a token of an opened document; throws E_TAMPERED when it does not belong there. */
export function openEntry(o: OpenedDocument, token: string, sealed: string): string {
  const docId = o.doc.envelope.docId;
  const keys = deriveSubkeys(o.dek, docId);
  try {
    return openValues(keys.values, { scopeBinding: bindingOf(o.doc), docId }, [{ slot: token, sealed }])[0]!;
  } finally {
    wipe(keys.values, keys.names, keys.mac);
  }
}

/**
 * Ours' plaintext with every conflicting line marked. Throws E_FORMAT when
 * a token is not in ours' version, E_TAMPERED when theirs' value does not
 * open.
 */
export function conflictView(ours: readonly OpenedDocument[], theirs: readonly TheirsEntry[]): string {
  const open = new Map(theirs.map((t) => [t.token, t]));
  const found = new Set<string>();
  const docs = ours.map((o) => {
    const spans: Span[] = [];
    let at = o.chunks[0]!.length;
    o.doc.entries.forEach(([token], i) => {
      const raw = o.raws[i]!;
      const t = open.get(token);
      if (t) {
        spans.push({ start: at, end: at + raw.length, theirs: openEntry(o, token, t.sealed) });
        found.add(token);
      }
      at += raw.length + o.chunks[i + 1]!.length;
    });
    const text = o.chunks.map((c, i) => c + (o.raws[i] ?? '')).join('');
    return markLines(text, spans);
  });
  if (found.size !== open.size) fail('E_FORMAT', 'a conflict marks a value the file does not have: resolve it by hand or pick a side with "git checkout --ours|--theirs"');
  return docs.join('');
}

/** Marks the whole lines that hold the spans; spans that share lines are shown together. */
function markLines(text: string, spans: readonly Span[]): string {
  const groups: Array<{ from: number; to: number; spans: Span[] }> = [];
  for (const s of spans) {
    const from = text.lastIndexOf('\n', s.start - 1) + 1;
    const nl = text.indexOf('\n', s.end);
    const to = nl < 0 ? text.length : nl + 1;
    const last = groups[groups.length - 1];
    if (last && from < last.to) {
      last.to = Math.max(last.to, to);
      last.spans.push(s);
    } else groups.push({ from, to, spans: [s] });
  }
  const out: string[] = [];
  let at = 0;
  for (const g of groups) {
    let ours = text.slice(g.from, g.to);
    let theirs = '';
    let cursor = g.from;
    for (const s of g.spans) {
      theirs += text.slice(cursor, s.start) + s.theirs;
      cursor = s.end;
    }
    theirs += text.slice(cursor, g.to);
    if (!ours.endsWith('\n')) [ours, theirs] = [`${ours}\n`, `${theirs}\n`];
    out.push(text.slice(at, g.from), `${OURS_MARKER}\n`, ours, `${SPLIT_MARKER}\n`, theirs, `${THEIRS_MARKER}\n`);
    at = g.to;
  }
  out.push(text.slice(at));
  return out.join('');
}
