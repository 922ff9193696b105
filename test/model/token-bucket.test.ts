import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TokenBucket } from '../../src/model/token-bucket.js';
import { S } from '../helpers/engine.js';

/** Takes tokens greedily at each instant in `times`; returns how many were taken at each. */
function drain(b: TokenBucket, times: number[]): number[] {
  return times.map((t) => {
    let n = 0;
    while (b.tryTake(t)) n++;
    return n;
  });
}

describe('PUSH-2 token bucket', () => {
  it('PUSH-2 starts full: the first burst is exactly bucket_size', () => {
    const b = new TokenBucket(5, 7);
    expect(drain(b, [0])).toEqual([7]);
    expect(b.tryTake(0)).toBe(false);
  });

  it('PUSH-2 after the burst, tokens come at the rate', () => {
    const b = new TokenBucket(4, 3); // one token every 250 ms
    drain(b, [0]);
    expect(b.nextTokenAt(0)).toBe(250_000);
    expect(b.tryTake(249_999)).toBe(false);
    expect(b.tryTake(250_000)).toBe(true);
    // 10 s later the bucket holds no more than its capacity.
    expect(drain(b, [10 * S])).toEqual([3]);
    // Over a further 10 s, taking as soon as possible: 4/s → 40 tokens.
    let taken = 0;
    let t = 10 * S;
    while (t <= 20 * S) {
      if (b.tryTake(t)) taken++;
      t = b.nextTokenAt(t);
    }
    expect(taken).toBe(40);
  });

  it('PUSH-2 nextTokenAt is now when a token is there, and exact when one is not', () => {
    const b = new TokenBucket(3, 1);
    expect(b.nextTokenAt(0)).toBe(0);
    b.tryTake(0);
    expect(b.nextTokenAt(0)).toBe(333_334); // ceil(1e6 / 3)
    expect(b.tryTake(b.nextTokenAt(0))).toBe(true);
  });

  it('PUSH-2 nextTokenAt does not depend on when it is asked: a token taken at 0 at 1/s is back at 1 s', () => {
    // Asked at t, the bucket holds t µs of refill (t/1e6 tokens) and needs the rest: 1,000,000 − t µs.
    // Float division must not turn that into 1,000,001 − t (a dispatch 1 µs late, depending on the path).
    for (const t of [1, 1995, 5983, 6980, 100_000, 333_333, 999_999]) {
      const b = new TokenBucket(1, 1);
      b.tryTake(0);
      expect(b.nextTokenAt(t)).toBe(S);
    }
  });

  it('PUSH-2 / PUSH-8 rate 0 never refills: nextTokenAt is Infinity once empty', () => {
    const b = new TokenBucket(0, 2);
    expect(drain(b, [0, 1e12])).toEqual([2, 0]);
    expect(b.nextTokenAt(1e12)).toBe(Infinity);
  });

  it('PUSH-2 a rate change mid-way keeps the tokens earned so far and refills at the new rate', () => {
    const b = new TokenBucket(10, 10);
    drain(b, [0]);
    b.setRate(1, 500_000); // 5 tokens earned at 10/s by then
    expect(b.ratePerSec).toBe(1);
    expect(drain(b, [500_000])).toEqual([5]);
    expect(b.nextTokenAt(500_000)).toBe(1_500_000); // now 1/s
    expect(b.tryTake(1_499_999)).toBe(false);
    expect(b.tryTake(1_500_000)).toBe(true);
    b.setRate(100, 1_500_000);
    expect(b.nextTokenAt(1_500_000)).toBe(1_510_000);
  });

  it('PUSH-2 property: over any window, takes ≤ capacity + rate·window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 2 * S }), { minLength: 1, maxLength: 60 }),
        (rate, cap, gaps) => {
          const b = new TokenBucket(rate, cap);
          let t = 0;
          const takes: number[] = [];
          for (const g of gaps) {
            t += g;
            while (b.tryTake(t)) takes.push(t);
          }
          // Every window [takes[i], takes[j]] holds at most cap + rate·span takes; with a running
          // maximum of (rate·t_i − i) this is one pass: (j + 1 − rate·t_j) + max_i≤j (rate·t_i − i) ≤ cap.
          let best = -Infinity;
          let worst = -Infinity;
          for (let j = 0; j < takes.length; j++) {
            best = Math.max(best, (rate * takes[j]) / S - j);
            worst = Math.max(worst, j + 1 - (rate * takes[j]) / S + best);
          }
          expect(worst).toBeLessThanOrEqual(cap + 1e-6);
        },
      ),
      { numRuns: 200 },
    );
  });
});
