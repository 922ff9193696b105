import { describe, it } from 'vitest';
import type { ProfileName } from '../../src/model/config.js';
import { TraceBuilder, expectFails, expectPasses, queue } from './trace-builder.js';

const S = 1_000_000;
type Verdict = 'retry' | 'exhaust';

/**
 * One task failing with `statuses` in turn; after each failure the given verdict, and a final 200 +
 * success if the last verdict was a retry. Attempts start every `gap` (1 s) and answer 1 ms later;
 * min_backoff = max_backoff = gap − 1 ms, so RETRY-4 gives every retry that delay and its ETA is the
 * next attempt's start.
 */
function failing(statuses: number[], verdicts: Verdict[], opts: { profile?: ProfileName; limit?: number; ageS?: number; gapS?: number } = {}) {
  const gap = (opts.gapS ?? 1) * S;
  const b = new TraceBuilder({
    profile: opts.profile,
    queues: [queue('default', { retry: { minBackoffUs: gap - 1000, maxBackoffUs: gap - 1000, maxDoublings: 16, taskRetryLimit: opts.limit, taskAgeLimitUs: opts.ageS === undefined ? undefined : opts.ageS * S } })],
  });
  b.add(1, 0);
  let t = 0;
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
    expectFails(await failing(statuses.slice(0, 2), ['retry', 'exhaust'], { limit: 1, ageS: 10, gapS: 3 }), 'INV-LIMITS', 'RETRY-2');
    expectFails(await failing(statuses, ['retry', 'retry', 'retry', 'retry', 'retry'], { limit: 1, ageS: 10, gapS: 3 }), 'INV-LIMITS', 'RETRY-2');
  });

  it('does not count handler 503s under cloud-tasks options, does count them under appengine (SPEC §10)', async () => {
    // cloud-tasks: limit 2 means 2 attempts (counted failures); two 503s count nothing.
    expectPasses(await failing([503, 503, 500, 500], ['retry', 'retry', 'retry', 'exhaust'], { profile: 'cloud-tasks', limit: 2 }), 'INV-LIMITS');
    expectFails(await failing([503, 503], ['retry', 'exhaust'], { profile: 'cloud-tasks', limit: 2 }), 'INV-LIMITS', 'RETRY-1');
    // appengine: limit 1 retry, the second 503 exhausts.
    expectPasses(await failing([503, 503], ['retry', 'exhaust'], { profile: 'appengine', limit: 1 }), 'INV-LIMITS');
  });

  it('fails a success after a failing response (HANDLER-2) and a retry after a 2xx (HANDLER-1)', async () => {
    const b = new TraceBuilder();
    b.add(1, 0).attempt(1, 0, 500).success(1, 1000).end(S);
    expectFails(await b.check(), 'INV-LIMITS', 'HANDLER-2');
    const c = new TraceBuilder();
    c.add(1, 0).attempt(1, 0, 200).retry(1, 1000, 101_000).attempt(1, S, 200).success(1, S + 1000).end(2 * S);
    expectFails(await c.check(), 'INV-LIMITS', 'HANDLER-1');
  });
});
