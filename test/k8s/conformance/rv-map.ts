/**
 * resourceVersions are compared by their relations, not their values: a
 * recorded value is paired with the double's value at the same place, and
 * every pairing must agree with the others. The same recorded value always
 * pairs with the same double value; order is kept (the double may collapse
 * two recorded list/bookmark/message versions into one, since the real
 * server also counted its own writes, but two object versions never).
 * Recorded versions in requests are translated through the pairs.
 */

/** An object's own version (strict) or a list/bookmark/message version (may collapse). */
export type RvKind = 'object' | 'other';

interface Pair {
  rec: number;
  dbl: number;
  kind: RvKind;
}

/** Recorded versions this far past anything seen mean "far in the future" and are sent unchanged. */
const FUTURE = 1_000_000;

const numeric = (s: string): number | undefined => (/^\d+$/.test(s) ? Number(s) : undefined);

export class RvMap {
  private readonly pairs: Pair[] = [];

  /** Pairs a recorded version with the double's; returns why they cannot pair, or undefined. */
  match(rec: string, dbl: string, kind: RvKind): string | undefined {
    const r = numeric(rec);
    const d = numeric(dbl);
    if (r === undefined || d === undefined) return rec === dbl ? undefined : `resourceVersion ${JSON.stringify(dbl)} where ${JSON.stringify(rec)} was recorded`;
    for (const p of this.pairs) {
      const why = conflict(p, { rec: r, dbl: d, kind });
      if (why) return `resourceVersion ${d} (recorded ${r}) ${why}`;
    }
    if (!this.pairs.some((p) => p.rec === r && p.dbl === d)) this.pairs.push({ rec: r, dbl: d, kind });
    return undefined;
  }

  /** The double's version for a recorded one in a request. `now` is the double's current version. */
  toDouble(rec: string, now: number): string {
    const r = numeric(rec);
    if (r === undefined || r === 0) return rec;
    // Before anything was paired: a version the client had learned just before, i.e. the current one.
    if (this.pairs.length === 0) return String(now);
    const exact = this.pairs.find((p) => p.rec === r);
    if (exact) return String(exact.dbl);
    const below = this.pairs.filter((p) => p.rec < r).sort((a, b) => b.rec - a.rec)[0];
    if (!below) return rec; // older than anything seen: kept (e.g. "1", from the beginning)
    const newest = Math.max(...this.pairs.map((p) => p.rec));
    if (r > newest) return r - newest > FUTURE ? rec : String(now);
    return String(below.dbl);
  }

  /** The recorded version paired with a double's version, if any (for reading messages back). */
  toRecorded(dbl: string): string | undefined {
    const d = numeric(dbl);
    const p = this.pairs.find((x) => x.dbl === d);
    return p && String(p.rec);
  }
}

function conflict(p: Pair, q: Pair): string | undefined {
  if (p.rec === q.rec) return p.dbl === q.dbl ? undefined : `but recorded ${p.rec} was already paired with ${p.dbl}`;
  const [lo, hi] = p.rec < q.rec ? [p, q] : [q, p];
  if (lo.dbl > hi.dbl) return `is out of order with ${p.dbl} (recorded ${p.rec})`;
  if (lo.dbl === hi.dbl && lo.kind === 'object' && hi.kind === 'object') return `equals ${p.dbl} although recorded ${p.rec} differs`;
  return undefined;
}
