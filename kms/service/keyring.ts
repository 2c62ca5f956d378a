/**
 * The org keys inside the rewrap service
 * (docs/ARCHITECTURE.md#the-kill-switch): the key file, the root of trust
 * that unseals it, and the kill switch. Private halves never stay here: each
 * (re)load unseals them through the root, hands them to the unwrap workers
 * and wipes them. Every `checkInterval` the root is asked again; when it
 * refuses, the workers drop every key until it answers again.
 */
import type { PublicOrgKey } from '../protocol/types.js';
import { existsSync, readFileSync } from 'node:fs';
import { wipe } from '../../core/bytes.js';
import { fail, isGitsealError } from '../../core/errors.js';
import { formatRecipient, generateIdentity, identityFromSecret } from '../../core/crypto/recipients/index.js';
import type { RecipientAlg } from '../../core/crypto/recipients/types.js';
import { writeAtomic } from '../../runtime/atomic-file.js';
import { decodeOrgKeys, encodeOrgKeys, sealContext, type OrgKeyRecord } from './org-key-file.js';
import { type KeyState } from '../protocol/types.js';
import type { RootOfTrust } from '../roots/types.js';

/** Where unsealed keys go: the unwrap worker pool. */
export interface KeySink {
  setKeys(keys: { alg: RecipientAlg; secret: Uint8Array }[]): Promise<void>;
  clearKeys(): Promise<void>;
}

/** ready: keys in memory; root_revoked: the root refused (kill switch); root_unavailable: unreachable for longer than the grace time. */
export type RootState = 'ready' | 'root_revoked' | 'root_unavailable' | 'starting';


export interface KeyringEvent {
  level: 'info' | 'warn' | 'error';
  msg: string;
  [field: string]: unknown;
}

export interface KeyringOptions {
  /** How often the root is asked again, in ms (default 5 min; docs/ARCHITECTURE.md#the-kill-switch). */
  checkIntervalMs?: number;
  /** How long an unreachable (not refusing) root is tolerated before the keys are dropped; default one interval. */
  graceMs?: number;
  now?: () => Date;
  log?: (e: KeyringEvent) => void;
}

const DEFAULT_INTERVAL_MS = 5 * 60_000;

export class Keyring {
  #records: OrgKeyRecord[];
  #state: RootState = 'starting';
  #lastOk = 0;
  #lastError: string | null = null;
  #timer: NodeJS.Timeout | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #interval: number;
  readonly #grace: number;
  readonly #now: () => Date;
  readonly #log: (e: KeyringEvent) => void;

  private constructor(
    readonly file: string,
    readonly root: RootOfTrust,
    private readonly sink: KeySink,
    records: OrgKeyRecord[],
    opts: KeyringOptions,
  ) {
    this.#records = records;
    this.#interval = opts.checkIntervalMs ?? DEFAULT_INTERVAL_MS;
    this.#grace = opts.graceMs ?? this.#interval;
    this.#now = opts.now ?? (() => new Date());
    this.#log = opts.log ?? (() => {});
  }

  /**
   * Writes a new key file with one active key sealed by `root` (or the
   * identities of an existing keystore, the first one active). Refuses to
   * overwrite an existing file.
   */
  static async create(file: string, root: RootOfTrust, keys?: { alg: RecipientAlg; secret: Uint8Array }[], now = new Date()): Promise<PublicOrgKey[]> {
    if (existsSync(file)) fail('E_USAGE', `${file} already exists: the service already has org keys`);
    const made = keys ?? [generateIdentity()].map(({ identity, secret }) => ({ alg: identity.alg, secret }));
    const records: OrgKeyRecord[] = [];
    for (const [i, k] of made.entries()) records.push(await sealRecord(root, k.alg, k.secret, i === 0 ? 'active' : 'retired', now.toISOString()));
    writeAtomic(file, encodeOrgKeys(records), 0o600);
    return records.map(publicOf);
  }

  /** Reads the key file and unseals its keys into `sink`. A refusing root leaves the service up but not ready. */
  static async open(file: string, root: RootOfTrust, sink: KeySink, opts: KeyringOptions = {}): Promise<Keyring> {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return fail('E_IO', `cannot read the org key file ${file}: create it with "gitseal serve init"`);
    }
    const ring = new Keyring(file, root, sink, decodeOrgKeys(text, file), opts);
    await ring.check();
    ring.#schedule();
    return ring;
  }

  get state(): RootState {
    return this.#state;
  }

  /** Why the root was last refused or unreachable, for /readyz; never a secret. */
  get lastError(): string | null {
    return this.#lastError;
  }

  keys(): PublicOrgKey[] {
    return this.#records.map(publicOf);
  }

  keyState(kid: string): KeyState | undefined {
    return this.#records.find((r) => r.kid === kid)?.state;
  }

  /** Asks the root again (the kill switch). Resolves either way; the state says what happened. */
  check(): Promise<void> {
    return this.#serial(() => this.#reload());
  }

  /** A new active key; the old active key is retired and still decrypts. */
  rotate(alg: RecipientAlg = 'mlkem1024-x25519'): Promise<PublicOrgKey> {
    return this.#serial(async () => {
      this.#requireReady();
      const { identity, secret } = generateIdentity(alg);
      try {
        const record = await sealRecord(this.root, identity.alg, secret, 'active', this.#now().toISOString());
        const at = record.created;
        const next = this.#records.map((r) => (r.state === 'active' ? { ...r, state: 'retired' as const, changed: at } : r));
        next.push(record);
        await this.#commit(next);
        this.#log({ level: 'info', msg: 'org key rotated', kid: record.kid });
        return publicOf(record);
      } finally {
        wipe(secret);
      }
    });
  }

  /** Refuses `kid` from now on; its sealed key stays on disk. The active key cannot be revoked: rotate first. */
  revoke(kid: string): Promise<PublicOrgKey> {
    return this.#serial(() => this.#change(kid, 'revoked'));
  }

  /** Erases the sealed private half of `kid` from the key file for good. */
  destroy(kid: string): Promise<PublicOrgKey> {
    return this.#serial(() => this.#change(kid, 'destroyed'));
  }

  async close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#queue.catch(() => {});
  }

  async #change(kid: string, state: 'revoked' | 'destroyed'): Promise<PublicOrgKey> {
    const record = this.#records.find((r) => r.kid === kid) ?? fail('E_NO_KEY', `the service has no org key ${kid}`);
    if (record.state === 'active') fail('E_USAGE', `${kid} is the active key: rotate first, then ${state === 'revoked' ? 'revoke' : 'destroy'} it`);
    if (record.state === 'destroyed') fail('E_USAGE', `${kid} is already destroyed`);
    const at = this.#now().toISOString();
    const next = this.#records.map((r): OrgKeyRecord => {
      if (r.kid !== kid) return r;
      const { sealed, ...rest } = r;
      if (state === 'destroyed' && sealed) wipe(sealed);
      return state === 'destroyed' ? { ...rest, state, changed: at } : { ...r, state, changed: at };
    });
    await this.#commit(next);
    this.#log({ level: 'warn', msg: `org key ${state}`, kid });
    return publicOf(next.find((r) => r.kid === kid)!);
  }

  /** Writes the new records, then reloads the workers so they hold exactly the live keys. */
  async #commit(next: OrgKeyRecord[]): Promise<void> {
    writeAtomic(this.file, encodeOrgKeys(next), 0o600);
    this.#records = next;
    await this.#reload();
  }

  #requireReady(): void {
    if (this.#state !== 'ready') fail('E_ROOT_REVOKED', `the root of trust is not available (${this.#state}): keys cannot change now`);
  }

  async #reload(): Promise<void> {
    const live = this.#records.filter((r) => r.state === 'active' || r.state === 'retired');
    const secrets: { alg: RecipientAlg; secret: Uint8Array }[] = [];
    try {
      for (const r of live) secrets.push({ alg: r.alg, secret: await this.root.unseal(r.sealed!, sealContext(r.kid)) });
      await this.sink.setKeys(secrets);
      if (this.#state !== 'ready') this.#log({ level: 'info', msg: 'org keys unsealed', keys: live.length, root: this.root.description });
      this.#state = 'ready';
      this.#lastOk = Date.now();
      this.#lastError = null;
    } catch (e) {
      await this.#onRootError(e);
    } finally {
      for (const s of secrets) wipe(s.secret);
    }
  }

  async #onRootError(e: unknown): Promise<void> {
    const refused = isGitsealError(e, 'E_ROOT_REVOKED') || isGitsealError(e, 'E_PASSPHRASE');
    this.#lastError = isGitsealError(e) ? e.message : 'the root of trust failed';
    const overdue = Date.now() - this.#lastOk > this.#grace;
    if (refused || overdue || this.#state !== 'ready') {
      await this.sink.clearKeys();
      const next: RootState = refused ? 'root_revoked' : 'root_unavailable';
      if (this.#state !== next) this.#log({ level: 'error', msg: 'kill switch: org keys dropped from memory', reason: this.#lastError, root: this.root.description });
      this.#state = next;
    } else {
      this.#log({ level: 'warn', msg: 'root of trust unreachable; keeping the keys for the grace time', reason: this.#lastError });
    }
  }

  #schedule(): void {
    // Recover fast once the root is back, without hammering it while it is down.
    const delay = this.#state === 'ready' ? this.#interval : Math.min(this.#interval, 5_000);
    this.#timer = setTimeout(() => void this.check().finally(() => this.#timer && this.#schedule()), delay);
    this.#timer.unref();
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => {});
    return run;
  }
}

async function sealRecord(root: RootOfTrust, alg: RecipientAlg, secret: Uint8Array, state: KeyState, created: string): Promise<OrgKeyRecord> {
  const identity = identityFromSecret(alg, secret);
  return { kid: identity.kid, alg, recipient: formatRecipient(identity.recipient), state, created, sealed: await root.seal(secret, sealContext(identity.kid)) };
}

const publicOf = (r: OrgKeyRecord): PublicOrgKey => ({ kid: r.kid, alg: r.alg, recipient: r.recipient, state: r.state, created: r.created });
