/**
 * yargs reads the word `help` as the last positional as `--help`: `gitseal set app.enc.yaml stringData.mode help`
 * printed set's help and exited 0 without setting anything. As the first word after a command
 * (`gitseal decrypt help`) it surely asks for help; after other arguments it may be a value or a file, so
 * the line is refused rather than answered with help and success.
 */
import { fail } from '../core/errors.js';
import type { CommandNode } from './command-tree.js';
import { positionalWords } from './positional-words.js';

const asksForHelp = (args: readonly string[]): boolean => {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
};

/** Called when yargs answered the line with help. */
export function refuseHelpAsValue(root: CommandNode, args: readonly string[]): void {
  if (asksForHelp(args)) return;
  const { words } = positionalWords(root, args);
  if (words.length >= 2 && words.at(-1) === 'help') {
    fail('E_USAGE', 'the word help after other arguments asks for help, so nothing ran: for help use --help; to pass the word, give a value on standard input (-) or a file as ./help');
  }
}
