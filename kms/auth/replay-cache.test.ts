import { describe, expect, it } from 'vitest';
import { ReplayCache } from './replay-cache.js';

describe('ReplayCache', () => {
  it('answers fresh once, then replay until the entry expires', () => {
    const c = new ReplayCache(10);
    expect(c.remember('k', 2000, 1000)).toBe('fresh');
    expect(c.remember('k', 2000, 1500)).toBe('replay');
    expect(c.remember('k', 2000, 1999)).toBe('replay');
    expect(c.remember('k', 4000, 2000)).toBe('fresh');
  });

  it('refuses new entries when full of live ones (fails closed) and takes them again once they expire', () => {
    const c = new ReplayCache(3);
    for (const k of ['a', 'b', 'c']) expect(c.remember(k, 2000, 1000)).toBe('fresh');
    expect(c.remember('d', 2000, 1000)).toBe('full');
    expect(c.remember('a', 2000, 1000)).toBe('replay');
    expect(c.size).toBe(3);
    expect(c.remember('d', 3000, 2000)).toBe('fresh');
    expect(c.size).toBe(1);
  });

  it('stays bounded by the live window over a long run', () => {
    const c = new ReplayCache(1_000_000);
    let max = 0;
    let fresh = 0;
    for (let now = 0; now < 20_000; now++) {
      if (c.remember(`n${now}`, now + 100, now) === 'fresh') fresh++;
      max = Math.max(max, c.size);
    }
    expect(fresh).toBe(20_000);
    expect(max).toBeLessThanOrEqual(101);
  });

  it('never forgets an entry before its own expiry, even after a later-inserted earlier expiry', () => {
    const c = new ReplayCache(10);
    c.remember('late', 5000, 0);
    c.remember('early', 1000, 0);
    expect(c.remember('late', 9000, 4999)).toBe('replay');
    expect(c.remember('early', 9000, 999)).toBe('replay');
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new ReplayCache(0)).toThrow(RangeError);
    expect(() => new ReplayCache(1.5)).toThrow(RangeError);
  });
});
