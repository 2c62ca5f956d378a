/**
 * yargs drops a `-` that follows the first value of a variadic positional: `encrypt -i a.yaml - b.yaml`
 * parses as `a.yaml b.yaml`, so standard input was silently ignored. A `-` the command line passes as a
 * positional but the parse lost is refused instead.
 */
import { fail } from '../core/errors.js';
import { findCommand, type CommandNode } from './command-tree.js';

const beforeDoubleDash = (args: readonly string[]): readonly string[] => {
  const end = args.indexOf('--');
  return end < 0 ? args : args.slice(0, end);
};

/** Whether `arg` is an option that takes the next argument as its value. */
function takesNextAsValue(arg: string | undefined, flags: ReadonlySet<string>): boolean {
  if (arg === undefined || !arg.startsWith('-') || arg === '-' || arg.includes('=')) return false;
  const name = arg.startsWith('--') ? arg.slice(2) : arg.slice(-1); // `-io` gives its value to its last letter
  return !flags.has(name) && !name.startsWith('no-');
}

function positionalDashes(args: readonly string[], command: CommandNode): number {
  const flags = new Set(command.options.filter((o) => !o.takesValue).flatMap((o) => [o.name, ...o.aliases]));
  const line = beforeDoubleDash(args);
  return line.filter((arg, i) => arg === '-' && !takesNextAsValue(line[i - 1], flags)).length;
}

function parsedDashes(argv: { readonly [key: string]: unknown }, command: CommandNode): number {
  const values = [argv._, ...command.positionals.map((p) => argv[p.name])];
  return values.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v) => v === '-').length;
}

/** `argv._` holds the words of the command that runs (yargs puts no other positional there). */
export function refuseLostDash(root: CommandNode, args: readonly string[], argv: { readonly _: readonly unknown[]; readonly [key: string]: unknown }): void {
  if (!args.includes('-')) return;
  const command = findCommand(root, argv._.map(String));
  if (command === null) return;
  if (positionalDashes(args, command) > parsedDashes(argv, command)) {
    fail('E_USAGE', '- (standard input) can only be the one file a command reads: name files, or give - alone');
  }
}
