/** Options and positionals several commands declare the same way. */
import type { Argv } from 'yargs';

/** For commands that replace files: by default a symbolic link that leads out of the repository is refused. */
export const withFollowSymlinks = <T>(y: Argv<T>) =>
  y.option('follow-symlinks', { type: 'boolean', describe: 'write through a symbolic link even when it leads out of the repository' });

/** `-i` or `-o OUT`; without either the result goes to stdout. */
export const withOutput = <T>(y: Argv<T>) =>
  withFollowSymlinks(y)
    .option('in-place', { alias: 'i', type: 'boolean', describe: 'replace FILE with the result' })
    .option('output', { alias: 'o', type: 'string', describe: 'write the result to OUT instead of stdout' })
    .conflicts('in-place', 'output');

export const withKey = <T>(y: Argv<T>) =>
  y.option('key', { type: 'string', describe: 'keystore file (default: $GITSEAL_KEY_FILE, then ~/.config/gitseal/keys.yaml)' });

// nargs(1): yargs re-parses positionals as `--file -`, which without it turns "-" into "" (yargs/yargs-parser#381).
export const withFile = <T>(y: Argv<T>) => y.positional('file', { type: 'string', describe: 'file to read, or - for stdin', demandOption: true }).nargs('file', 1);

/**
 * `<file> [more..]`: one file or several (`-` for stdin only alone); a command takes several only with -i.
 * Two positionals because yargs drops a "-" from an array positional (as it would blank it without nargs(1)).
 */
export const withSomeFiles = <T>(y: Argv<T>, describe: string) =>
  withFile(y).positional('more', { type: 'string', array: true, describe }).nargs('file', 1);

/** The files of a `<file> [more..]` command line, in order. */
export const filesOf = (opts: { file: string; more?: string[] | undefined }): string[] => [opts.file, ...(opts.more ?? [])];

export const withFiles = <T>(y: Argv<T>) => y.positional('files', { type: 'string', array: true, describe: 'encrypted files', demandOption: true });

/** `-r RECIPIENT` and `-R FILE`, each repeatable, as declared: `init` keeps the files apart (a file in the repository is named, not copied). */
export const withRecipientOptions = <T>(y: Argv<T>, describe: string) =>
  y
    .option('recipient', { alias: 'r', type: 'string', array: true, nargs: 1, describe })
    .option('recipient-file', { alias: 'R', type: 'string', array: true, nargs: 1, describe: 'file of recipients, one a line (# comments), repeatable; adds to -r' });

/**
 * `-r RECIPIENT` and `-R FILE` (one recipient a line, `#` comment lines, as age and sops read it), both repeatable.
 * The files are read before the command runs and their recipients join `-r`'s, so every command that takes
 * recipients takes files alike, and a bad line (E_RECIPIENT, naming file and line) stops it before it writes anything.
 */
export const withRecipients = <T>(y: Argv<T>, describe = 'recipient, repeatable (default: .gitseal.yaml)') =>
  withRecipientOptions(y, describe).middleware(async (argv) => {
    if (!argv.recipientFile?.length) return;
    // Imported only when -R is given: definitions load nothing else at start-up.
    const { readRecipientFile } = await import('./recipient-file.js');
    Object.assign(argv, { recipient: [...(argv.recipient ?? []), ...argv.recipientFile.flatMap(readRecipientFile)] });
  });

/** What `decrypt --output-type` and `exec-file --output-type` write (cli/decrypted-output.ts). */
export const OUTPUT_TYPES = ['yaml', 'json', 'dotenv'] as const;
export type OutputType = (typeof OUTPUT_TYPES)[number];
