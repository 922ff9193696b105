import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffDelay } from '../../src/model/backoff.js';
import { mayRetry, type AttemptHistory } from '../../src/model/retry-policy.js';
import { PROFILES } from '../../src/model/profiles.js';
import { S } from '../helpers/engine.js';

const secs = (min: number, max: number, d: number) => ({
  minBackoffUs: min * S,
  maxBackoffUs: max * S,
  maxDoublings: d,
});
const series = (retry: ReturnType<typeof secs>, count: number, step?: 'double' | 'half') =>
  Array.from({ length: count }, (_, i) => backoffDelay(i + 1, retry, step) / S);

/** RETRY-4 computed exactly with BigInt, independently of the implementation's floating point. */
function reference(n: number, min: number, max: number, d: number): number {
  const raw = BigInt(min) * 2n ** BigInt(Math.min(n - 1, d)) * BigInt(Math.max(1, n - d));
  return Number(raw < BigInt(max) ? raw : BigInt(max));
}

describe('RETRY-4 backoff', () => {
  it('RETRY-4 SPEC example: min 10, max 300, D 3 → 10, 20, 40, 80, 160, 240, 300, 300', () => {
    expect(series(secs(10, 300, 3), 8)).toEqual([10, 20, 40, 80, 160, 240, 300, 300]);
  });

  it('RETRY-4 SPEC example: D 0 grows linearly from the start → 10, 20, 30', () => {
    expect(series(secs(10, 300, 0), 3)).toEqual([10, 20, 30]);
    expect(series(secs(10, 300, 0), 31).at(-1)).toBe(300);
  });

  it('RETRY-4 the default step is "double" (2^D·min per linear step)', () => {
    expect(series(secs(10, 1000, 3), 7)).toEqual(series(secs(10, 1000, 3), 7, 'double'));
    expect(series(secs(10, 1000, 1), 5)).toEqual([10, 20, 40, 60, 80]);
  });

  it('RETRY-4 / SPEC §10 legacy "half" step grows by 2^(D−1)·min after the doublings', () => {
    // min 10, D 3: doubling to 80, then +40 per retry, capped at 300.
    expect(series(secs(10, 300, 3), 11, 'half')).toEqual([10, 20, 40, 80, 120, 160, 200, 240, 280, 300, 300]);
    // D 1: 10, 20, then +10 per retry (where "double" adds 20).
    expect(series(secs(10, 1000, 1), 5, 'half')).toEqual([10, 20, 30, 40, 50]);
    // The doubling phase is the same in both readings.
    expect(series(secs(10, 1000, 4), 5, 'half')).toEqual(series(secs(10, 1000, 4), 5, 'double'));
  });

  it('RETRY-3 defaults (0.1 s, 3600 s, 16 doublings): 0.1 s first, doubling until the 3600 s cap', () => {
    const d = secs(0.1, 3600, 16);
    expect(backoffDelay(1, d)).toBe(100_000);
    expect(backoffDelay(2, d)).toBe(200_000);
    expect(backoffDelay(16, d)).toBe(3276.8 * S);
    expect(backoffDelay(17, d)).toBe(3600 * S);
    expect(backoffDelay(1000, d)).toBe(3600 * S);
  });

  it('RETRY-4 the exponent is capped at 1023: min 1 µs, D 2000, retry 1025 → exactly 2^1023 µs, not Infinity', () => {
    const huge = { minBackoffUs: 1, maxBackoffUs: Number.MAX_VALUE, maxDoublings: 2000 };
    expect(backoffDelay(1024, huge)).toBe(2 ** 1023); // n−1 = 1023: the cap is not yet felt
    expect(backoffDelay(1025, huge)).toBe(2 ** 1023); // n−1 = 1024 → capped at 1023 (2^1024 would be Infinity)
    expect(backoffDelay(1023, huge)).toBe(2 ** 1022);
  });

  it('RETRY-4 min 0 with a huge D: 0 · 2^1023 is 0, never 0 · Infinity = NaN', () => {
    const zero = { minBackoffUs: 0, maxBackoffUs: 3600 * S, maxDoublings: 1_000_000 };
    for (const n of [1, 1024, 1025, 5000, 1_000_000]) expect(backoffDelay(n, zero)).toBe(0);
  });

  it('RETRY-4 default min/max with max_doublings 1e9 and retry 1e6: the delay is max (3600 s)', () => {
    expect(backoffDelay(1_000_000, { minBackoffUs: 100_000, maxBackoffUs: 3600 * S, maxDoublings: 1e9 })).toBe(
      3600 * S,
    );
    expect(backoffDelay(1_000_000, { minBackoffUs: 100_000, maxBackoffUs: 3600 * S, maxDoublings: 1e9 }, 'half')).toBe(
      3600 * S,
    );
  });

  it('RETRY-4 property: for any D and retry number the delay is finite and between min and max', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 0, max: 2_000_000_000 }),
        fc.integer({ min: 0, max: 100 * S }),
        fc.integer({ min: 0, max: 5000 * S }),
        fc.constantFrom('double' as const, 'half' as const),
        (n, d, min, extra, step) => {
          const retry = { minBackoffUs: min, maxBackoffUs: min + extra, maxDoublings: d };
          const delay = backoffDelay(n, retry, step);
          expect(Number.isFinite(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(min);
          expect(delay).toBeLessThanOrEqual(min + extra);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('RETRY-4 retry numbers start at 1', () => {
    expect(() => backoffDelay(0, secs(1, 2, 3))).toThrow(RangeError);
    expect(() => backoffDelay(Number.NaN, secs(1, 2, 3))).toThrow(RangeError);
  });

  it('RETRY-4 property: backoffDelay equals the formula for every n, min, max, D', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 4000 * S }),
        fc.integer({ min: 0, max: 4000 * S }),
        fc.integer({ min: 0, max: 30 }),
        (n, a, b, d) => {
          const [min, max] = a <= b ? [a, b] : [b, a];
          expect(backoffDelay(n, { minBackoffUs: min, maxBackoffUs: max, maxDoublings: d })).toBe(
            reference(n, min, max, d),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('RETRY-3 cap property: never above max_backoff, never below min (when min ≤ max), non-decreasing in n', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 100 * S }),
        fc.integer({ min: 0, max: 5000 * S }),
        fc.integer({ min: 0, max: 20 }),
        fc.constantFrom('double' as const, 'half' as const),
        (n, min, extra, d, step) => {
          const retry = { minBackoffUs: min, maxBackoffUs: min + extra, maxDoublings: d };
          const here = backoffDelay(n, retry, step);
          const next = backoffDelay(n + 1, retry, step);
          expect(here).toBeLessThanOrEqual(retry.maxBackoffUs);
          expect(here).toBeGreaterThanOrEqual(min);
          expect(next).toBeGreaterThanOrEqual(here);
          expect(Number.isInteger(here)).toBe(true); // virtual time is whole µs
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('RETRY-1/2/5 mayRetry', () => {
  const AE = PROFILES.appengine;
  const CT = PROFILES['cloud-tasks'];
  const hist = (countedFailures: number, firstAttemptAt = 0, createdAt = 0): AttemptHistory => ({
    countedFailures,
    createdAt,
    firstAttemptAt,
  });

  it('RETRY-1 unset limits: retries forever', () => {
    for (const opts of [AE, CT]) expect(mayRetry({}, opts, hist(1_000_000), 1e15)).toBe(true);
  });

  it('RETRY-1 appengine: task_retry_limit N means N retries (N+1 attempts)', () => {
    const retry = { taskRetryLimit: 3 };
    expect([1, 2, 3, 4].map((f) => mayRetry(retry, AE, hist(f), 0))).toEqual([true, true, true, false]);
    expect(mayRetry({ taskRetryLimit: 0 }, AE, hist(1), 0)).toBe(false);
  });

  it('RETRY-1 / SPEC §10 cloud-tasks: task_retry_limit N means N attempts', () => {
    const retry = { taskRetryLimit: 3 };
    expect([1, 2, 3].map((f) => mayRetry(retry, CT, hist(f), 0))).toEqual([true, true, false]);
  });

  it('RETRY-2 age is measured from the first attempt: a failure at an age exactly equal to the limit is still retried', () => {
    const retry = { taskAgeLimitUs: 60 * S };
    // First attempt at 100 s, limit 60 s: ages 59.999999 s and 60 s may retry; 60.000001 s may not.
    expect(mayRetry(retry, AE, hist(5, 100 * S), 160 * S - 1)).toBe(true);
    expect(mayRetry(retry, AE, hist(5, 100 * S), 160 * S)).toBe(true);
    expect(mayRetry(retry, AE, hist(5, 100 * S), 160 * S + 1)).toBe(false);
  });

  it('RETRY-2 before any attempt a task has no age (firstAttemptAt -1)', () => {
    expect(mayRetry({ taskAgeLimitUs: 1 * S }, AE, hist(0, -1), 1e12)).toBe(true);
  });

  it('RETRY-2 / SPEC §10 ageFrom creation measures from the add instead', () => {
    const retry = { taskAgeLimitUs: 60 * S };
    const h = hist(1, 100 * S, 0); // created at 0, first attempt at 100 s
    expect(mayRetry(retry, AE, h, 130 * S)).toBe(true);
    expect(mayRetry(retry, { ...AE, ageFrom: 'creation' }, h, 130 * S)).toBe(false);
  });

  it('RETRY-2 with both limits set, retrying continues until both are exceeded', () => {
    const retry = { taskRetryLimit: 2, taskAgeLimitUs: 60 * S };
    expect(mayRetry(retry, AE, hist(3, 0), 10 * S)).toBe(true); // count exceeded (3 > 2), age not
    expect(mayRetry(retry, AE, hist(1, 0), 100 * S)).toBe(true); // age exceeded, count not
    expect(mayRetry(retry, AE, hist(3, 0), 60 * S)).toBe(true); // count exceeded, age exactly at the limit
    expect(mayRetry(retry, AE, hist(2, 0), 60 * S + 1)).toBe(true); // age exceeded, count at the limit (2 retries allowed)
    expect(mayRetry(retry, AE, hist(3, 0), 60 * S + 1)).toBe(false); // both: RETRY-5
  });
});
