/**
 * What a fuzz target is: a parser of untrusted input, the inputs to feed it,
 * and the errors its contract allows. Anything else it throws, and any case
 * slower than the budget, is a bug.
 */
import type fc from 'fast-check';
import { isGitsealError } from '../../core/errors.js';

export interface FuzzTarget<T = string> {
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<T>;
  /** Feeds one input to the parser; what it returns does not matter. */
  readonly parse: (input: T) => unknown;
  /** Whether `e` is an error the parser may answer with. */
  readonly typed: (e: unknown) => boolean;
  /** Frees what the target holds (a server); called once at the end. */
  readonly close?: () => Promise<void>;
}

/** A target, built once per process (some make keys or start a local server). */
export interface TargetEntry {
  readonly name: string;
  readonly make: () => Promise<FuzzTarget<unknown>>;
}

/** The contract of core/, cli/, migrate/ and the service's configuration: a GitsealError. */
export const gitsealError = (e: unknown): boolean => isGitsealError(e);

/**
 * The contract of kms/protocol/parse.ts, the client's view of answers: a
 * plain Error naming what is wrong (the client turns it into E_SERVER). A
 * TypeError or RangeError is a bug.
 */
export const plainError = (e: unknown): boolean => e instanceof Error && e.constructor === Error;
