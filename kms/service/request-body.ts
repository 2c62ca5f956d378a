/**
 * A request's body, refused as soon as it is over its limit, and its JSON.
 * A route reads it only after the caller is known (issue 15): a bearer token
 * or a client certificate is checked without it, and a signed request's
 * authenticator asks for its SHA-256, hashed as the chunks arrive.
 */
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { RewrapFault } from './rewrap-request.js';

/** An IncomingMessage as the body reader uses it. */
export type BodySource = Readable & { headers: IncomingHttpHeaders };

const bodyTimeout = (): RewrapFault => new RewrapFault('timeout', 408, 'the request body did not arrive in time');

export function readBody(req: BodySource, max: number, onChunk?: (c: Buffer) => void): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) return Promise.reject(new RewrapFault('too_large', 413, `the body is over ${max} bytes`));
  // A request whose connection went while it waited for the gate sends no more events.
  if (req.destroyed) return Promise.reject(bodyTimeout());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(new RewrapFault('too_large', 413, `the body is over ${max} bytes`));
        req.destroy();
        return;
      }
      onChunk?.(c);
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    const gone = (): void => reject(bodyTimeout());
    req.on('error', gone);
    req.on('close', gone); // after 'end' this changes nothing: a promise settles once
    req.resume(); // RequestBody pauses it until it is wanted
  });
}

/**
 * Bodies being read and handled at once, bounded twice: by count, and by the bytes they declare (a body
 * without a Content-Length counts as the largest allowed), so many small requests run side by side while
 * large ones take turns. Requests past either bound wait in arrival order (their sockets are not read
 * meanwhile); a large one at the head is not overtaken by small ones behind it.
 */
export class BodyGate {
  #slots: number;
  #bytes: number;
  readonly #waiting: Array<{ cost: number; go: () => void }> = [];
  constructor(
    slots: number,
    private readonly maxBytes = Infinity,
  ) {
    this.#slots = slots;
    this.#bytes = maxBytes;
  }

  /** Waits for a slot and `cost` bytes (at most the byte bound); returns what `leave` must give back. */
  async enter(bytes = 0): Promise<number> {
    const cost = Math.min(bytes, this.maxBytes);
    if (this.#waiting.length === 0 && this.#fits(cost)) this.#take(cost);
    else await new Promise<void>((go) => this.#waiting.push({ cost, go }));
    return cost;
  }

  leave(cost = 0): void {
    this.#slots++;
    this.#bytes += cost;
    while (this.#waiting.length > 0 && this.#fits(this.#waiting[0]!.cost)) {
      const next = this.#waiting.shift()!;
      this.#take(next.cost);
      next.go();
    }
  }

  #fits(cost: number): boolean {
    return this.#slots > 0 && this.#bytes >= cost;
  }

  #take(cost: number): void {
    this.#slots--;
    this.#bytes -= cost;
  }
}

/** One request's body, read once, on first use, through the gate; `release` gives the slot back when the request is done. */
export class RequestBody {
  #read: Promise<Buffer> | null = null;
  #digest: Uint8Array | null = null;
  /** What the gate counts for this body while it holds a place, else null. */
  #cost: number | null = null;
  constructor(
    private readonly req: BodySource,
    private readonly max: number,
    private readonly gate: BodyGate | null = null,
  ) {
    // Paused, the socket is not read past its buffer until the caller is known, and a stray 'data' listener cannot drain it.
    req.pause();
  }

  /** Throws RewrapFault too_large or timeout. */
  read(): Promise<Buffer> {
    this.#read ??= this.#start();
    return this.#read;
  }

  /** The SHA-256 of the body, hashed while it is read. */
  async sha256(): Promise<Uint8Array> {
    await this.read();
    return this.#digest!;
  }

  release(): void {
    if (this.#cost !== null) this.gate?.leave(this.#cost);
    this.#cost = null;
  }

  async #start(): Promise<Buffer> {
    if (this.gate) {
      const declared = Number(this.req.headers['content-length']);
      this.#cost = await this.gate.enter(Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, this.max) : this.max);
    }
    const hash = createHash('sha256');
    const body = await readBody(this.req, this.max, (c) => hash.update(c));
    this.#digest = hash.digest();
    return body;
  }
}

export function parseJson(body: Buffer): unknown {
  try {
    // Bodies are ASCII but for odd fields; a 7 MB batch of signed items decodes in ~5 ms as ASCII, ~28 ms as UTF-8.
    return JSON.parse(isAscii(body) ? body.toString('ascii') : body.toString('utf8'));
  } catch {
    throw new RewrapFault('bad_request', 400, 'the body is not valid JSON');
  }
}
