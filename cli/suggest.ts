/**
 * The nearest of several names to a mistyped one, for "did you mean …?".
 * Close means one edit (an insertion, deletion, change or swap of two
 * neighbours) per three letters, at least one, or that one is the start of
 * the other (`--out`, `--output-type` for `--output`). yargs' own
 * recommendation allows three edits whatever the length, so `x` would
 * suggest `git`.
 */

/** Optimal string alignment distance: Levenshtein plus the swap of two neighbours. */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row.push(d);
    }
    before = previous;
    previous = row;
  }
  return previous[b.length]!;
}

const MIN_PREFIX = 3;
const bare = (s: string): string => s.replace(/^-+/, '');

/**
 * The candidate closest to `word`, or null when none is close; ties go to
 * the first in `candidates`. Leading dashes do not count, and a one-letter
 * word (`-z`) is one edit from every other letter, so it gets no suggestion.
 */
export function nearest(word: string, candidates: readonly string[]): string | null {
  const typed = bare(word);
  if (typed.length < 2) return null;
  let best: string | null = null;
  let bestDistance = Math.max(1, Math.floor(typed.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(typed, bare(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const startsWith = (a: string, b: string) => b.length >= MIN_PREFIX && a.startsWith(b);
  return best ?? candidates.find((c) => startsWith(bare(c), typed) || startsWith(typed, bare(c))) ?? null;
}
