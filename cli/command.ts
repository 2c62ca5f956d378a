/**
 * How a command of the table is declared: its usage line, its help line, a
 * builder that declares its options (their types follow from it), and the
 * module that runs it, imported only when it runs so start-up stays fast.
 */
import type { ArgumentsCamelCase, Argv } from 'yargs';

/** The options a builder declares, as a command's `run` receives them. */
export type OptionsOf<B> = B extends (y: Argv) => Argv<infer O> ? ArgumentsCamelCase<O> : never;

/** A command's implementation; a number is its exit status. */
export interface CommandRun<O> {
  run(opts: ArgumentsCamelCase<O>): Promise<number | void>;
}

/** Something the table lists: a command or a group of commands. */
export interface TableEntry {
  register<T>(y: Argv<T>, runner: Runner): Argv<T>;
}

export interface CommandSpec<O> {
  /** Name and positionals, e.g. `encrypt <file>`. */
  readonly command: string;
  readonly describe: string;
  readonly builder: (y: Argv) => Argv<O>;
  readonly load: () => Promise<CommandRun<O>>;
  /** Commands under this one, e.g. `serve init`. */
  readonly subcommands?: readonly TableEntry[];
}

export interface Command<O> extends CommandSpec<O>, TableEntry {}

/** Runs a parsed command: the CLI's runner loads and runs it, a test's records what was parsed. */
export type Runner = <O>(command: Command<O>, opts: ArgumentsCamelCase<O>) => Promise<void>;

export const registerAll = <T>(y: Argv<T>, entries: readonly TableEntry[], runner: Runner): Argv<T> => entries.reduce((acc, entry) => entry.register(acc, runner), y);

export function defineCommand<O>(spec: CommandSpec<O>): Command<O> {
  const command: Command<O> = {
    ...spec,
    register: (y, runner) =>
      y.command(
        spec.command,
        spec.describe,
        (sub: Argv) => registerAll(spec.builder(sub), spec.subcommands ?? [], runner),
        (opts) => runner(command, opts),
      ),
  };
  return command;
}

export interface GroupSpec {
  readonly command: string;
  readonly describe: string;
  readonly subcommands: readonly TableEntry[];
  /** The usage error when no subcommand is named. */
  readonly demand: string;
}

/** A name that only groups subcommands, e.g. `git`. */
export function defineGroup(spec: GroupSpec): TableEntry {
  return {
    register: (y, runner) => y.command(spec.command, spec.describe, (sub: Argv) => registerAll(sub, spec.subcommands, runner).demandCommand(1, spec.demand)),
  };
}

/** The CLI's runner: imports the command's module, runs it, and keeps its exit status. */
export const loadAndRun: Runner = async (command, opts) => {
  const status = await (await command.load()).run(opts);
  if (typeof status === 'number') process.exitCode = status;
};
