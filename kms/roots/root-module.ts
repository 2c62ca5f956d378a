/**
 * What a root of trust says about itself. The registry (index.ts) is a
 * list of these; the configuration parser and `openRoot` only go through
 * it, so adding a root is one module and one entry in that list
 * (docs/CONTRIBUTING.md#adding-a-root-of-trust).
 */
import type { RootOfTrust } from './types.js';
import type { ConfigFields } from './config.js';

/** The fields every `root:` mapping has, whatever its type. */
export interface RootConfigCommon {
  /** Seconds between two checks of the root by the service's kill switch. */
  checkInterval: number;
}

/** The code that works the root, imported only when a root of this kind is opened. */
export interface RootImplementation<C> {
  open(config: C, env: NodeJS.ProcessEnv): Promise<RootOfTrust>;
  /** Makes the root's key when it is missing; returns whether it made one. */
  createKey?(config: C, env: NodeJS.ProcessEnv): Promise<boolean>;
}

export interface RootModule<C extends { type: string } & RootConfigCommon> {
  /** The `type` of its `root:` mapping, and `RootOfTrust.kind`. */
  readonly kind: C['type'];
  /** The fields its `root:` mapping may have besides `type` and `checkInterval`. */
  readonly fields: readonly string[];
  /** A `root:` mapping of this type that parses, for the documentation and the tests. */
  readonly example: Readonly<Record<string, unknown>>;
  /**
   * Checks its fields and fills in defaults; `read` reads the mapping,
   * whose field names are already checked. Throws E_CONFIG.
   */
  parse(read: ConfigFields, common: RootConfigCommon): C;
  /** Imports the implementation, with `loadOptional` when it needs an optional package. */
  load(): Promise<RootImplementation<C>>;
}
