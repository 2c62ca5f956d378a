/**
 * Which writers the controller trusts, and what it makes of a document's
 * signature (schemas/FORMAT.md §13, docs/ARCHITECTURE.md#the-controller).
 * Trust comes from the controller's own configuration, a trust file
 * (`--trusted-writers`, a ConfigMap in examples/deploy), never from the
 * objects it reconciles: anyone with push access can seal a document to the
 * public recipient, and only a trusted writer's signature tells the team's
 * documents from theirs.
 *
 * The file is read again when its text changes. A ConfigMap update reaches
 * a mounted volume by a symlink swap a minute or so later, which a file
 * watch does not follow; reading a few kilobytes every few seconds does.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fail, isGitsealError } from '../core/errors.js';
import { decodeTrustFile } from '../core/crypto/writer-file.js';
import type { TrustedWriter } from '../core/crypto/writer-key.js';
import type { EncryptedDocument } from '../core/format/encrypted-document.js';
import { checkSignature } from '../core/format/signature.js';
import type { Logger } from '../runtime/log.js';

export interface WriterTrust {
  /** Unsigned and untrusted documents are refused; otherwise their Secrets are written with a warning. */
  readonly required: boolean;
  readonly writers: readonly TrustedWriter[];
}

/** Where the controller's trust comes from: its current state, and word when it changes. */
export interface TrustSource {
  current(): WriterTrust;
  /** Calls `onChange` after the trust changed (the controller then looks at every object again). */
  start(onChange: () => void): void;
  stop(): void;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    return fail('E_IO', `cannot read the trust file ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** How often the trust file is read again. */
const POLL_MS = 5_000;

/** A trust file, read at once (E_IO, E_WRITER_KEY) and again whenever its text changes. */
export class TrustFile implements TrustSource {
  #text: string;
  #trust: WriterTrust;
  #timer: NodeJS.Timeout | undefined;
  /** The last reload problem logged, so a broken file is reported once, not every poll. */
  #problem: string | undefined;
  #reading = false;

  /** `requireSignatures` (--require-signatures) requires them whatever the file says. */
  constructor(
    readonly path: string,
    private readonly opts: { requireSignatures?: boolean; log: Logger; pollMs?: number },
  ) {
    this.#text = readText(path);
    this.#trust = this.#decode(this.#text);
  }

  current(): WriterTrust {
    return this.#trust;
  }

  start(onChange: () => void): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.#reload(onChange), this.opts.pollMs ?? POLL_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #decode(text: string): WriterTrust {
    const file = decodeTrustFile(text, this.path);
    return { required: file.requireSignatures || this.opts.requireSignatures === true, writers: file.writers };
  }

  async #reload(onChange: () => void): Promise<void> {
    if (this.#reading) return;
    this.#reading = true;
    try {
      const text = await readFile(this.path, 'utf8').catch((e: NodeJS.ErrnoException) => {
        this.#report(`cannot read: ${e.code ?? 'error'}`);
        return null;
      });
      if (text === null) return;
      if (text === this.#text) return void (this.#problem = undefined);
      let trust: WriterTrust;
      try {
        trust = this.#decode(text);
      } catch (e) {
        // A broken edit must not widen or drop trust: the writers trusted before stay until the file is fixed.
        return this.#report(isGitsealError(e) ? `${e.code}: ${e.message}` : `${e instanceof Error ? e.name : 'error'} (a bug)`);
      }
      this.#text = text;
      this.#trust = trust;
      this.#problem = undefined;
      this.opts.log('info', 'trust file reloaded', { path: this.path, writers: trust.writers.length, requireSignatures: trust.required });
      onChange();
    } finally {
      this.#reading = false;
    }
  }

  #report(problem: string): void {
    if (problem === this.#problem) return;
    this.#problem = problem;
    this.opts.log('error', 'trust file not reloaded: the writers trusted before stay', { path: this.path, problem: problem.slice(0, 300) });
  }
}

export type SignatureReason = 'Unsigned' | 'UntrustedWriter' | 'Tampered';

/** What a document's signature means for its Secret. */
export type WriterVerdict =
  /** Written. `writer` names a trusted writer; `warning` says why the document is written though not a trusted writer's. */
  | { readonly ok: true; readonly writer?: string; readonly warning?: { readonly reason: Exclude<SignatureReason, 'Tampered'>; readonly message: string } }
  | { readonly ok: false; readonly reason: SignatureReason; readonly message: string };

/**
 * The verdict on a document's signature under `trust`: a trusted writer's document is written and its writer
 * named (`alice (w-…)`); a signature of a trusted key that does not verify is Tampered, always; an unsigned or
 * untrusted document is refused when signatures are required and written with a warning otherwise.
 */
export function writerVerdict(doc: EncryptedDocument, trust: WriterTrust): WriterVerdict {
  const check = checkSignature(doc, trust.writers);
  switch (check.status) {
    case 'trusted':
      return { ok: true, writer: `${check.writer} (${check.kid})` };
    case 'invalid':
      return { ok: false, reason: 'Tampered', message: `the signature by ${check.kid}, a trusted writer's key, does not verify: the document or its signature was changed after it was signed` };
    case 'unsigned':
    case 'untrusted': {
      const reason = check.status === 'unsigned' ? 'Unsigned' : 'UntrustedWriter';
      const what =
        check.status === 'unsigned' ? 'the document is not signed' : `the document is signed by ${JSON.stringify(check.subject)} with ${check.kid}, a key this controller does not trust`;
      if (trust.required) return { ok: false, reason, message: `${what}, and this controller requires a trusted writer's signature; the Secret is left as it was` };
      return { ok: true, warning: { reason, message: `${what}: anyone with the public recipient can write such a document (requireSignatures refuses it)` } };
    }
  }
}
