import { describe, expect, it } from 'vitest';
import { TraceBuilder, expectFails, expectPasses, queue, resultOf } from './trace-builder.js';

const S = 1_000_000;
const pull = () => new TraceBuilder({ queues: [queue('default'), queue('pullq', { mode: 'pull' })] });

describe('INV-OUTCOME responses (HANDLER-1/2, PUSH-6, HDR-6)', () => {
  it('passes 2xx as ok, every other status as a failure, and status 0 for attempts without one', async () => {
    const b = new TraceBuilder({ deadlineUs: 1000 }); // every attempt answers 1 ms after dispatch
    b.add(1, 0).attempt(1, 0, 200).success(1, 1000);
    b.add(2, 0).attempt(2, 0, 299).success(2, 1000);
    // Task 3 fails with 300, 404, 599, no instance, a missed deadline, a connection failure, then succeeds.
    // The builder's queue waits 0.1 s before the first retry and doubles each time (RETRY-4).
    b.add(3, 0).attempt(3, 0, 300).retry(3, 1000, 101_000);
    b.attempt(3, 101_000, 404).retry(3, 102_000, 302_000);
    b.attempt(3, 302_000, 599).retry(3, 303_000, 703_000);
    b.attempt(3, 703_000, 0, { out: 'no-instance' }).retry(3, 704_000, 1_504_000);
    b.attempt(3, 1_504_000, 0, { out: 'deadline' }).retry(3, 1_505_000, 3_105_000);
    b.attempt(3, 3_105_000, 0, { out: 'net' }).retry(3, 3_106_000, 6_306_000);
    b.attempt(3, 6_306_000, 204)
      .success(3, 6_307_000)
      .end(7 * S);
    const results = await b.check();
    expectPasses(results, 'INV-OUTCOME');
    expect(resultOf(results, 'INV-OUTCOME').checked).toBe(9);
  });

  it('fails a 302 recorded as success (PUSH-6: no redirect is followed)', async () => {
    const b = new TraceBuilder();
    b.add(1, 0).attempt(1, 0, 302, { out: 'ok' }).success(1, 1000).end(S);
    const results = await b.check();
    expectFails(results, 'INV-OUTCOME', 'PUSH-6');
    expect(resultOf(results, 'INV-OUTCOME').examples[0].actual).toBe("status 302, out 'ok'");
  });

  it('names PUSH-6 for every 3xx taken as success, HANDLER-2 for the statuses around them', async () => {
    for (const [status, rule] of [
      [300, 'PUSH-6'],
      [399, 'PUSH-6'],
      [400, 'HANDLER-2'],
    ] as const) {
      const b = new TraceBuilder();
      b.add(1, 0).attempt(1, 0, status, { out: 'ok' }).success(1, 1000).end(S);
      expectFails(await b.check(), 'INV-OUTCOME', rule);
    }
    const lowest = new TraceBuilder();
    lowest
      .add(1, 0)
      .attempt(1, 0, 100, { out: 'error' })
      .retry(1, 1000, 101_000)
      .attempt(1, 101_000, 200)
      .success(1, 102_000)
      .end(S);
    expectPasses(await lowest.check(), 'INV-OUTCOME');
  });

  it('fails a 200 recorded as a failure (HANDLER-1) and a 500 or a 199 recorded as success (HANDLER-2)', async () => {
    const ok = new TraceBuilder();
    ok.add(1, 0)
      .attempt(1, 0, 200, { out: 'error' })
      .retry(1, 1000, 101_000)
      .attempt(1, 101_000, 200)
      .success(1, 102_000)
      .end(S);
    expectFails(await ok.check(), 'INV-OUTCOME', 'HANDLER-1');
    for (const status of [500, 199]) {
      const bad = new TraceBuilder();
      bad.add(1, 0).attempt(1, 0, status, { out: 'ok' }).success(1, 1000).end(S);
      expectFails(await bad.check(), 'INV-OUTCOME', 'HANDLER-2');
    }
  });

  it("fails 'error' without an HTTP status, and a no-instance, deadline or net outcome with one (HDR-6)", async () => {
    for (const status of [0, 99, 600]) {
      const b = new TraceBuilder();
      b.add(1, 0).attempt(1, 0, status, { out: 'error' }).exhaust(1, 1000);
      // Retry-limit 0 would be simpler, but the default queue has none: exhaust is then INV-LIMITS' too.
      expectFails(await b.end(S).check(), 'INV-OUTCOME', 'HANDLER-2', ['INV-LIMITS']);
    }
    for (const out of ['no-instance', 'deadline', 'net'] as const) {
      const b = new TraceBuilder({ deadlineUs: 1000 });
      b.add(1, 0)
        .attempt(1, 0, 503, { out })
        .retry(1, 1000, 101_000)
        .attempt(1, 101_000, 200, { h: { pr: '503' } })
        .success(1, 102_000)
        .end(S);
      expectFails(await b.check(), 'INV-OUTCOME', 'HDR-6');
    }
  });
});

describe('INV-OUTCOME lease calls (PULL-2/3/6/8)', () => {
  it('passes a call handing out up to max_tasks available tasks: at their ETA, at the instant a lease ends, with the asked tag', async () => {
    const b = pull();
    b.add(1, 0, { q: 'pullq', eta: 5 * S, tag: 'a' })
      .add(2, 0, { q: 'pullq', tag: 'a' })
      .add(3, 0, { q: 'pullq', tag: 'b' });
    b.leaseCall('pullq', 5 * S, 2, 'w1', { max: 2, tag: 'a' })
      .lease(1, 5 * S, 65 * S, 1)
      .lease(2, 5 * S, 65 * S, 1);
    // PULL-2: at 65 s the lease is over, the tasks are free again.
    b.leaseCall('pullq', 65 * S, 3, 'w2', { max: 3, secs: 604_800 })
      .lease(1, 65 * S, 70 * S, 2, 'w2')
      .lease(2, 65 * S, 70 * S, 2, 'w2')
      .lease(3, 65 * S, 70 * S, 1, 'w2');
    b.leaseCall('pullq', 66 * S, 0, 'w3', { max: 1000 });
    b.del(1, 69 * S)
      .del(2, 69 * S)
      .del(3, 69 * S)
      .end(70 * S);
    const results = await b.check();
    expectPasses(results, 'INV-OUTCOME');
    expect(resultOf(results, 'INV-OUTCOME').checked).toBe(8); // 3 calls, 5 leases
  });

  it('fails a call with max_tasks 1 that hands out 2 tasks, one before its ETA (PULL-2, PULL-8)', async () => {
    const b = pull();
    b.add(1, 0, { q: 'pullq' }).add(2, 0, { q: 'pullq', eta: 10 * S });
    b.leaseCall('pullq', S, 2, 'w1', { max: 1 })
      .lease(1, S, 61 * S, 1)
      .lease(2, S, 61 * S, 1);
    b.del(1, 2 * S)
      .del(2, 2 * S)
      .end(3 * S);
    const results = await b.check();
    expectFails(results, 'INV-OUTCOME', 'PULL-2');
    expect(resultOf(results, 'INV-OUTCOME').examples.map((v) => [v.rule, v.id])).toEqual([
      ['PULL-2', undefined],
      ['PULL-2', 2],
      ['PULL-8', 2],
    ]);
  });

  it('fails a task one microsecond before its ETA or its lease end (PULL-8, PULL-3)', async () => {
    const early = pull();
    early
      .add(1, 0, { q: 'pullq', eta: 5 * S })
      .leaseCall('pullq', 5 * S - 1, 1)
      .lease(1, 5 * S - 1, 65 * S, 1)
      .del(1, 6 * S)
      .end(7 * S);
    expectFails(await early.check(), 'INV-OUTCOME', 'PULL-8');
    const held = pull();
    held
      .add(1, 0, { q: 'pullq' })
      .leaseCall('pullq', 0, 1)
      .lease(1, 0, 60 * S, 1);
    held
      .leaseCall('pullq', 60 * S - 1, 1, 'w2')
      .lease(1, 60 * S - 1, 120 * S, 2, 'w2')
      .del(1, 61 * S)
      .end(62 * S);
    expectFails(await held.check(), 'INV-OUTCOME', 'PULL-3', ['INV-LEASE']);
  });

  it('frees a task at expiry and at a release (modify to now), not while a modify extends it (PULL-4/5)', async () => {
    const b = pull();
    b.add(1, 0, { q: 'pullq' })
      .leaseCall('pullq', 0, 1)
      .lease(1, 0, 10 * S, 1)
      .modify(1, 5 * S, 5 * S);
    b.leaseCall('pullq', 5 * S, 1, 'w2')
      .lease(1, 5 * S, 20 * S, 2, 'w2')
      .modify(1, 6 * S, 30 * S)
      .expire(1, 30 * S);
    b.leaseCall('pullq', 30 * S, 1, 'w3')
      .lease(1, 30 * S, 40 * S, 3, 'w3')
      .del(1, 31 * S)
      .end(32 * S);
    expectPasses(await b.check(), 'INV-OUTCOME');
    const c = pull();
    c.add(1, 0, { q: 'pullq' })
      .leaseCall('pullq', 0, 1)
      .lease(1, 0, 10 * S, 1)
      .modify(1, 5 * S, 30 * S);
    c.leaseCall('pullq', 20 * S, 1, 'w2')
      .lease(1, 20 * S, 40 * S, 2, 'w2')
      .del(1, 21 * S)
      .end(32 * S);
    expectFails(await c.check(), 'INV-OUTCOME', 'PULL-3', ['INV-LEASE']);
  });

  it('fails a task with another tag, or none, from a call for a tag (PULL-6)', async () => {
    for (const tag of ['b', undefined]) {
      const b = pull();
      b.add(1, 0, { q: 'pullq', tag })
        .leaseCall('pullq', S, 1, 'w1', { tag: 'a' })
        .lease(1, S, 61 * S, 1)
        .del(1, 2 * S)
        .end(3 * S);
      expectFails(await b.check(), 'INV-OUTCOME', 'PULL-6');
    }
  });

  it('fails a call that says it got more, or fewer, tasks than it handed out (PULL-2)', async () => {
    const b = pull();
    b.add(1, 0, { q: 'pullq' }).add(2, 0, { q: 'pullq' });
    b.leaseCall('pullq', S, 2)
      .lease(1, S, 61 * S, 1)
      .del(1, 2 * S)
      .del(2, 2 * S)
      .end(3 * S);
    expectFails(await b.check(), 'INV-OUTCOME', 'PULL-2');
    const c = pull();
    c.add(1, 0, { q: 'pullq' }).add(2, 0, { q: 'pullq' });
    c.leaseCall('pullq', S, 1)
      .lease(1, S, 61 * S, 1)
      .lease(2, S, 61 * S, 1)
      .del(1, 2 * S)
      .del(2, 2 * S)
      .end(3 * S);
    expectFails(await c.check(), 'INV-OUTCOME', 'PULL-2');
  });

  it('fails a call accepted with arguments out of bounds, and a capped or failed call that hands out tasks (PULL-2, PULL-9)', async () => {
    for (const o of [{ max: 0 }, { max: 1001 }, { secs: 0 }, { secs: 604_801 }, { max: 1.5 }]) {
      const b = pull();
      b.leaseCall('pullq', S, 0, 'w1', o).end(2 * S);
      expectFails(await b.check(), 'INV-OUTCOME', 'PULL-2');
    }
    for (const result of ['capped', 'transient'] as const) {
      const b = pull();
      b.add(1, 0, { q: 'pullq' })
        .leaseCall('pullq', S, 1, 'w1', { result })
        .lease(1, S, 61 * S, 1)
        .del(1, 2 * S)
        .end(3 * S);
      expectFails(await b.check(), 'INV-OUTCOME', 'PULL-9');
    }
  });

  it('a call’s tasks are the leases at its instant, on its queue, by its worker: another worker’s, queue’s or instant’s are not its', async () => {
    const b = new TraceBuilder({
      queues: [queue('default'), queue('pullq', { mode: 'pull' }), queue('other', { mode: 'pull' })],
    });
    b.add(1, 0, { q: 'pullq' }).add(2, 0, { q: 'pullq' }).add(3, 0, { q: 'other' }).add(4, 0, { q: 'pullq' });
    // w1's call at 1 s got 1; then a lease by w2 at 1 s, one on 'other' by w1 at 1 s, one by w1 at 2 s: none is w1's call's.
    b.leaseCall('pullq', S, 1, 'w1', { max: 1 })
      .lease(1, S, 61 * S, 1)
      .lease(2, S, 61 * S, 1, 'w2');
    b.leaseCall('pullq', S, 0, 'w1', { max: 1 }).lease(3, S, 61 * S, 1);
    b.leaseCall('pullq', S, 0, 'w1', { max: 1 }).lease(4, 2 * S, 61 * S, 1);
    for (const id of [1, 2, 3, 4]) b.del(id, 3 * S);
    expectPasses(await b.end(4 * S).check(), 'INV-OUTCOME');
  });

  it('judges the call before the next one: a call that said it got 2 and handed out 1 fails at the next call', async () => {
    const b = pull();
    b.add(1, 0, { q: 'pullq' }).add(2, 0, { q: 'pullq' });
    b.leaseCall('pullq', S, 2)
      .lease(1, S, 61 * S, 1)
      .leaseCall('pullq', 2 * S, 1)
      .lease(2, 2 * S, 62 * S, 1);
    b.del(1, 3 * S)
      .del(2, 3 * S)
      .end(4 * S);
    const results = await b.check();
    expectFails(results, 'INV-OUTCOME', 'PULL-2');
    expect(resultOf(results, 'INV-OUTCOME').examples.map((v) => v.t)).toEqual([2 * S]);
  });

  it('an expiry frees the task even before the lease’s end (PULL-4)', async () => {
    const b = pull();
    b.add(1, 0, { q: 'pullq' })
      .leaseCall('pullq', 0, 1)
      .lease(1, 0, 60 * S, 1)
      .expire(1, 30 * S);
    b.leaseCall('pullq', 30 * S, 1, 'w2')
      .lease(1, 30 * S, 90 * S, 2, 'w2')
      .del(1, 31 * S)
      .end(32 * S);
    expectPasses(await b.check(), 'INV-OUTCOME');
  });
});
