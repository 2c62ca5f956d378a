/**
 * `gitseal diff` for people: one line per file, one per changed document
 * (ending with who signed it), a marked line under a document whose writer
 * changed, one per changed value when a key opened it. Colour only when asked (a
 * terminal). Everything printed comes from the report, which holds key
 * paths only when a key opened the document and values only with
 * --show-values.
 */
import type { DocumentDiff, ValueChange, ValueSide, WriterChange } from '../core/review/diff.js';
import type { FileDiff } from '../core/review/diff-file.js';
import type { SignatureCheck } from '../core/format/signature.js';

interface Paint {
  readonly bold: (s: string) => string;
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly dim: (s: string) => string;
}

const sgr = (on: number, off: number) => (s: string) => `\x1b[${on}m${s}\x1b[${off}m`;
const COLOUR: Paint = { bold: sgr(1, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), dim: sgr(2, 22) };
const PLAIN: Paint = { bold: (s) => s, red: (s) => s, green: (s) => s, yellow: (s) => s, dim: (s) => s };

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** A value (or a name from the file) on one line: as written when printable, else JSON-escaped, so no newline or terminal escape gets through. */
const shown = (raw: string): string => (/[\x00-\x1f\x7f-\x9f\u2028\u2029]/.test(raw) ? JSON.stringify(raw) : raw);

function recipientsText(d: DocumentDiff): string {
  const r = d.recipients;
  // A new data key is wrapped anew for everyone: "rewrapped" is news only under the same key.
  const rewrapped = d.newDataKey ? [] : r.rewrapped;
  const parts = [...r.added.map((k) => `+${shown(k)}`), ...r.removed.map((k) => `-${shown(k)}`), ...rewrapped.map((k) => `${shown(k)} rewrapped`)];
  return parts.length ? `recipients ${parts.join(', ')}` : 'recipients unchanged';
}

/**
 * Who signed a version, short: `alice (w-…)` for a writer the reader trusts (their name for it),
 * else the subject the signature claims, quoted, with why it is not accepted.
 */
export function writerLabel(c: SignatureCheck): string {
  switch (c.status) {
    case 'unsigned':
      return 'unsigned';
    case 'trusted':
      return `${shown(c.writer)} (${c.kid})`;
    case 'untrusted':
      return `${JSON.stringify(c.subject)} (${c.kid}, not trusted)`;
    case 'invalid':
      return `${JSON.stringify(c.subject)} (${c.kid}, signature does not verify)`;
  }
}

/**
 * The line that marks a document whose writer changed, or whose new version's signature does not
 * verify, e.g. `writer changed: alice (w-…) → "mallory" (w-…, not trusted)`; null when neither.
 */
function writerAlert(w: WriterChange): string | null {
  if (w.changed && w.before && w.after) return `writer changed: ${writerLabel(w.before)} → ${writerLabel(w.after)}`;
  if (w.after?.status === 'invalid') return `signature does not verify: ${writerLabel(w.after)}`;
  return null;
}

/** Who signed a changed document, for its summary line when no alert says more: `signed by alice (w-…)`, `unsigned`. */
function writerText(d: DocumentDiff): string {
  const c = (d.writer.after ?? d.writer.before)!;
  const label = writerLabel(c);
  return c.status === 'unsigned' ? label : `signed by ${label}`;
}

/** The summary line of a changed document, e.g. `payments/db: 1 value changed, 1 added, 0 removed, recipients unchanged; signed by alice (w-…)`. */
export function documentSummary(d: DocumentDiff): string {
  const label = shown(d.label);
  // Who signed, after the rest: the alert line below says it when the writer changed.
  const writer = writerAlert(d.writer) ? '' : `; ${writerText(d)}`;
  if (d.status === 'added' || d.status === 'removed') return `${label}: document ${d.status}, ${plural(d.status === 'added' ? d.values.after : d.values.before, 'value')}${writer}`;
  const parts: string[] = [];
  if (d.newDataKey) parts.push(`re-encrypted with a new data key${d.by === 'key' ? ' (fingerprints not comparable)' : ''}`);
  if (d.counts) parts.push(`${plural(d.counts.changed, 'value')} changed, ${d.counts.added} added, ${d.counts.removed} removed`);
  else parts.push(`${plural(d.values.before, 'value')} before, ${d.values.after} after (which changed needs the key)`);
  parts.push(recipientsText(d));
  if (d.scope) parts.push(`scope ${d.scope.before} → ${d.scope.after}`);
  // Adding or removing a key always changes the layout: say so only when it is news (comments, order, formatting).
  if (d.layoutChanged && d.counts && d.counts.added + d.counts.removed === 0) parts.push('layout changed');
  if (d.readableChanged) parts.push('readable fields changed');
  return `${label}: ${parts.join(', ')}${d.note ? ` (${d.note})` : ''}${writer}`;
}

function sideText(s: ValueSide | undefined): string {
  if (!s) return '';
  return s.value !== undefined ? shown(s.value) : s.fingerprint;
}

function valueLine(c: ValueChange, p: Paint): string {
  const where = c.path ?? c.token ?? '';
  if (c.change === 'changed') return p.yellow(`    ~ ${where}  ${sideText(c.before)} → ${sideText(c.after)}`);
  if (c.change === 'added') return p.green(`    + ${where}  ${sideText(c.after)}`);
  return p.red(`    - ${where}  ${sideText(c.before)}`);
}

function fileHeader(f: FileDiff): string {
  const name = f.oldPath ? `${shown(f.oldPath)} → ${shown(f.path)}` : shown(f.path);
  switch (f.status) {
    case 'added':
      return `${name}: new encrypted file`;
    case 'deleted':
      return `${name}: deleted`;
    case 'encrypted-one-side':
      return `${name}: encrypted on one side only (${f.encrypted === 'before' ? 'the new version is NOT encrypted' : 'the old version was not encrypted'})`;
    case 'skipped':
      return `${name}: ${f.note ?? 'skipped'}, skipped`;
    case 'unchanged':
      return `${name}: ${f.oldPath && !f.note ? 'renamed, ' : ''}no change to the encrypted content${f.note ? ` (${f.note})` : ''}`;
    default:
      return name;
  }
}

/**
 * The text report. Unchanged documents are left out; a file whose versions
 * are identical prints nothing, like diff(1), unless git saw it renamed
 * (`showRenames`). Value lines appear only for
 * documents opened with a key (by token there is nothing a person can read).
 */
export function renderText(files: readonly FileDiff[], opts: { readonly colour: boolean; readonly showRenames: boolean }): string {
  const p = opts.colour ? COLOUR : PLAIN;
  const lines: string[] = [];
  for (const f of files) {
    if (f.status === 'not-encrypted' || f.status === 'error') continue;
    if (f.status === 'unchanged' && !f.note && !(opts.showRenames && f.oldPath)) continue;
    lines.push(p.bold(fileHeader(f)));
    for (const d of f.documents) {
      if (d.status === 'unchanged') continue;
      lines.push(`  ${documentSummary(d)}`);
      const alert = writerAlert(d.writer);
      if (alert) lines.push(p.red(p.bold(`  ! ${alert}`)));
      if (d.by === 'key') for (const c of d.changes) lines.push(valueLine(c, p));
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** One stderr line per file that could not be compared, in the form of every gitseal error. */
export function renderErrors(files: readonly FileDiff[]): string {
  const where = (f: FileDiff): string => {
    const v = f.error?.version;
    if (f.oldPath && v) return shown(v === 'before' ? f.oldPath : f.path);
    return shown(f.path) + (v ? ` (${v === 'before' ? 'old' : 'new'} version)` : '');
  };
  return files
    .filter((f) => f.error)
    .map((f) => `gitseal: ${where(f)}: ${f.error!.message} [${f.error!.code}]\n`)
    .join('');
}
