/**
 * The checkers' own RETRY-1/2/4 arithmetic (SPEC §9: a second implementation). Every expected value
 * is worked out by hand from SPEC's words in the comment beside it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_BACKOFF_EXPONENT, expectedBackoffUs } from '../../src/invariants/expected-backoff.js';
import { retryExpected } from '../../src/invariants/expected-retry.js';
import { readingsOf } from '../../src/invariants/readings.js';

const S = 1_000_000;
const backoff = (minS: number, maxS: number, d: number) => ({
  minBackoffUs: minS * S,
  maxBackoffUs: maxS * S,
  maxDoublings: d,
});
const delays = (b: ReturnType<typeof backoff>, count: number, step: 'double' | 'half' = 'double') =>
  Array.from({ length: count }, (_, i) => expectedBackoffUs(i + 1, b, step) / S);

describe('RETRY-4 backoff, the checkers’ reading', () => {
  it("SPEC's examples: min 10, max 300, D 3 → 10, 20, 40, 80, 160, 240, 300, 300; D 0 → 10, 20, 30", () => {
    expect(delays(backoff(10, 300, 3), 8)).toEqual([10, 20, 40, 80, 160, 240, 300, 300]);
    expect(delays(backoff(10, 300, 0), 3)).toEqual([10, 20, 30]);
  });

  it('§10 legacy step 2^(D−1)·min: D 3 → 10, 20, 40, 80, then +40 each; D 0 → +5 each', () => {
    expect(delays(backoff(10, 300, 3), 10, 'half')).toEqual([10, 20, 40, 80, 120, 160, 200, 240, 280, 300]);
    expect(delays(backoff(10, 300, 0), 4, 'half')).toEqual([10, 15, 20, 25]);
  });

  it('defaults (min 0.1 s, max 3600 s, D 16): 0.1 s doubling to 0.1·2^15 = 3276.8 s, then the cap', () => {
    const b = backoff(0.1, 3600, 16);
    expect(expectedBackoffUs(1, b, 'double')).toBe(100_000);
    expect(expectedBackoffUs(2, b, 'double')).toBe(200_000);
    expect(expectedBackoffUs(16, b, 'double')).toBe(3_276_800_000); // 0.1 s · 2^15
    expect(expectedBackoffUs(17, b, 'double')).toBe(3600 * S); // 0.1 s · 2^16 = 6553.6 s, capped
  });

  it('the exponent stops at 1023: huge D and n still give a finite delay, max when min > 0, 0 when min is 0', () => {
    expect(MAX_BACKOFF_EXPONENT).toBe(1023);
    // 2^1023 µs is finite, 2^1024 is not: with min 1 µs and max above 2^1023 µs, retry 2000 of D 5000 shows the cap.
    const huge = { minBackoffUs: 1, maxBackoffUs: Number.MAX_VALUE, maxDoublings: 5000 };
    expect(expectedBackoffUs(1024, huge, 'double')).toBe(2 ** 1023);
    expect(expectedBackoffUs(2000, huge, 'double')).toBe(2 ** 1023);
    expect(expectedBackoffUs(1e9, backoff(0.1, 3600, 1e9), 'double')).toBe(3600 * S);
    // Retry D+1 with D 1100: 0.1 s · 2^1023 overflows to Infinity and no linear step follows: max, not NaN.
    expect(expectedBackoffUs(1101, backoff(0.1, 3600, 1100), 'double')).toBe(3600 * S);
    expect(expectedBackoffUs(1e9, backoff(0.1, 3600, 1e9), 'half')).toBe(3600 * S);
    expect(expectedBackoffUs(5000, backoff(0, 3600, 4000), 'double')).toBe(0);
    expect(expectedBackoffUs(5000, backoff(0, 3600, 4000), 'half')).toBe(0);
  });

  it('the linear steps after the last doubling past the exponent cap: D 1100, n 1200 gives min·2^1023·101', () => {
    const b = { minBackoffUs: 2 ** -1023, maxBackoffUs: Number.MAX_VALUE, maxDoublings: 1100 };
    // doubled = 2^-1023 · 2^1023 = 1; 'double': 1 + 99 steps of 1 = 100; 'half': step 2^-1023 · 2^1023 = 1 too.
    expect(expectedBackoffUs(1200, b, 'double')).toBe(100);
    expect(expectedBackoffUs(1200, b, 'half')).toBe(100);
  });

  it('rounds to the nearest microsecond, the trace’s unit: min 1 µs, D 0, legacy step ½ µs → 1, 1.5 → 2, 2', () => {
    const b = { minBackoffUs: 1, maxBackoffUs: 100, maxDoublings: 0 };
    expect([1, 2, 3].map((n) => expectedBackoffUs(n, b, 'half'))).toEqual([1, 2, 2]);
  });

  it('any D and n: a finite delay between min and max (RETRY-4)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3600 * S }),
        fc.integer({ min: 0, max: 3600 * S }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.constantFrom('double' as const, 'half' as const),
        (a, c, d, n, step) => {
          const [min, max] = a <= c ? [a, c] : [c, a];
          const delay = expectedBackoffUs(n, { minBackoffUs: min, maxBackoffUs: max, maxDoublings: d }, step);
          return Number.isFinite(delay) && delay >= min && delay <= max;
        },
      ),
    );
  });
});

describe('RETRY-1/2 limits, the checkers’ reading', () => {
  const none = {};
  it('unset limits never stop a task', () => {
    expect(retryExpected(none, 'retries', 1_000_000, 1e15)).toBe(true);
  });

  it("task_retry_limit 2: 'retries' stops after the 3rd failure, 'attempts' (Cloud Tasks) after the 2nd", () => {
    const two = { taskRetryLimit: 2 };
    expect([1, 2, 3].map((f) => retryExpected(two, 'retries', f, 0))).toEqual([true, true, false]);
    expect([1, 2, 3].map((f) => retryExpected(two, 'attempts', f, 0))).toEqual([true, false, false]);
    expect(retryExpected({ taskRetryLimit: 0 }, 'retries', 1, 0)).toBe(false);
  });

  it('task_age_limit 60 s: a failure at exactly 60 s is still retried, 1 µs later it is not (RETRY-2)', () => {
    const age = { taskAgeLimitUs: 60 * S };
    expect(retryExpected(age, 'retries', 99, 60 * S - 1)).toBe(true);
    expect(retryExpected(age, 'retries', 99, 60 * S)).toBe(true);
    expect(retryExpected(age, 'retries', 99, 60 * S + 1)).toBe(false);
  });

  it('both limits: retrying goes on until both are passed', () => {
    const both = { taskRetryLimit: 1, taskAgeLimitUs: 10 * S };
    expect(retryExpected(both, 'retries', 2, 10 * S)).toBe(true); // count passed, age not
    expect(retryExpected(both, 'retries', 1, 10 * S + 1)).toBe(true); // age passed, count not
    expect(retryExpected(both, 'retries', 2, 10 * S + 1)).toBe(false); // both
  });
});

describe('the §10 readings a trace is judged under', () => {
  it("defaults by profile, SPEC's own: appengine counts retries and 5xx executions, cloud-tasks counts attempts and leaves 5xx out (CT-1, CT-5)", () => {
    expect(readingsOf({ profile: 'appengine', options: {} as never })).toEqual({
      backoffLinearStep: 'double',
      handler503Counts: true,
      retryLimitMeans: 'retries',
      ageFrom: 'first-attempt',
      deadlineCountsAsExecution: false,
      executionCountExcludes5xx: false,
      retryEtaHeader: 'retry',
    });
    const ct = readingsOf({ profile: 'cloud-tasks', options: {} as never });
    expect([ct.retryLimitMeans, ct.executionCountExcludes5xx]).toEqual(['attempts', true]);
  });

  it('takes each reading the config names, and ignores a value outside its choices', () => {
    const r = readingsOf({
      profile: 'appengine',
      options: {
        backoffLinearStep: 'half',
        retryEtaHeader: 'original',
        handler503Counts: 'no',
        ageFrom: 'creation',
      } as never,
    });
    expect([r.backoffLinearStep, r.retryEtaHeader, r.handler503Counts, r.ageFrom]).toEqual([
      'half',
      'original',
      true,
      'creation',
    ]);
    expect(
      readingsOf({ profile: 'cloud-tasks', options: { executionCounts5xx: true } as never }).executionCountExcludes5xx,
    ).toBe(false);
    expect(
      readingsOf({ profile: 'appengine', options: { executionCounts5xx: false } as never }).executionCountExcludes5xx,
    ).toBe(true);
    expect(
      readingsOf({ profile: 'appengine', options: { executionCountExcludes5xx: true } as never })
        .executionCountExcludes5xx,
    ).toBe(true);
    const more = readingsOf({
      profile: 'appengine',
      options: { retryLimitMeans: 'attempts', deadlineCountsAsExecution: true, handler503Counts: false } as never,
    });
    expect([more.retryLimitMeans, more.deadlineCountsAsExecution, more.handler503Counts]).toEqual([
      'attempts',
      true,
      false,
    ]);
    const ct = readingsOf({
      profile: 'cloud-tasks',
      options: { retryLimitMeans: 'retries', backoffLinearStep: 'triple' } as never,
    });
    expect([ct.retryLimitMeans, ct.backoffLinearStep]).toEqual(['retries', 'double']);
  });

  it('reads a config without options as the profile’s defaults', () => {
    expect(readingsOf({ profile: 'cloud-tasks', options: undefined as never }).retryLimitMeans).toBe('attempts');
  });
});
