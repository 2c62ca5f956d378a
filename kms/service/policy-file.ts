/**
 * The policy file as the service sees it: loaded once, then reloaded when it
 * changes. A bad new version keeps the last good policy in force.
 *
 * The directory is watched, not the file: editors replace the file by
 * renaming a new one over it, and Kubernetes ConfigMap volumes swap a
 * `..data` symlink, neither of which a watch on the old inode would see.
 * A light stat poll catches what watching misses (network filesystems,
 * a watcher that died).
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fail, isGitsealError } from '../../core/errors.js';
import { parsePolicy, type LoadedPolicy } from './policy.js';
import { shadowedAllows } from './policy-shadow.js';

export interface LogEvent {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  [field: string]: unknown;
}

export type ReloadResult = { ok: true; rules: number } | { ok: false; error: string };

export interface PolicyFileOptions {
  /** Stat poll period; default 2000 ms. */
  pollMs?: number;
  /** Quiet time after a watch event before reading; default 100 ms. */
  debounceMs?: number;
}

const errnoOf = (e: unknown): string => (e as NodeJS.ErrnoException | null)?.code ?? 'unknown error';

export class PolicyFile {
  private error: string | null = null;
  private errorIsRead = false;
  private statKey = '';
  private watcher: FSWatcher | null = null;
  private poller: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;
  private forceNext = false;
  private closed = false;
  private readonly listeners = new Set<(r: ReloadResult) => void>();

  private constructor(
    readonly path: string,
    private policy: LoadedPolicy,
    private lastText: string,
    private readonly log: (event: LogEvent) => void,
  ) {}

  /** Throws E_POLICY when the file cannot be read or is not a valid policy. */
  static async load(path: string, log: (event: LogEvent) => void, opts: PolicyFileOptions = {}): Promise<PolicyFile> {
    let text: string;
    let key: string;
    try {
      key = statKeyOf(await stat(path));
      text = await readFile(path, 'utf8');
    } catch (e) {
      return fail('E_POLICY', `cannot read the policy file ${path}: ${errnoOf(e)}`);
    }
    const file = new PolicyFile(path, parsePolicy(text, path), text, log);
    file.statKey = key;
    file.start(opts.pollMs ?? 2000, opts.debounceMs ?? 100);
    log({ level: 'info', msg: `policy loaded (${file.policy.rules.length} rules)`, path });
    file.warnShadowed();
    return file;
  }

  current(): LoadedPolicy {
    return this.policy;
  }

  /** Why the file on disk is not in force, or null when it is. */
  lastError(): string | null {
    return this.error;
  }

  /** Called after every reload that changed something, good or bad; returns an unsubscribe function. */
  onReload(listener: (result: ReloadResult) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    this.watcher?.close();
    if (this.poller) clearInterval(this.poller);
    if (this.debounce) clearTimeout(this.debounce);
    this.listeners.clear();
  }

  private start(pollMs: number, debounceMs: number): void {
    try {
      this.watcher = watch(dirname(this.path), { persistent: false }, () => {
        if (this.debounce) clearTimeout(this.debounce);
        this.debounce = setTimeout(() => this.trigger(true), debounceMs);
        this.debounce.unref();
      });
      this.watcher.on('error', (e) => {
        this.log({ level: 'warn', msg: `cannot watch the policy directory (${errnoOf(e)}); polling every ${pollMs} ms`, path: this.path });
        this.watcher?.close();
        this.watcher = null;
      });
    } catch (e) {
      this.log({ level: 'warn', msg: `cannot watch the policy directory (${errnoOf(e)}); polling every ${pollMs} ms`, path: this.path });
    }
    this.poller = setInterval(() => this.trigger(false), pollMs);
    this.poller.unref();
  }

  /** Runs one check at a time; a trigger during a check runs another after it. */
  private trigger(force: boolean): void {
    if (this.closed) return;
    this.forceNext ||= force;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void (async () => {
      try {
        do {
          this.again = false;
          const f = this.forceNext;
          this.forceNext = false;
          await this.check(f);
        } while (this.again && !this.closed);
      } finally {
        this.running = false;
      }
    })().catch(() => undefined); // only a throwing log or listener gets here; the next change retries
  }

  private async check(force: boolean): Promise<void> {
    let text: string;
    try {
      const key = statKeyOf(await stat(this.path));
      if (!force && key === this.statKey && !this.errorIsRead) return;
      this.statKey = key;
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      return this.failed(`cannot read the policy file: ${errnoOf(e)}`, true);
    }
    if (this.closed || (text === this.lastText && !this.errorIsRead)) return;
    this.lastText = text;
    let next: LoadedPolicy;
    try {
      next = parsePolicy(text, this.path);
    } catch (e) {
      return this.failed(isGitsealError(e) ? e.message : 'the policy could not be parsed', false);
    }
    this.policy = next;
    this.error = null;
    this.errorIsRead = false;
    this.log({ level: 'info', msg: `policy reloaded (${next.rules.length} rules)`, path: this.path });
    this.warnShadowed();
    this.emit({ ok: true, rules: next.rules.length });
  }

  /** Allow rules that deny rules take away entirely load, but are worth a warning each. */
  private warnShadowed(): void {
    for (const warning of shadowedAllows(this.policy.rules)) this.log({ level: 'warn', msg: `policy: ${warning}`, path: this.path });
  }

  private failed(error: string, isRead: boolean): void {
    if (this.closed || error === this.error) return;
    this.error = error;
    this.errorIsRead = isRead;
    this.log({ level: 'error', msg: `policy not reloaded, keeping the last good one (${this.policy.rules.length} rules): ${error}`, path: this.path });
    this.emit({ ok: false, error });
  }

  private emit(result: ReloadResult): void {
    for (const listener of this.listeners) listener(result);
  }
}

function statKeyOf(s: { ino: number; size: number; mtimeMs: number; ctimeMs: number }): string {
  return `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
}
