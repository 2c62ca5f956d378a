/**
 * The sealed layout (FORMAT.md §8) and the canonical entry order (§9).
 *
 * Tools reorder mappings: a Kubernetes API server returns a custom
 * resource's keys sorted, and so do `kubectl get -o yaml`, yq and kustomize.
 * So the order of `encryptedData` in a file means nothing: entries are
 * written and MACed sorted by token (UTF-16 code unit order, which is byte
 * order for these ASCII strings, as Go sorts map keys), and the layout
 * carries where each value stands in the document: `order[k]` is the
 * canonical index of the k-th value in document order.
 */
import { fail } from '../errors.js';

export type Entry = readonly [token: string, sealed: string];

/** UTF-16 code unit order, the order of every canonical sort in the format. */
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const byToken = (a: Entry, b: Entry): number => byCodeUnits(a[0], b[0]);

/** The entries sorted by token: the order of the MAC and of every file gitseal writes. */
export function canonicalEntries(entries: readonly Entry[]): Entry[] {
  return [...entries].sort(byToken);
}

/** The layout plaintext of a document whose values, in document order, have `tokens`. */
export function layoutText(chunks: readonly string[], tokens: readonly string[]): string {
  const rank = new Map([...tokens].sort().map((t, i) => [t, i]));
  return JSON.stringify({ chunks, order: tokens.map((t) => rank.get(t)!) });
}

export interface Layout {
  readonly chunks: string[];
  /** Document position → index in the canonical (sorted) entries. */
  readonly order: number[];
}

/** Parses an opened layout for `count` entries; E_TAMPERED unless it is chunks for them and a permutation. */
export function parseLayout(text: string, count: number): Layout {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  const { chunks, order } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { chunks?: unknown; order?: unknown };
  const seen = new Uint8Array(count);
  const fits =
    Array.isArray(chunks) &&
    chunks.length === count + 1 &&
    chunks.every((c) => typeof c === 'string') &&
    Array.isArray(order) &&
    order.length === count &&
    order.every((i) => Number.isInteger(i) && i >= 0 && i < count && !seen[i] && (seen[i] = 1));
  if (!fits) fail('E_TAMPERED', 'the layout does not fit the values: the file was modified');
  return { chunks: chunks as string[], order: order as number[] };
}

/** `items` (in canonical order) rearranged into document order. */
export const inDocumentOrder = <T>(items: readonly T[], layout: Layout): T[] => layout.order.map((i) => items[i]!);
