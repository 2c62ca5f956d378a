/**
 * A creation rule's `path_regex` as `.gitattributes` patterns, when that
 * can be done exactly: gitattributes has globs, not regular expressions.
 *
 * The mapping (paths relative to the folder of `.gitseal.yaml`, which must
 * be the repository's top):
 *
 * | regex                                  | glob                              |
 * |----------------------------------------|-----------------------------------|
 * | `(^|/)BODY$` (a file name at any depth) | `BODY` (no `/`) or `**\/BODY`      |
 * | `^BODY$` (from the top)                 | `/BODY`                           |
 * | `BODY$`, `.*BODY$` (unanchored start)   | `*BODY`, or `**\/*BODY` with a `/` |
 * | `[^/]*` / `[^/]+`                       | `*` / `?*`                        |
 * | `DIR/.*REST$` (REST without `/`)        | `DIR/**\/*REST`                    |
 * | `DIR/.*` with no `$`                    | `DIR/**`                          |
 * | `(a|b)`, `(?:a|b)`, `x?`, `(…)?`        | one glob per alternative          |
 * | `\.` and other escaped punctuation      | the character                     |
 * | `[a-z0-9]` (no `^`, no quantifier)      | the same class                    |
 *
 * Anything else (`.` or `.*` that could cross a `/` elsewhere, `+`, `*` or
 * `{n}` on other atoms, `\d`, `\w`, lookarounds, no `$` anchor, a glob
 * special character in a literal, more than 24 alternatives) gives null,
 * and the caller falls back to every YAML/JSON file.
 */

const ANY = '\u0000'; // `.*` until its place is known
const MAX_GLOBS = 24;
const LITERAL = /[A-Za-z0-9_\-/@%,=~]/;

class Unsupported extends Error {}

/** The glob alternatives a regex fragment expands to. */
function parse(src: string): string[] {
  let i = 0;
  const alternation = (): string[] => {
    const out = [...sequence()];
    while (src[i] === '|') {
      i++;
      out.push(...sequence());
    }
    return out;
  };
  const sequence = (): string[] => {
    let acc = [''];
    while (i < src.length && src[i] !== '|' && src[i] !== ')') {
      let alts = atom();
      if (src[i] === '?') {
        i++;
        alts = [...alts, ''];
      } else if (src[i] === '*' || src[i] === '+' || src[i] === '{') throw new Unsupported();
      acc = acc.flatMap((a) => alts.map((b) => a + b));
      if (acc.length > MAX_GLOBS) throw new Unsupported();
    }
    return acc;
  };
  const atom = (): string[] => {
    const c = src[i]!;
    for (const [re, glob] of [
      ['[^/]*', '*'],
      ['[^\\/]*', '*'],
      ['[^/]+', '?*'],
      ['[^\\/]+', '?*'],
      ['.*', ANY],
    ] as const) {
      if (src.startsWith(re, i)) {
        i += re.length;
        return [glob];
      }
    }
    if (c === '\\') {
      const e = src[i + 1];
      if (e === undefined || /[A-Za-z0-9*?[\]\\\s]/.test(e)) throw new Unsupported();
      i += 2;
      return [e];
    }
    if (c === '[') {
      const m = /^\[[A-Za-z0-9._-]+\]/.exec(src.slice(i));
      if (!m) throw new Unsupported();
      i += m[0].length;
      return [m[0]];
    }
    if (c === '(') {
      i += src.startsWith('(?:', i) ? 3 : 1;
      const alts = alternation();
      if (src[i] !== ')') throw new Unsupported();
      i++;
      return alts;
    }
    if (!LITERAL.test(c)) throw new Unsupported();
    i++;
    return [c];
  };
  const out = alternation();
  if (i !== src.length) throw new Unsupported();
  return out;
}

/** Places `.*`: a leading one unanchors, `/.*REST` becomes `/**\/*REST`, a trailing `/.*` becomes `/**`. */
function placeAny(body: string, end: boolean): { body: string; unanchored: boolean } {
  let unanchored = false;
  if (body.startsWith(ANY)) {
    unanchored = true;
    body = body.slice(1);
  }
  if (!end) {
    if (!body.endsWith(`/${ANY}`)) throw new Unsupported();
    body = `${body.slice(0, -1)}**`;
  }
  const at = body.indexOf(ANY);
  if (at >= 0) {
    const rest = body.slice(at + 1);
    if (body[at - 1] !== '/' || rest.includes('/') || rest.includes(ANY)) throw new Unsupported();
    body = body.slice(0, at) + (rest.startsWith('*') ? '**/' : '**/*') + rest;
  }
  return { body, unanchored };
}

/** The gitattributes patterns matching exactly the paths the regex source matches; null when there is no such set. */
export function regexToGlobs(source: string): string[] | null {
  let s = source;
  let anchor: 'start' | 'segment' | 'none' = 'none';
  const segment = ['(^|\\/)', '(^|/)', '(?:^|\\/)', '(?:^|/)'].find((p) => s.startsWith(p));
  if (segment) {
    anchor = 'segment';
    s = s.slice(segment.length);
  } else if (s.startsWith('^')) {
    anchor = 'start';
    s = s.slice(1);
  }
  const end = s.endsWith('$') && !s.endsWith('\\$');
  if (end) s = s.slice(0, -1);
  let bodies: string[];
  try {
    bodies = parse(s);
    const globs = new Set<string>();
    for (const b of bodies) {
      const { body, unanchored } = placeAny(b, end);
      const mode = unanchored ? 'none' : anchor;
      if (body === '' || body.startsWith('/')) throw new Unsupported();
      const slash = body.includes('/');
      if (mode === 'start') globs.add(`/${body}`);
      else if (mode === 'segment') globs.add(slash ? `**/${body}` : body);
      else {
        const star = body.startsWith('*') ? body : `*${body}`;
        globs.add(slash ? `**/${star}` : star);
      }
    }
    return [...globs];
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}
