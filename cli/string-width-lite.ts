/**
 * Stands in for `string-width` in the bundle (see build.mjs). yargs only
 * measures help text with it, which is ours and plain; the real package
 * compiles a large emoji regular expression at load time, which cost ~30 ms
 * on every command. East Asian wide characters still count as two columns.
 */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;

export default function stringWidth(text: string): number {
  let width = 0;
  for (const ch of text.replace(ANSI, '')) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0x300 && cp < 0x370) || cp === 0x200b) continue;
    width += WIDE.test(ch) || cp >= 0x1f300 ? 2 : 1;
  }
  return width;
}
