/**
 * For the commands' unit tests (cli/**\/*.test.ts): parses a command line
 * through the real table and definitions, in process, without loading or
 * running any command.
 */
import { expect } from 'vitest';
import type { ArgumentsCamelCase } from 'yargs';
import { isGitsealError, type GitsealError } from '../core/errors.js';
import type { Command } from './command.js';
import { buildCli } from './command-table.js';
import { EXIT_CODES } from './exit-codes.js';

interface Invocation<O> {
  readonly command: Command<O>;
  readonly opts: ArgumentsCamelCase<O>;
}

export interface Parsed {
  /** The command the line runs, or null when yargs answers it (--help, --version). */
  readonly invocation: Invocation<unknown> | null;
  /** What yargs printed: help or the version. */
  readonly output: string;
}

export async function parse(args: readonly string[]): Promise<Parsed> {
  let invocation: Invocation<unknown> | null = null;
  let output = '';
  await buildCli([...args], async (command, opts) => {
    invocation = { command, opts };
  })
    .exitProcess(false)
    .parseAsync([...args], {}, (_err, _argv, text) => {
      output = text;
    });
  return { invocation, output };
}

const isInvocationOf = <O>(invocation: Invocation<unknown>, command: Command<O>): invocation is Invocation<O> => invocation.command === command;

/** The options `command` would run with; fails when the line runs another command, or none. */
export async function optionsFor<O>(command: Command<O>, args: readonly string[]): Promise<ArgumentsCamelCase<O>> {
  const { invocation } = await parse(args);
  if (invocation === null || !isInvocationOf(invocation, command)) throw new Error(`${args.join(' ')} does not run ${command.command}`);
  return invocation.opts;
}

/** The usage error the line gets; fails when it parses. */
export async function usageError(args: readonly string[]): Promise<GitsealError> {
  try {
    await parse(args);
  } catch (e) {
    if (isGitsealError(e)) return e;
    throw e;
  }
  throw new Error(`${args.join(' ')} parsed without a usage error`);
}

/** The line is refused as a usage error (exit status 2) whose message matches. */
export async function expectUsageError(args: readonly string[], message: string | RegExp): Promise<void> {
  const e = await usageError(args);
  expect(e.code).toBe('E_USAGE');
  expect(EXIT_CODES[e.code]).toBe(2);
  if (typeof message === 'string') expect(e.message).toBe(message);
  else expect(e.message).toMatch(message);
}
