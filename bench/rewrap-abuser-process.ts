/**
 * The abuse of issue 15, as a process of its own so that its event loop is not the measured client's:
 *   node --import tsx bench/rewrap-abuser-process.ts URL CA_FILE SECONDS FROM_ADDRESS
 * From one source address, for SECONDS:
 * - 40 POSTs at a time, each an 8 MiB body behind a junk bearer token, sent as fast as the socket takes it;
 * - 1,000 POSTs a second with a bad token and a small body.
 * Prints one JSON line of what it sent and what came back: answers by status, and failed connections by
 * error code (a refusal closes the connection, so an 8 MiB upload ends in EPIPE or ECONNRESET).
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';

const [url, caFile, secondsArg, localAddress] = process.argv.slice(2);
if (!url || !caFile || !secondsArg || !localAddress) {
  console.error('usage: node --import tsx bench/rewrap-abuser-process.ts URL CA_FILE SECONDS FROM_ADDRESS');
  process.exit(2);
}
const BIG_PARALLEL = 40;
const BIG_BODY = 8 * 1024 * 1024;
const BAD_PER_SECOND = 1000;
const TICK_MS = 10;

const target = new URL('/v1/rewrap', url);
const ca = readFileSync(caFile);
const end = performance.now() + Number(secondsArg) * 1000;
const chunk = Buffer.alloc(64 * 1024, 0x61);
const answers: Record<string, number> = {};
const failures: Record<string, number> = {};
let bigStarted = 0;
let badStarted = 0;
let bytesSent = 0;

const tally = (into: Record<string, number>, key: string): void => {
  into[key] = (into[key] ?? 0) + 1;
};

/** One POST; resolves when it is answered or its connection fails, never rejects. */
function post(body: Buffer | number, agent: Agent | false): Promise<void> {
  return new Promise((done) => {
    const length = typeof body === 'number' ? body : body.length;
    const req = request(target, {
      method: 'POST',
      agent,
      ca,
      localAddress,
      headers: { authorization: 'Bearer not-a-token', 'content-type': 'application/json', 'content-length': length },
    });
    req.setTimeout(15_000, () => req.destroy(Object.assign(new Error('no answer'), { code: 'TIMEOUT' })));
    req.on('response', (res) => {
      tally(answers, String(res.statusCode));
      res.resume();
      res.on('end', done);
      res.on('error', done);
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      tally(failures, e.code ?? 'other');
      done();
    });
    if (typeof body !== 'number') {
      req.end(body);
      return;
    }
    let left = body;
    const pump = (): void => {
      while (left > 0 && !req.destroyed) {
        const n = Math.min(left, chunk.length);
        left -= n;
        bytesSent += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      if (left === 0) req.end();
    };
    pump();
  });
}

async function bigBodies(): Promise<void> {
  while (performance.now() < end) {
    bigStarted++;
    await post(BIG_BODY, false);
  }
}

async function badTokens(): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const small = Buffer.from('{"items":[]}');
  const pending: Promise<void>[] = [];
  const started = performance.now();
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - started) / 1000) * BAD_PER_SECOND);
    for (; badStarted < due; badStarted++) pending.push(post(small, agent));
    await new Promise((r) => setTimeout(r, TICK_MS));
  }
  await Promise.all(pending);
  agent.destroy();
}

const t0 = performance.now();
await Promise.all([...Array.from({ length: BIG_PARALLEL }, bigBodies), badTokens()]);
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ seconds, bigStarted, badStarted, mebibytesSent: bytesSent / 2 ** 20, answers, failures }));
