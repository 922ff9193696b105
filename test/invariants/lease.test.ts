import { describe, expect, it } from 'vitest';
import { TraceBuilder, expectFails, expectPasses, queue, resultOf } from './trace-builder.js';

const S = 1_000_000;
const pull = (over = {}) => new TraceBuilder({ queues: [queue('default'), queue('pullq', { mode: 'pull', ...over })] });

describe('INV-LEASE', () => {
  it('passes lease, expiry, a second lease by another worker, release by modify, and delete (PULL-3/4/5/7)', async () => {
    const b = pull();
    b.add(1, 0, { q: 'pullq' }).add(2, 0, { q: 'pullq' });
    b.leaseCall('pullq', S, 2)
      .lease(1, S, 61 * S, 1)
      .lease(2, S, 61 * S, 1);
    b.expire(1, 61 * S)
      .leaseCall('pullq', 62 * S, 1, 'w2')
      .lease(1, 62 * S, 122 * S, 2, 'w2')
      .del(1, 63 * S);
    b.modify(2, 62 * S, 62 * S)
      .leaseCall('pullq', 62 * S, 1, 'w2')
      .lease(2, 62 * S, 70 * S, 2, 'w2')
      .del(2, 63 * S)
      .end(64 * S);
    expectPasses(await b.check(), 'INV-LEASE');
  });

  it('fails a lease whose count is not the number of leases so far (PULL-10)', async () => {
    const b = pull();
    b.add(1, 0, { q: 'pullq' })
      .leaseCall('pullq', S, 1)
      .lease(1, S, 61 * S, 2)
      .del(1, 2 * S)
      .end(3 * S);
    const result = resultOf(await b.check(), 'INV-LEASE');
    expect(result.examples.map((v) => [v.rule, v.expected, v.actual])).toEqual([['PULL-10', 'n=1', 'n=2']]);
  });

  it('fails two leases of the same task at once (PULL-3)', async () => {
    const b = pull();
    b.add(1, 0, { q: 'pullq' })
      .lease(1, S, 61 * S, 1)
      .lease(1, 30 * S, 90 * S, 2, 'w2')
      .del(1, 31 * S)
      .end(32 * S);
    expectFails(await b.check(), 'INV-LEASE', 'PULL-3', ['INV-OUTCOME']);
  });

  it('fails a lease while a modify extended the first one (PULL-3, PULL-5)', async () => {
    const b = pull();
    b.add(1, 0, { q: 'pullq' })
      .lease(1, 0, 10 * S, 1)
      .modify(1, 5 * S, 20 * S)
      .lease(1, 15 * S, 30 * S, 2, 'w2')
      .end(32 * S);
    expectFails(await b.check(), 'INV-LEASE', 'PULL-3', ['INV-OUTCOME']);
  });

  it('fails an 11th lease call in one second that returned tasks (PULL-9)', async () => {
    const b = pull();
    for (let i = 1; i <= 11; i++) b.add(i, 0, { q: 'pullq' });
    for (let i = 1; i <= 10; i++) b.leaseCall('pullq', S + i, 1).lease(i, S + i, 100 * S, 1);
    b.leaseCall('pullq', 2 * S - 1, 1)
      .lease(11, 2 * S - 1, 100 * S, 1)
      .end(3 * S);
    const results = await b.check();
    expectFails(results, 'INV-LEASE', 'PULL-9');
    expect(resultOf(results, 'INV-LEASE').violations).toBe(1);
  });

  it('passes an 11th call that returns nothing, and the next second starting afresh (PULL-9)', async () => {
    const b = pull();
    for (let i = 1; i <= 11; i++) b.add(i, 0, { q: 'pullq' });
    for (let i = 1; i <= 10; i++) b.leaseCall('pullq', S + i, 1).lease(i, S + i, 100 * S, 1);
    b.leaseCall('pullq', S + 20, 0)
      .leaseCall('pullq', 2 * S, 1)
      .lease(11, 2 * S, 100 * S, 1)
      .end(3 * S);
    expectPasses(await b.check(), 'INV-LEASE');
  });

  it('fails a lease past task_retry_limit on a pull queue (PULL-10)', async () => {
    const b = pull({ retry: { minBackoffUs: 0, maxBackoffUs: 0, maxDoublings: 0, taskRetryLimit: 2 } });
    b.add(1, 0, { q: 'pullq' })
      .lease(1, 0, S, 1)
      .lease(1, S, 2 * S, 2)
      .lease(1, 2 * S, 3 * S, 3)
      .del(1, 3 * S)
      .end(4 * S);
    expectFails(await b.check(), 'INV-LEASE', 'PULL-10');
  });

  it('fails a dispatch from a pull queue and a lease from a push queue (PULL-1)', async () => {
    const d = pull();
    d.add(1, 0, { q: 'pullq' }).attempt(1, 0, 200).success(1, 1000).end(S);
    expectFails(await d.check(), 'INV-LEASE', 'PULL-1');
    const l = pull();
    l.add(1, 0).lease(1, 0, S, 1).attempt(1, 0, 200).success(1, 1000).end(S);
    expectFails(await l.check(), 'INV-LEASE', 'PULL-1');
  });

  it('skips on a push-only trace', async () => {
    const b = new TraceBuilder();
    b.add(1, 0).attempt(1, 0, 200).success(1, 1000).end(S);
    const r = resultOf(await b.check(), 'INV-LEASE');
    expect(r.status).toBe('skip');
    expect(r.note).toMatch(/pull/);
  });

  /** task_retry_limit 1 and/or task_age_limit 10 s on the pull queue; leases of 1 s each. */
  const limited = (retry: { taskRetryLimit?: number; taskAgeLimitUs?: number }) =>
    pull({ retry: { minBackoffUs: 0, maxBackoffUs: 0, maxDoublings: 0, ...retry } });

  it('PULL-10 with both limits: leases go on past task_retry_limit until the age from the first lease passes task_age_limit', async () => {
    // First lease at 2 s. Lease 2 at 12 s: age exactly 10 s, still allowed; exhausted at 12.000001 s (age past 10 s).
    const ok = limited({ taskRetryLimit: 1, taskAgeLimitUs: 10 * S });
    ok.add(1, 0, { q: 'pullq' })
      .lease(1, 2 * S, 3 * S, 1)
      .expire(1, 3 * S)
      .lease(1, 12 * S, 13 * S, 2)
      .exhaust(1, 13 * S)
      .end(14 * S);
    expectPasses(await ok.check(), 'INV-LEASE');
    const late = limited({ taskRetryLimit: 1, taskAgeLimitUs: 10 * S });
    late
      .add(1, 0, { q: 'pullq' })
      .lease(1, 2 * S, 3 * S, 1)
      .expire(1, 3 * S)
      .lease(1, 12 * S + 1, 13 * S, 2)
      .del(1, 13 * S)
      .end(14 * S);
    expectFails(await late.check(), 'INV-LEASE', 'PULL-10');
  });

  it('PULL-10: fails an exhaustion before the limits are passed, passes one after', async () => {
    // Count only: task_retry_limit 2 allows 2 leases; exhausting after 1 is early.
    const early = limited({ taskRetryLimit: 2 });
    early
      .add(1, 0, { q: 'pullq' })
      .lease(1, 0, S, 1)
      .expire(1, S)
      .exhaust(1, S, 'PULL-10')
      .end(2 * S);
    expectFails(await early.check(), 'INV-LEASE', 'PULL-10');
    const due = limited({ taskRetryLimit: 1 });
    due
      .add(1, 0, { q: 'pullq' })
      .lease(1, 0, S, 1)
      .expire(1, S)
      .exhaust(1, S, 'PULL-10')
      .end(2 * S);
    expectPasses(await due.check(), 'INV-LEASE');
    // Both limits: after 1 lease (count passed) at age 1 s the age is not: too early.
    const both = limited({ taskRetryLimit: 1, taskAgeLimitUs: 10 * S });
    both
      .add(1, 0, { q: 'pullq' })
      .lease(1, 0, S, 1)
      .expire(1, S)
      .exhaust(1, S, 'PULL-10')
      .end(2 * S);
    expectFails(await both.check(), 'INV-LEASE', 'PULL-10');
    // Age only: exhausted at expiry 11 s after the first lease passes; at 10 s it does not.
    for (const [at, passes] of [
      [11 * S, true],
      [10 * S, false],
    ] as const) {
      const b = limited({ taskAgeLimitUs: 10 * S });
      b.add(1, 0, { q: 'pullq' })
        .lease(1, 0, at, 1)
        .expire(1, at)
        .exhaust(1, at, 'PULL-10')
        .end(12 * S);
      if (passes) expectPasses(await b.check(), 'INV-LEASE');
      else expectFails(await b.check(), 'INV-LEASE', 'PULL-10');
    }
    // No limit at all: never exhausted.
    const none = pull();
    none
      .add(1, 0, { q: 'pullq' })
      .lease(1, 0, S, 1)
      .expire(1, S)
      .exhaust(1, S, 'PULL-10')
      .end(2 * S);
    expectFails(await none.check(), 'INV-LEASE', 'PULL-10');
  });

  it('PULL-10 task_retry_limit 0: deleted at the first lease call without being handed out', async () => {
    const ok = limited({ taskRetryLimit: 0 });
    ok.add(1, 0, { q: 'pullq' })
      .exhaust(1, S, 'PULL-10')
      .leaseCall('pullq', S, 0)
      .end(2 * S);
    expectPasses(await ok.check(), 'INV-LEASE');
    const handed = limited({ taskRetryLimit: 0 });
    handed
      .add(1, 0, { q: 'pullq' })
      .leaseCall('pullq', S, 1)
      .lease(1, S, 2 * S, 1)
      .del(1, 2 * S)
      .end(3 * S);
    expectFails(await handed.check(), 'INV-LEASE', 'PULL-10');
  });
});
