import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BodyGate, parseJson, readBody, type BodySource } from './request-body.js';
import { RewrapFault } from './rewrap-request.js';

const bodyOf = (chunks: string[], headers: IncomingHttpHeaders = {}): BodySource => Object.assign(Readable.from(chunks.map((c) => Buffer.from(c))), { headers });

const faultOf = async (p: Promise<unknown>): Promise<Pick<RewrapFault, 'code' | 'status' | 'message'>> => {
  const e: unknown = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof RewrapFault)) throw new Error('expected a RewrapFault');
  return { code: e.code, status: e.status, message: e.message };
};

describe('request body', () => {
  it('reads the whole body, in one or many chunks', async () => {
    expect((await readBody(bodyOf(['{"a":1}']), 100)).toString()).toBe('{"a":1}');
    expect((await readBody(bodyOf(['{"a"', ':', '1}']), 7)).toString()).toBe('{"a":1}');
    expect((await readBody(bodyOf([]), 100)).length).toBe(0);
  });

  it('refuses a declared length over the limit without reading', async () => {
    const source = bodyOf(['x'], { 'content-length': '101' });
    expect(await faultOf(readBody(source, 100))).toEqual({ code: 'too_large', status: 413, message: 'the body is over 100 bytes' });
    expect(source.readableFlowing).toBeNull();
  });

  it('stops reading and drops the stream once the body passes the limit', async () => {
    const source = bodyOf(['12345', '67890', 'more']);
    expect(await faultOf(readBody(source, 8))).toEqual({ code: 'too_large', status: 413, message: 'the body is over 8 bytes' });
    expect(source.destroyed).toBe(true);
  });

  it('calls a broken body a timeout', async () => {
    const source = Object.assign(new PassThrough(), { headers: {} });
    const read = readBody(source, 100);
    source.destroy(new Error('aborted'));
    expect(await faultOf(read)).toEqual({ code: 'timeout', status: 408, message: 'the request body did not arrive in time' });
  });

  it('calls a body whose connection went before it was read a timeout, at once (it waited for the gate)', async () => {
    const gone = Object.assign(new PassThrough(), { headers: {} });
    gone.destroy();
    expect(await faultOf(readBody(gone, 100))).toMatchObject({ code: 'timeout' });
    const closing = Object.assign(new PassThrough(), { headers: {} });
    const read = readBody(closing, 100);
    closing.write('{"a"');
    closing.destroy();
    expect(await faultOf(read)).toMatchObject({ code: 'timeout' });
  });

  it('parses JSON, and refuses what is not JSON without echoing it', () => {
    expect(parseJson(Buffer.from('{"items":[]}'))).toEqual({ items: [] });
    expect(parseJson(Buffer.from('{"subject":"dév:ålice ✓"}'))).toEqual({ subject: 'dév:ålice ✓' });
    const refused = (() => {
      try {
        parseJson(Buffer.from('{"token":"secret"'));
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(refused).toBeInstanceOf(RewrapFault);
    expect(refused).toMatchObject({ code: 'bad_request', status: 400, message: 'the body is not valid JSON' });
  });
});

describe('body gate', () => {
  const settled = async (p: Promise<unknown>): Promise<boolean> => {
    let done = false;
    void p.then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    return done;
  };

  it('bounds the bytes in flight: a body waits until the bytes it declares are free, in arrival order', async () => {
    const gate = new BodyGate(10, 100);
    expect(await gate.enter(60)).toBe(60);
    const big = gate.enter(60);
    const small = gate.enter(1);
    expect(await settled(big)).toBe(false);
    expect(await settled(small)).toBe(false); // not ahead of the large one that came first
    gate.leave(60);
    expect(await big).toBe(60);
    expect(await small).toBe(1);
  });

  it('bounds the count too, and counts a body larger than the byte bound as the bound (it would never fit)', async () => {
    const gate = new BodyGate(2, 100);
    expect(await gate.enter(1_000)).toBe(100);
    const next = gate.enter(1);
    expect(await settled(next)).toBe(false);
    gate.leave(100);
    await next;
    await gate.enter(0);
    const third = gate.enter(0); // two in flight: no slot left, although no byte is needed
    expect(await settled(third)).toBe(false);
    gate.leave(0);
    expect(await settled(third)).toBe(true);
  });
});
