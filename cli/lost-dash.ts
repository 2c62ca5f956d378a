/**
 * yargs drops a `-` that follows the first value of a variadic positional: `encrypt -i a.yaml - b.yaml`
 * parses as `a.yaml b.yaml`, so standard input was silently ignored. A `-` the command line passes as a
 * positional but the parse lost is refused instead.
 */
import { fail } from '../core/errors.js';
import type { CommandNode } from './command-tree.js';
import { positionalWords } from './positional-words.js';

export function refuseLostDash(root: CommandNode, args: readonly string[], argv: { readonly _: readonly unknown[]; readonly [key: string]: unknown }): void {
  if (!args.includes('-')) return;
  const { command, words } = positionalWords(root, args);
  const kept = [argv._, ...command.positionals.map((p) => argv[p.name])].flatMap((v) => (Array.isArray(v) ? v : [v]));
  if (words.filter((w) => w === '-').length > kept.filter((v) => v === '-').length) {
    fail('E_USAGE', '- (standard input) can only be the one file a command reads: name files, or give - alone');
  }
}
