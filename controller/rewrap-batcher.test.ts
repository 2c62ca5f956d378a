import { describe, expect, it } from 'vitest';
import { GitsealError } from '../core/errors.js';
import type { UnwrapResult } from '../kms/client/client.js';
import type { RewrapItem } from '../kms/protocol/types.js';
import { RewrapBatcher, type Unwrapper } from './rewrap-batcher.js';

const item = (i: number): RewrapItem => ({ kid: 'k', alg: 'mlkem1024-x25519', enc: `e${i}`, dek: `d${i}`, scope: `ns/n${i}`, docId: `id${i}` }) as RewrapItem;

/** A client whose requests finish only when the test says so. */
function heldClient(): Unwrapper & { batches: string[][]; finish(i: number, fail?: boolean): void } {
  const batches: string[][] = [];
  const finishers: ((fail: boolean) => void)[] = [];
  return {
    batches,
    finish: (i, fail = false) => finishers[i]!(fail),
    unwrapSettled(items) {
      batches.push(items.map((x) => x.scope));
      return new Promise((resolve, reject) => {
        finishers.push((fail) => (fail ? reject(new GitsealError('E_SERVER', 'the service is down')) : resolve(items.map(() => ({ ok: true, dek: new Uint8Array(32) }) as unknown as UnwrapResult))));
      });
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('RewrapBatcher', () => {
  it('sends a lone item at once, and items asked for in the same turn together', async () => {
    const client = heldClient();
    const b = new RewrapBatcher(client, 2);
    const one = b.unwrap(item(0));
    await tick();
    expect(client.batches).toEqual([['ns/n0']]);
    const more = [b.unwrap(item(1)), b.unwrap(item(2))];
    await tick();
    expect(client.batches[1]).toEqual(['ns/n1', 'ns/n2']);
    client.finish(0);
    client.finish(1);
    expect((await one).ok).toBe(true);
    expect((await Promise.all(more)).every((r) => r.ok)).toBe(true);
  });

  it('gathers what comes while maxInFlight requests are busy and sends it when one finishes', async () => {
    const client = heldClient();
    const b = new RewrapBatcher(client, 1);
    const first = b.unwrap(item(0));
    await tick();
    const waiting = [1, 2, 3].map((i) => b.unwrap(item(i)));
    await tick();
    expect(client.batches).toHaveLength(1);
    client.finish(0);
    await first;
    await tick();
    await tick();
    expect(client.batches[1]).toEqual(['ns/n1', 'ns/n2', 'ns/n3']);
    client.finish(1);
    await Promise.all(waiting);
  });

  it('caps a batch at maxBatch items', async () => {
    const client = heldClient();
    const b = new RewrapBatcher(client, 4, 3);
    const all = Array.from({ length: 7 }, (_, i) => b.unwrap(item(i)));
    await tick();
    expect(client.batches.map((x) => x.length)).toEqual([3, 3, 1]);
    for (let i = 0; i < 3; i++) client.finish(i);
    await Promise.all(all);
  });

  it('a failed request answers each of its items as unavailable, never rejects, and the next batch still goes', async () => {
    const client = heldClient();
    const b = new RewrapBatcher(client, 1);
    const failed = [b.unwrap(item(0)), b.unwrap(item(1))];
    await tick();
    client.finish(0, true);
    const results = await Promise.all(failed);
    expect(results).toEqual([
      { ok: false, code: 'E_SERVER', wire: 'unavailable', message: 'the service is down' },
      { ok: false, code: 'E_SERVER', wire: 'unavailable', message: 'the service is down' },
    ]);
    const next = b.unwrap(item(2));
    await tick();
    client.finish(1);
    expect((await next).ok).toBe(true);
  });
});
