/** The arguments after `--`, which the command table keeps apart (`populate--`): always literal, never options. */
export function afterDoubleDash(opts: { readonly [name: string]: unknown }): string[] {
  const rest = opts['--'];
  return Array.isArray(rest) ? rest.map(String) : [];
}
