/** Pull queues through the engine: PULL-1…10. */
import { describe, expect, it } from 'vitest';
import {
  LEASE_CALLS_PER_SECOND,
  MAX_LEASE_SECONDS,
  MAX_LEASE_TASKS,
  checkLeaseArgs,
} from '../../src/model/pull-queue.js';
import type { LeaseRequest, LeaseResult, LeasedTask } from '../../src/model/types.js';
import type { Engine } from '../../src/model/engine.js';
import {
  S,
  expectInvariantsHold,
  makeEngine,
  pullQueue,
  pushQueue,
  runToEnd,
  type TestEngine,
  refusal,
} from '../helpers/engine.js';

function lease(e: Engine, req: Partial<LeaseRequest> = {}, q = 'p'): LeasedTask[] {
  const r = e.leaseTasks(q, { worker: 'w', leaseSeconds: 10, maxTasks: 100, ...req });
  if (!r.ok) throw new Error(`lease failed: ${r.error}`);
  return r.tasks;
}

/** Runs `fn` at virtual time `t` right away (the engine clock moves there first). */
function at<T>(te: TestEngine, t: number, fn: (e: Engine) => T): T {
  let out: T | undefined;
  te.engine.at(t, (e) => {
    out = fn(e);
  });
  te.engine.run({ untilUs: t });
  return out as T;
}

const pull = (retry = {}, pullOpts = {}) =>
  makeEngine({ queues: [pushQueue('q'), pullQueue('p', retry)], pull: pullOpts });

describe('PULL-1 / PULL-2 basics', () => {
  it('PULL-1 a pull queue dispatches nothing; leasing from a push queue is an error', async () => {
    const te = pull();
    te.engine.addTasks('p', [{}, {}]);
    te.engine.addTasks('q', [{}]);
    const e = refusal(() => te.engine.leaseTasks('q', { worker: 'w', leaseSeconds: 10, maxTasks: 1 }));
    expect([e.rule, e.code]).toEqual(['PULL-1', 'WRONG_MODE']);
    expect(refusal(() => te.engine.modifyLease('q', 'auto-3', 0, 1)).rule).toBe('PULL-1');
    expect(refusal(() => te.engine.leaseTasks('nope', { worker: 'w', leaseSeconds: 10, maxTasks: 1 })).code).toBe(
      'UNKNOWN_QUEUE',
    );
    await runToEnd(te);
    expect(te.of('dispatch').map((d) => d.q)).toEqual(['q']);
    expect(te.engine.liveCount('p')).toBe(2);
  });

  it('PULL-2 max_tasks ≤ 1000 and lease_seconds ≤ 604800 (one week), both > 0', () => {
    expect([MAX_LEASE_TASKS, MAX_LEASE_SECONDS]).toEqual([1000, 604_800]);
    const te = pull();
    te.engine.addTasks('p', [{}]);
    expect(te.engine.leaseTasks('p', { worker: 'w', leaseSeconds: 604_800, maxTasks: 1000 }).ok).toBe(true);
    for (const [leaseSeconds, maxTasks] of [
      [604_801, 1],
      [0, 1],
      [-1, 1],
      [Number.NaN, 1],
      [10, 1001],
      [10, 0],
      [10, 1.5],
    ]) {
      const e = refusal(() => te.engine.leaseTasks('p', { worker: 'w', leaseSeconds, maxTasks }));
      expect(e.rule).toBe('PULL-2');
    }
    expect(() => checkLeaseArgs(0, 1, true)).not.toThrow(); // modify may release with 0
  });

  it('PULL-2 a lease returns at most max_tasks, oldest (earliest ETA) first, with payload, tag and size', () => {
    const te = pull();
    te.engine.addTasks('p', [
      { name: 'c', countdownUs: 3 },
      { name: 'a', countdownUs: 1, payload: 'xyz', tag: 't' },
      { name: 'b', countdownUs: 2 },
    ]);
    const got = at(te, 10, (e) => lease(e, { maxTasks: 2 }));
    expect(got.map((t) => t.name)).toEqual(['a', 'b']);
    expect(got[0]).toMatchObject({ tag: 't', size: 3, leaseUntilUs: 10 + 10 * S, leaseCount: 1 });
    expect(Buffer.from(got[0].payload!).toString()).toBe('xyz');
  });

  it('PULL-2 / PUSH-4 a pull task is not leasable before its ETA', () => {
    const te = pull();
    te.engine.addTasks('p', [{ countdownUs: 5 * S }]);
    expect(at(te, 5 * S - 1, (e) => lease(e))).toHaveLength(0);
    expect(at(te, 5 * S, (e) => lease(e))).toHaveLength(1);
  });
});

describe('PULL-3 / PULL-4 exclusivity and expiry', () => {
  it('PULL-3 a leased task is invisible to every other lease until it expires; PULL-4 then any worker may take it', async () => {
    const te = pull();
    te.engine.addTasks('p', [{ name: 'a' }, { name: 'b' }]);
    expect(at(te, 0, (e) => lease(e, { worker: 'w1', leaseSeconds: 10 })).map((t) => t.name)).toEqual(['a', 'b']);
    expect(at(te, 5 * S, (e) => lease(e, { worker: 'w2' }))).toHaveLength(0);
    expect(at(te, 10 * S - 1, (e) => lease(e, { worker: 'w2' }))).toHaveLength(0);
    const again = at(te, 10 * S + 1, (e) => lease(e, { worker: 'w2' }));
    expect(again.map((t) => [t.name, t.leaseCount])).toEqual([
      ['a', 2],
      ['b', 2],
    ]);
    expect(te.of('expire').map((x) => x.t)).toEqual([10 * S, 10 * S]);
    expect(te.of('lease').map((l) => l.w)).toEqual(['w1', 'w1', 'w2', 'w2']);
    await runToEnd(te);
    await expectInvariantsHold(te.events);
  });
});

describe('PULL-5 modify_task_lease', () => {
  it('PULL-5 a new lease is measured from now; the old expiry no longer fires', async () => {
    const te = pull();
    te.engine.addTasks('p', [{ name: 'a' }]);
    const [t] = at(te, 0, (e) => lease(e, { leaseSeconds: 10 }));
    const until = at(te, 8 * S, (e) => e.modifyLease('p', 'a', t.leaseUntilUs, 20));
    expect(until).toBe(28 * S);
    expect(at(te, 15 * S, (e) => lease(e, { worker: 'other' }))).toHaveLength(0);
    expect(at(te, 28 * S, (e) => lease(e, { worker: 'other' }))).toHaveLength(1);
    expect(te.of('expire').map((x) => x.t)).toEqual([28 * S]);
    expect(te.of('modify')).toMatchObject([{ t: 8 * S, until: 28 * S }]);
    await runToEnd(te);
    await expectInvariantsHold(te.events);
  });

  it('PULL-5 a modified lease is still held: the holder may modify it again, another worker gets nothing', async () => {
    const te = pull();
    te.engine.addTasks('p', [{ name: 'a' }]);
    const [t] = at(te, 0, (e) => lease(e, { leaseSeconds: 10 }));
    const first = at(te, 2 * S, (e) => e.modifyLease('p', 'a', t.leaseUntilUs, 10));
    expect(first).toBe(12 * S);
    expect(at(te, 3 * S, (e) => lease(e, { worker: 'other' }))).toHaveLength(0);
    expect(at(te, 4 * S, (e) => e.modifyLease('p', 'a', first, 30))).toBe(34 * S);
    await runToEnd(te);
    await expectInvariantsHold(te.events);
  });

  it('PULL-5 0 seconds releases at once: another worker can lease it in the same instant', async () => {
    const te = pull();
    te.engine.addTasks('p', [{ name: 'a' }]);
    const [t] = at(te, 0, (e) => lease(e, { leaseSeconds: 60 }));
    const got = at(te, 2 * S, (e) => {
      e.modifyLease('p', 'a', t.leaseUntilUs, 0);
      return lease(e, { worker: 'w2' });
    });
    expect(got.map((x) => x.name)).toEqual(['a']);
    await runToEnd(te);
    await expectInvariantsHold(te.events);
  });

  it('PULL-5 modifying a lease that already expired is an error', () => {
    const te = pull();
    te.engine.addTasks('p', [{ name: 'a' }, { name: 'never' }]);
    const [t] = at(te, 0, (e) => lease(e, { leaseSeconds: 10, maxTasks: 1 }));
    const e1 = at(te, 10 * S, (e) => refusal(() => e.modifyLease('p', 'a', t.leaseUntilUs, 5)));
    expect([e1.rule, e1.code]).toEqual(['PULL-5', 'LEASE_EXPIRED']);
    const e2 = refusal(() => te.engine.modifyLease('p', 'never', 0, 5)); // never leased
    expect(e2.rule).toBe('PULL-5');
    const [held] = at(te, 11 * S, (e) => lease(e, { maxTasks: 1 }));
    const e3 = refusal(() => te.engine.modifyLease('p', held.name, held.leaseUntilUs, 604_801)); // PULL-2 bound
    expect(e3.rule).toBe('PULL-2');
    expect(te.engine.modifyLease('p', held.name, held.leaseUntilUs, 604_800)).toBe(11 * S + 604_800 * S);
  });

  it('PULL-3 / PULL-5 a wrong lease token is an error: the old holder cannot touch the new holder’s lease', () => {
    const te = pull();
    te.engine.addTasks('p', [{ name: 'a' }]);
    const [first] = at(te, 0, (e) => lease(e, { worker: 'w1', leaseSeconds: 10 }));
    const [second] = at(te, 11 * S, (e) => lease(e, { worker: 'w2', leaseSeconds: 10 }));
    const err = at(te, 12 * S, (e) => refusal(() => e.modifyLease('p', 'a', first.leaseUntilUs, 100)));
    expect([err.rule, err.code]).toEqual(['PULL-3', 'LEASE_MISMATCH']);
    expect(at(te, 12 * S, (e) => e.modifyLease('p', 'a', second.leaseUntilUs, 100))).toBe(112 * S);
  });
});

describe('PULL-6 tags', () => {
  const setup = () => {
    const te = pull();
    te.engine.addTasks('p', [
      { name: 'u1', countdownUs: 1 },
      { name: 'eu1', tag: 'eu', countdownUs: 2 },
      { name: 'us1', tag: 'us', countdownUs: 3 },
      { name: 'eu2', tag: 'eu', countdownUs: 4 },
      { name: 'u2', countdownUs: 5 },
    ]);
    return te;
  };

  it('PULL-6 lease_tasks_by_tag with a tag leases only tasks with that tag', () => {
    const te = setup();
    expect(at(te, 10, (e) => lease(e, { tag: 'eu' })).map((t) => t.name)).toEqual(['eu1', 'eu2']);
    expect(at(te, 10, (e) => lease(e, { tag: 'none' }))).toEqual([]);
    expect(te.of('lease-call').map((c) => c.tag)).toEqual(['eu', 'none']);
  });

  it('PULL-6 with no tag given, the oldest available task’s tag is used — untagged counts as a tag', () => {
    const te = setup();
    expect(at(te, 10, (e) => lease(e, { byTag: true })).map((t) => t.name)).toEqual(['u1', 'u2']);
    expect(at(te, 10, (e) => lease(e, { byTag: true })).map((t) => t.name)).toEqual(['eu1', 'eu2']);
    expect(at(te, 10, (e) => lease(e, { byTag: true })).map((t) => t.name)).toEqual(['us1']);
    expect(at(te, 10, (e) => lease(e, { byTag: true }))).toEqual([]);
  });

  it('PULL-6 a plain lease ignores tags', () => {
    const te = setup();
    expect(at(te, 10, (e) => lease(e)).map((t) => t.name)).toEqual(['u1', 'eu1', 'us1', 'eu2', 'u2']);
  });
});

describe('PULL-7 / PULL-8', () => {
  it('PULL-7 a deleted task is never leased again, not even after its lease would have expired', async () => {
    const te = pull();
    te.engine.addTasks('p', [{ name: 'a' }, { name: 'b' }]);
    at(te, 0, (e) => {
      lease(e, { leaseSeconds: 5 });
      e.deleteTask('p', 'a');
    });
    const later = at(te, 6 * S, (e) => lease(e));
    expect(later.map((t) => t.name)).toEqual(['b']);
    expect(te.of('expire').map((x) => x.id)).toEqual([2]);
    expect(refusal(() => te.engine.modifyLease('p', 'a', 5 * S, 1)).code).toBe('NOT_FOUND');
    await runToEnd(te);
    await expectInvariantsHold(te.events);
  });

  it('PULL-8 a task just added becomes leasable only after the visibility delay', () => {
    const te = pull({}, { visibilityDelayUs: 200_000 });
    at(te, S, (e) => e.addTasks('p', [{ name: 'fresh' }]));
    expect(at(te, S + 199_999, (e) => lease(e))).toEqual([]);
    expect(at(te, S + 200_000, (e) => lease(e)).map((t) => t.name)).toEqual(['fresh']);
  });
});

describe('PULL-9 lease-call cap and transient errors', () => {
  it('PULL-9 past the tenth call in a second the answer is OK with zero tasks; the next second works again', () => {
    expect(LEASE_CALLS_PER_SECOND).toBe(10);
    const te = pull();
    te.engine.addTasks(
      'p',
      Array.from({ length: 30 }, () => ({})),
    );
    const results = at(te, 3 * S + 100, (e) =>
      Array.from({ length: 12 }, () => e.leaseTasks('p', { worker: 'w', leaseSeconds: 60, maxTasks: 1 })),
    );
    expect(results.slice(0, 10).every((r) => r.ok && r.tasks.length === 1 && !r.capped)).toBe(true);
    for (const r of results.slice(10)) expect(r).toEqual({ ok: true, tasks: [], capped: true });
    expect(
      te
        .of('lease-call')
        .slice(10)
        .map((c) => c.result),
    ).toEqual(['capped', 'capped']);
    // Still in the same second, 0.8 s later: capped. In the next second: tasks again.
    const same = at(te, 3 * S + 900_000, (e) => e.leaseTasks('p', { worker: 'w', leaseSeconds: 60, maxTasks: 1 }));
    expect(same).toMatchObject({ ok: true, capped: true });
    const next = at(te, 4 * S, (e) => e.leaseTasks('p', { worker: 'w', leaseSeconds: 60, maxTasks: 1 }));
    expect(next.ok && next.tasks.length).toBe(1);
  });

  it('PULL-9 transient errors come at the seeded rate, the same for the same seed', () => {
    const calls = (seed: number): LeaseResult[] => {
      const te = makeEngine({ seed, queues: [pullQueue('p')], pull: { transientErrorRate: 0.3 } });
      te.engine.addTasks(
        'p',
        Array.from({ length: 50 }, () => ({})),
      );
      const out: LeaseResult[] = [];
      for (let i = 0; i < 300; i++)
        at(te, i * 200_000, (e) => out.push(e.leaseTasks('p', { worker: 'w', leaseSeconds: 1, maxTasks: 1 })));
      return out;
    };
    const a = calls(1);
    const failures = a.filter((r) => !r.ok);
    expect(failures.length).toBeGreaterThan(60);
    expect(failures.length).toBeLessThan(120);
    for (const f of failures) expect(f).toEqual({ ok: false, error: 'TransientError', rule: 'PULL-9' });
    expect(calls(1).map((r) => r.ok)).toEqual(a.map((r) => r.ok));
    expect(calls(2).map((r) => r.ok)).not.toEqual(a.map((r) => r.ok));
  });
});

describe('PULL-10 retry limit by leases', () => {
  it('PULL-10 task_retry_limit 2: leased twice; the third lease call that would take it deletes it instead', async () => {
    const te = pull({ taskRetryLimit: 2 });
    te.engine.addTasks('p', [{ name: 'a' }]);
    expect(at(te, 0, (e) => lease(e, { leaseSeconds: 1 }))[0].leaseCount).toBe(1);
    expect(at(te, 2 * S, (e) => lease(e, { leaseSeconds: 1 }))[0].leaseCount).toBe(2);
    expect(te.of('exhaust')).toEqual([]); // the second lease's expiry (3 s) deletes nothing
    expect(at(te, 4 * S, (e) => lease(e))).toEqual([]);
    expect(te.of('exhaust')).toMatchObject([{ t: 4 * S, n: 2, rule: 'PULL-10' }]);
    expect(te.of('lease-call').at(-1)).toMatchObject({ t: 4 * S, got: 0, result: 'ok' });
    expect(te.engine.liveCount('p')).toBe(0);
    expect(refusal(() => te.engine.deleteTask('p', 'a')).code).toBe('NOT_FOUND');
    await runToEnd(te);
    await expectInvariantsHold(te.events);
  });

  it('PULL-10 task_retry_limit 0: the first lease call that would take the task deletes it, never handing it out', async () => {
    const te = pull({ taskRetryLimit: 0 });
    te.engine.addTasks('p', [{ name: 'a' }, { name: 'b' }]);
    expect(at(te, 0, (e) => lease(e, { maxTasks: 1 }))).toEqual([]);
    // max_tasks 1: both tasks are due and neither may be handed out; both go, none leased.
    expect(te.of('exhaust')).toMatchObject([
      { t: 0, n: 0, rule: 'PULL-10' },
      { t: 0, n: 0, rule: 'PULL-10' },
    ]);
    expect(te.of('lease')).toEqual([]);
    expect(te.engine.liveCount('p')).toBe(0);
    await runToEnd(te);
    await expectInvariantsHold(te.events);
  });

  it('PULL-10 task_retry_limit 0: a lease by another tag does not take the task, so does not delete it', () => {
    const te = pull({ taskRetryLimit: 0 });
    te.engine.addTasks('p', [{ name: 'a', tag: 'x' }]);
    expect(at(te, 0, (e) => lease(e, { tag: 'y' }))).toEqual([]);
    expect(te.of('exhaust')).toEqual([]);
    expect(at(te, 1, (e) => lease(e, { tag: 'x' }))).toEqual([]);
    expect(te.of('exhaust')).toMatchObject([{ t: 1, rule: 'PULL-10' }]);
  });

  it('PULL-10 releasing with modify 0 ends a lease; the next lease call that would take it deletes it', () => {
    const te = pull({ taskRetryLimit: 1 });
    te.engine.addTasks('p', [{ name: 'a' }]);
    const [t] = at(te, 0, (e) => lease(e));
    at(te, 1, (e) => e.modifyLease('p', 'a', t.leaseUntilUs, 0));
    expect(te.of('exhaust')).toEqual([]);
    expect(at(te, 2, (e) => lease(e))).toEqual([]);
    expect(te.of('exhaust')).toMatchObject([{ t: 2, n: 1, rule: 'PULL-10' }]);
  });

  it('PULL-10 / RETRY-2 both limits (1 lease, 10 s): leasing goes on until the age from the first lease is past 10 s too', async () => {
    const te = pull({ taskRetryLimit: 1, taskAgeLimitUs: 10 * S });
    te.engine.addTasks('p', [{ name: 'a' }]);
    expect(at(te, 1 * S, (e) => lease(e, { leaseSeconds: 1 }))[0].leaseCount).toBe(1); // first lease: age 0
    expect(at(te, 5 * S, (e) => lease(e, { leaseSeconds: 1 }))[0].leaseCount).toBe(2); // count spent, age 4 s
    expect(at(te, 11 * S, (e) => lease(e, { leaseSeconds: 1 }))[0].leaseCount).toBe(3); // age exactly 10 s: still leased
    expect(te.of('exhaust')).toEqual([]);
    expect(at(te, 12 * S + 1, (e) => lease(e))).toEqual([]); // age 11 s + 1 µs: both exceeded
    expect(te.of('exhaust')).toMatchObject([{ t: 12 * S + 1, n: 3, rule: 'PULL-10' }]);
    await runToEnd(te);
    await expectInvariantsHold(te.events);
  });

  it('PULL-10 / RETRY-2 both limits: 1 µs past the age limit with the count spent, the task is deleted', () => {
    const te = pull({ taskRetryLimit: 1, taskAgeLimitUs: 10 * S });
    te.engine.addTasks('p', [{ name: 'a' }]);
    at(te, 1 * S, (e) => lease(e, { leaseSeconds: 1 }));
    expect(at(te, 11 * S + 1, (e) => lease(e))).toEqual([]);
    expect(te.of('exhaust')).toMatchObject([{ t: 11 * S + 1, n: 1, rule: 'PULL-10' }]);
  });

  it('PULL-10 without a limit a task may be leased again and again', () => {
    const te = pull();
    te.engine.addTasks('p', [{ name: 'a' }]);
    for (let i = 0; i < 5; i++)
      expect(at(te, i * 2 * S, (e) => lease(e, { leaseSeconds: 1 }))[0].leaseCount).toBe(i + 1);
    expect(te.of('exhaust')).toEqual([]);
  });

  // Regression (fixed in 8b60540; was pull-queue.ts pick() with setLease): a leased task sits in
  // the heap at t = its lease end, and pick() takes any task with t <= now; the expiry itself (the
  // `expire` event) is a separate job scheduled when the lease was taken. A lease call at exactly the
  // lease-end instant that was scheduled earlier (a worker's poll already on the calendar) runs first:
  // it must see the expiry, then PULL-10 deletes the task instead of leasing it a second time.
  it('PULL-10 / PULL-4 a lease call at the exact instant a lease ends sees the expiry first', async () => {
    const te = pull({ taskRetryLimit: 1 });
    te.engine.addTasks('p', [{ name: 'a' }]);
    let second: LeasedTask[] = [];
    te.engine.at(10 * S, (e) => {
      second = lease(e, { worker: 'w2' }); // on the calendar before w1 leases
    });
    te.engine.at(0, (e) => lease(e, { worker: 'w1', leaseSeconds: 10 }));
    await runToEnd(te);
    expect(second).toEqual([]);
    expect(te.of('expire').map((x) => x.t)).toEqual([10 * S]);
    expect(te.of('exhaust')).toMatchObject([{ t: 10 * S, n: 1, rule: 'PULL-10' }]);
    await expectInvariantsHold(te.events);
  });
});
