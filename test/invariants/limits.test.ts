import { describe, expect, it } from 'vitest';
import type { ProfileName } from '../../src/model/config.js';
import { TraceBuilder, expectFails, expectPasses, queue, resultOf } from './trace-builder.js';

const S = 1_000_000;
type Verdict = 'retry' | 'exhaust';

/**
 * One task failing with `statuses` in turn; after each failure the given verdict, and a final 200 +
 * success if the last verdict was a retry. Attempts start every `gap` (1 s) and answer 1 ms later;
 * min_backoff = max_backoff = gap − 1 ms, so RETRY-4 gives every retry that delay and its ETA is the
 * next attempt's start.
 */
function failing(
  statuses: number[],
  verdicts: Verdict[],
  opts: {
    profile?: ProfileName;
    limit?: number;
    ageS?: number;
    gapS?: number;
    addS?: number;
    firstS?: number;
    ageFrom?: 'first-attempt' | 'creation';
  } = {},
) {
  const gap = (opts.gapS ?? 1) * S;
  const b = new TraceBuilder({
    profile: opts.profile,
    options: opts.ageFrom === undefined ? undefined : { ageFrom: opts.ageFrom },
    queues: [
      queue('default', {
        retry: {
          minBackoffUs: gap - 1000,
          maxBackoffUs: gap - 1000,
          maxDoublings: 16,
          taskRetryLimit: opts.limit,
          taskAgeLimitUs: opts.ageS === undefined ? undefined : opts.ageS * S,
        },
      }),
    ],
  });
  b.add(1, (opts.addS ?? 0) * S);
  let t = (opts.firstS ?? 0) * S;
  statuses.forEach((status, i) => {
    b.attempt(1, t, status, { out: status === 0 ? 'no-instance' : undefined });
    const verdict = verdicts[i];
    if (verdict === 'retry') b.retry(1, t + 1000, t + gap);
    else b.exhaust(1, t + 1000);
    t += gap;
  });
  if (verdicts.at(-1) === 'retry') b.attempt(1, t, 200).success(1, t + 1000);
  return b.end(t + 2 * S).check();
}

describe('INV-LIMITS', () => {
  it('passes N retries then exhaust with task_retry_limit N (RETRY-1, RETRY-5)', async () => {
    expectPasses(await failing([500, 500, 500], ['retry', 'retry', 'exhaust'], { limit: 2 }), 'INV-LIMITS');
  });

  it('fails a retry after the limit (RETRY-1)', async () => {
    expectFails(await failing([500, 500, 500], ['retry', 'retry', 'retry'], { limit: 2 }), 'INV-LIMITS', 'RETRY-1');
  });

  it('fails an exhaust one attempt too early (RETRY-1)', async () => {
    expectFails(await failing([500, 500], ['retry', 'exhaust'], { limit: 2 }), 'INV-LIMITS', 'RETRY-1');
  });

  it('fails an exhaust with no limit set (RETRY-1: unset means unlimited)', async () => {
    expectFails(await failing([500, 500], ['retry', 'exhaust']), 'INV-LIMITS', 'RETRY-1');
  });

  it('counts no-instance failures against the limit', async () => {
    expectPasses(await failing([0, 0], ['retry', 'exhaust'], { limit: 1 }), 'INV-LIMITS');
  });

  it('keeps retrying until both limits are reached (RETRY-2)', async () => {
    // limit 1 retry, age 10 s, a failure every 3 s: the count is reached at the 2nd failure (t=3 s),
    // the age at the 5th (t=12 s ≥ 10 s), so the task must retry until then.
    const verdicts: Verdict[] = ['retry', 'retry', 'retry', 'retry', 'exhaust'];
    const statuses = [500, 500, 500, 500, 500];
    expectPasses(await failing(statuses, verdicts, { limit: 1, ageS: 10, gapS: 3 }), 'INV-LIMITS');
    expectFails(
      await failing(statuses.slice(0, 2), ['retry', 'exhaust'], { limit: 1, ageS: 10, gapS: 3 }),
      'INV-LIMITS',
      'RETRY-2',
    );
    expectFails(
      await failing(statuses, ['retry', 'retry', 'retry', 'retry', 'retry'], { limit: 1, ageS: 10, gapS: 3 }),
      'INV-LIMITS',
      'RETRY-2',
    );
  });

  it('measures the age from the first attempt, or from creation under age-from=creation (RETRY-2, SPEC §10)', async () => {
    // Added at 2 s, first attempt at 5 s, a failure every 3 s answered 1 ms later; limit 1 retry, age 10 s.
    // The count is reached at the 2nd failure. From the first attempt the ages are 0.001, 3.001, 6.001,
    // 9.001, 12.001 s: the 5th failure is the first past 10 s. From creation they are 3.001, 6.001,
    // 9.001, 12.001 s: the 4th is (and from time 0 it would have been the 3rd, at 11.001 s).
    const five: Verdict[] = ['retry', 'retry', 'retry', 'retry', 'exhaust'];
    const four: Verdict[] = ['retry', 'retry', 'retry', 'exhaust'];
    const three: Verdict[] = ['retry', 'retry', 'exhaust'];
    const at = (ageFrom: 'first-attempt' | 'creation', verdicts: Verdict[]) =>
      failing(
        verdicts.map(() => 500),
        verdicts,
        { limit: 1, ageS: 10, gapS: 3, addS: 2, firstS: 5, ageFrom },
      );
    expectPasses(await at('first-attempt', five), 'INV-LIMITS');
    expectFails(await at('first-attempt', four), 'INV-LIMITS', 'RETRY-2');
    expectPasses(await at('creation', four), 'INV-LIMITS');
    expectFails(await at('creation', three), 'INV-LIMITS', 'RETRY-2');
    expectFails(await at('creation', five), 'INV-LIMITS', 'RETRY-2');
  });

  it('does not count handler 503s under cloud-tasks options, does count them under appengine (SPEC §10)', async () => {
    // cloud-tasks: limit 2 means 2 attempts (counted failures); two 503s count nothing.
    expectPasses(
      await failing([503, 503, 500, 500], ['retry', 'retry', 'retry', 'exhaust'], { profile: 'cloud-tasks', limit: 2 }),
      'INV-LIMITS',
    );
    expectFails(
      await failing([503, 503], ['retry', 'exhaust'], { profile: 'cloud-tasks', limit: 2 }),
      'INV-LIMITS',
      'RETRY-1',
    );
    // appengine: limit 1 retry, the second 503 exhausts.
    expectPasses(await failing([503, 503], ['retry', 'exhaust'], { profile: 'appengine', limit: 1 }), 'INV-LIMITS');
  });

  it('fails a success after a failing response (HANDLER-2) and a retry after a 2xx (HANDLER-1)', async () => {
    const b = new TraceBuilder();
    b.add(1, 0).attempt(1, 0, 500).success(1, 1000).end(S);
    expectFails(await b.check(), 'INV-LIMITS', 'HANDLER-2');
    const c = new TraceBuilder();
    c.add(1, 0)
      .attempt(1, 0, 200)
      .retry(1, 1000, 101_000)
      .attempt(1, S, 200)
      .success(1, S + 1000)
      .end(2 * S);
    expectFails(await c.check(), 'INV-LIMITS', 'HANDLER-1');
  });

  /**
   * task_age_limit 10 s, min_backoff = max_backoff = 4.999 s. Attempt 1 at 0 s answers 500 at 1 ms;
   * retry 1 is due at 5 s; attempt 2, dispatched then, answers 500 after `lat2`. With lat2 = 5 s it
   * answers at exactly 10 s: an age equal to the limit, so RETRY-2 still retries (due 14.999 s), and
   * attempt 3 answers at 15 s, age 15 s > 10 s: exhausted. With lat2 = 5 s + 1 µs, attempt 2 ends it.
   */
  function ageBoundary(lat2: number, verdict2: Verdict, opts: { limit?: number } = {}) {
    const b = new TraceBuilder({
      queues: [
        queue('default', {
          retry: {
            minBackoffUs: 4_999_000,
            maxBackoffUs: 4_999_000,
            maxDoublings: 16,
            taskAgeLimitUs: 10 * S,
            taskRetryLimit: opts.limit,
          },
        }),
      ],
    });
    b.add(1, 0)
      .attempt(1, 0, 500)
      .retry(1, 1000, 5 * S);
    const r2 = 5 * S + lat2;
    b.attempt(1, 5 * S, 500, { lat: lat2 });
    if (verdict2 === 'exhaust')
      return b
        .exhaust(1, r2)
        .end(r2 + S)
        .check();
    b.retry(1, r2, r2 + 4_999_000)
      .attempt(1, r2 + 4_999_000, 500)
      .exhaust(1, r2 + 5 * S);
    return b.end(r2 + 6 * S).check();
  }

  it('retries a failure at an age exactly equal to task_age_limit, exhausts one a microsecond older (RETRY-2)', async () => {
    expectPasses(await ageBoundary(5 * S, 'retry'), 'INV-LIMITS');
    expectPasses(await ageBoundary(5 * S + 1, 'exhaust'), 'INV-LIMITS');
  });

  it('fails an exhaustion one retry early at the age boundary, and a retry a microsecond past it (RETRY-2)', async () => {
    const early = await ageBoundary(5 * S, 'exhaust');
    expectFails(early, 'INV-LIMITS', 'RETRY-2');
    expect(resultOf(early, 'INV-LIMITS').examples[0].expected).toBe(
      'retry (counted failures 2, task_retry_limit unset; age 10000000µs, task_age_limit 10000000µs)',
    );
    expectFails(await ageBoundary(5 * S + 1, 'retry'), 'INV-LIMITS', 'RETRY-2');
  });

  it('with both limits, the count passed early does not stop retries before the age is passed too (RETRY-2)', async () => {
    // task_retry_limit 0: the count is passed at the first failure; the age only after 10 s.
    expectPasses(await ageBoundary(5 * S, 'retry', { limit: 0 }), 'INV-LIMITS');
    expectFails(await ageBoundary(5 * S, 'exhaust', { limit: 0 }), 'INV-LIMITS', 'RETRY-2');
    // task_retry_limit 5: the age is passed at 10.000001 s, but the count (2 of 6 attempts) is not.
    expectFails(await ageBoundary(5 * S + 1, 'exhaust', { limit: 5 }), 'INV-LIMITS', 'RETRY-2');
  });

  it('measures age from creation under that §10 reading', async () => {
    // Added at 0, first attempt at 5 s (its ETA), task_age_limit 5 s, constant 1 s backoff: the first
    // failure (at 5.001 s) is 1 ms past the limit counted from creation, but 1 ms old from the first attempt.
    const run = (ageFrom: 'creation' | 'first-attempt', verdict: Verdict) => {
      const b = new TraceBuilder({
        options: { ageFrom },
        queues: [
          queue('default', { retry: { minBackoffUs: S, maxBackoffUs: S, maxDoublings: 0, taskAgeLimitUs: 5 * S } }),
        ],
      });
      b.add(1, 0, { eta: 5 * S }).attempt(1, 5 * S, 500);
      if (verdict === 'exhaust')
        return b
          .exhaust(1, 5_001_000)
          .end(7 * S)
          .check();
      return b
        .retry(1, 5_001_000, 6_001_000)
        .attempt(1, 6_001_000, 200)
        .success(1, 6_002_000)
        .end(7 * S)
        .check();
    };
    expectPasses(await run('creation', 'exhaust'), 'INV-LIMITS');
    expectPasses(await run('first-attempt', 'retry'), 'INV-LIMITS');
    expectFails(await run('first-attempt', 'exhaust'), 'INV-LIMITS', 'RETRY-2');
  });
});
