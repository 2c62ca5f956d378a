/**
 * Where to point the user for a YAML syntax error. The `yaml` package places
 * an error where it noticed it, which for an unclosed quote or flow
 * collection is where the text ends: after the final newline of a file
 * whose last line holds the mistake, that is a line the file does not have
 * (line 19 of an 18-line file), and with lines after the mistake, one of
 * those. The user needs the line where the quote or bracket opens.
 */
import { CST, Parser } from 'yaml';

const CLOSED_DOUBLE = /^"(?:[^"\\]|\\[\s\S])*"$/;
const CLOSED_SINGLE = /^'(?:[^']|'')*'$/;

/** The token opens something it never closes: a quoted scalar or a flow collection. */
function unclosed(token: CST.Token | undefined): boolean {
  if (!token) return false;
  if (token.type === 'double-quoted-scalar') return !CLOSED_DOUBLE.test(token.source);
  if (token.type === 'single-quoted-scalar') return !CLOSED_SINGLE.test(token.source);
  if (token.type === 'flow-collection') return !token.end.some((t) => t.source === ']' || t.source === '}');
  return false;
}

/**
 * The offset to report for a syntax error the parser placed at `offset` (and whether it is where
 * something opens that is never closed): the start of the first quoted
 * scalar or flow collection before it that is never closed; else, when only blank space follows `offset`
 * (the parser reached the end of the text), the last character before it; else `offset`.
 */
export function errorOffset(text: string, offset: number): { readonly offset: number; readonly unclosed: boolean } {
  let opened: number | undefined;
  const note = (token: CST.Token | undefined): void => {
    if (opened === undefined && token && token.offset <= offset && unclosed(token)) opened = token.offset;
  };
  for (const token of new Parser().parse(text)) {
    if (token.type !== 'document') continue;
    note(token.value);
    if (token.value)
      CST.visit(token, (item) => {
        note(item.key ?? undefined);
        note(item.value);
      });
    if (opened !== undefined) return { offset: opened, unclosed: true };
  }
  if (text.slice(offset).trim() !== '') return { offset, unclosed: false };
  let at = Math.min(offset, text.length);
  while (at > 0 && /\s/.test(text[at - 1]!)) at--;
  return { offset: Math.max(at - 1, 0), unclosed: false };
}
