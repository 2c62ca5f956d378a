/**
 * `Accept: application/yaml`: the apiserver writes JSON and converts it
 * with sigs.k8s.io/yaml, whose go-yaml v2 sorts every map's keys its own
 * way (letters after other characters, digit runs by value), not in the
 * byte order of the JSON, and does not indent sequences under their key.
 */
import { stringify } from 'yaml';

const isLetter = (c: string): boolean => /\p{L}/u.test(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && /\p{Nd}/u.test(c);
const digit = (c: string): number => (c.codePointAt(0) ?? 48) - 48;

/** go-yaml v2's keyList.Less for two string keys, as a comparator. */
export function goYamlCompare(a: string, b: string): number {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const x = ar[i] as string;
    const y = br[i] as string;
    if (x === y) continue;
    const xl = isLetter(x);
    const yl = isLetter(y);
    if (xl && yl) return (x.codePointAt(0) ?? 0) - (y.codePointAt(0) ?? 0);
    if (xl || yl) return yl ? -1 : 1;
    let an = 0;
    let bn = 0;
    if (x === '0' || y === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10 + digit(ar[ai] as string);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10 + digit(br[bi] as string);
    if (an !== bn) return an < bn ? -1 : 1;
    if (ai !== bi) return ai < bi ? -1 : 1;
    return (x.codePointAt(0) ?? 0) - (y.codePointAt(0) ?? 0);
  }
  return ar.length - br.length;
}

export const toYaml = (body: unknown): string =>
  stringify(body, {
    version: '1.1',
    indentSeq: false,
    lineWidth: 0,
    sortMapEntries: (a, b) => goYamlCompare(String(a.key), String(b.key)),
  });
