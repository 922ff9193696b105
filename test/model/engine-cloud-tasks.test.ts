/** The engine operations the Cloud Tasks API needs: putQueue (CT-1), runTask (CT-4), per-task deadlines (CT-2). */
import { describe, expect, it } from 'vitest';
import {
  S,
  expectInvariantsHold,
  failedInvariants,
  makeEngine,
  pullQueue,
  pushQueue,
  refusal,
} from '../helpers/engine.js';

describe('Engine.putQueue (CT-1)', () => {
  it('adds a queue while running; tasks can go to it; the trace gets the new config', async () => {
    const te = makeEngine({ queues: [pushQueue('a')], external: true });
    te.engine.putQueue(pushQueue('b', { ratePerSec: 2, bucketSize: 1 }));
    const [r] = te.engine.addTasks('b', [{}]);
    expect(r.ok).toBe(true);
    const configs = te.of('config');
    expect(configs).toHaveLength(2);
    expect(configs[1].config.queues.map((q) => q.name)).toEqual(['a', 'b']);
    expect(configs[0].config.queues.map((q) => q.name)).toEqual(['a']); // the first event is not rewritten
  });

  it('gives a push queue a new rate from now on: bucket 1 at 1/s spaces dispatches a second apart', async () => {
    const te = makeEngine({ queues: [pushQueue('q', { ratePerSec: 1000, bucketSize: 100 })], external: true });
    te.engine.putQueue(pushQueue('q', { ratePerSec: 1, bucketSize: 1 }));
    te.engine.addTasks('q', [{}, {}, {}]);
    const times: number[] = [];
    for (let i = 0; i < 10 && times.length < 3; i++) {
      te.engine.run();
      for (const d of te.engine.takeDeliveries()) {
        times.push(te.engine.now);
        te.engine.complete(d.key, { status: 200, outcome: 'ok', latencyUs: 0 });
      }
    }
    // PUSH-2 by hand: one token at once (the new bucket starts full), then one per second.
    expect(times).toEqual([0, 1 * S, 2 * S]);
    expect(te.engine.run()).toBe('idle');
    await te.engine.end('idle');
    await expectInvariantsHold(te.events);
  });

  it('refuses to turn a push queue into a pull queue', () => {
    const te = makeEngine({ queues: [pushQueue('q')] });
    expect(refusal(() => te.engine.putQueue(pullQueue('q'))).rule).toBe('CT-1');
  });
});

describe('Engine.runTask (CT-4)', () => {
  it('dispatches a task due in an hour now, once: the pending dispatch is replaced, not doubled', async () => {
    const te = makeEngine({ queues: [pushQueue('q')], external: true });
    const [r] = te.engine.addTasks('q', [{ name: 't', countdownUs: 3600 * S }]);
    te.engine.run({ untilUs: 5 * S });
    expect(te.engine.takeDeliveries()).toHaveLength(0);
    te.engine.runTask('q', 't');
    te.engine.run({ untilUs: 5 * S });
    const ds = te.engine.takeDeliveries();
    expect(ds.map((d) => [d.name, d.attempt])).toEqual([['t', 1]]);
    te.engine.complete(ds[0].key, { status: 200, outcome: 'ok', latencyUs: 0 });
    expect(te.engine.run({ untilUs: 7200 * S })).toBe('idle');
    expect(te.engine.takeDeliveries()).toHaveLength(0); // nothing left at the old ETA
    expect(te.forTask('run', r.id!)).toHaveLength(1);
    await te.engine.end('idle');
    await expectInvariantsHold(te.events); // INV-ETA reads the run event: the early dispatch is no violation
  });

  it('a failed RunTask attempt is retried by the queue as any attempt (RETRY-4), at response + backoff', async () => {
    const te = makeEngine({
      queues: [pushQueue('q', { retry: { minBackoffUs: 10 * S, maxBackoffUs: 10 * S } })],
      external: true,
    });
    te.engine.addTasks('q', [{ name: 't', countdownUs: 3600 * S }]);
    te.engine.runTask('q', 't');
    te.engine.run();
    const [d] = te.engine.takeDeliveries();
    te.engine.complete(d.key, { status: 500, outcome: 'error', latencyUs: 0 });
    te.engine.run({ untilUs: 9 * S });
    expect(te.engine.takeDeliveries()).toHaveLength(0);
    te.engine.run({ untilUs: 10 * S });
    expect(te.engine.takeDeliveries().map((x) => x.attempt)).toEqual([2]);
  });

  it('refuses a paused queue and a task already being dispatched (FAILED_PRECONDITION)', () => {
    const te = makeEngine({ queues: [pushQueue('q')], external: true });
    te.engine.addTasks('q', [{ name: 't' }, { name: 'u', countdownUs: S }]);
    te.engine.run({ untilUs: 0 });
    expect(te.engine.takeDeliveries().map((d) => d.name)).toEqual(['t']);
    expect(refusal(() => te.engine.runTask('q', 't')).code).toBe('FAILED_PRECONDITION');
    te.engine.pauseQueue('q');
    expect(refusal(() => te.engine.runTask('q', 'u')).code).toBe('FAILED_PRECONDITION');
  });
});

describe('a task of its own deadline (CT-2 dispatchDeadline)', () => {
  it('is handed out with its deadline, and a late answer lands at that deadline', async () => {
    const te = makeEngine({ queues: [pushQueue('q')], external: true });
    te.engine.addTasks('q', [{ deadlineUs: 15 * S }]);
    te.engine.run();
    const [d] = te.engine.takeDeliveries();
    expect(d.deadlineUs).toBe(15 * S);
    te.engine.complete(d.key, { status: 0, outcome: 'deadline', latencyUs: 15 * S });
    te.engine.run({ untilUs: 15 * S });
    const [resp] = te.of('response');
    expect([resp.t, resp.out]).toEqual([15 * S, 'deadline']);
    expect(te.of('add')[0].dl).toBe(15 * S);
    await te.engine.end('stopped');
    await expectInvariantsHold(te.events); // INV-DEADLINE judges it by the task's own deadline
  });
});

describe('Retry-After on a 429 or 503 (CT-5)', () => {
  /** One task answered `status` with `retryAfterUs`, then 200; min = max backoff 10 s. */
  async function firstRetry(status: number, retryAfterUs: number) {
    const te = makeEngine({
      queues: [pushQueue('q', { retry: { minBackoffUs: 10 * S, maxBackoffUs: 10 * S } })],
      external: true,
    });
    te.engine.addTasks('q', [{}]);
    for (let i = 0; i < 10; i++) {
      if (te.engine.run() === 'idle') break;
      for (const d of te.engine.takeDeliveries()) {
        te.engine.complete(
          d.key,
          d.attempt === 1
            ? { status, outcome: 'error', latencyUs: S, retryAfterUs }
            : { status: 200, outcome: 'ok', latencyUs: 0 },
        );
      }
    }
    await te.engine.end('idle');
    return te;
  }

  it('sets the earliest next attempt when it is longer than the backoff; the checkers agree', async () => {
    const te = await firstRetry(429, 120 * S);
    expect(te.of('retry')[0].eta).toBe(1 * S + 120 * S); // the response at 1 s, then 120 s
    expect(te.of('response')[0].ra).toBe(120 * S);
    await expectInvariantsHold(te.events);
  });

  it('leaves the backoff alone when shorter, and counts only on 429 and 503', async () => {
    expect((await firstRetry(503, 2 * S)).of('retry')[0].eta).toBe(1 * S + 10 * S);
    const on500 = await firstRetry(500, 120 * S);
    expect(on500.of('retry')[0].eta).toBe(1 * S + 10 * S);
    expect(on500.of('response')[0].ra).toBeUndefined();
  });

  it('INV-ETA catches a queue that ignores the Retry-After it was given', async () => {
    const te = await firstRetry(429, 120 * S);
    const events = te.events.map((ev) => (ev.e === 'retry' ? { ...ev, eta: 1 * S + 10 * S } : ev));
    const failed = await failedInvariants(events);
    expect(failed.find((r) => r.id === 'INV-ETA')?.examples[0].rule).toBe('RETRY-4');
  });
});

describe('the checkers follow the API: UpdateQueue mid-run, RunTask outside the rate (CT-1, CT-4)', () => {
  /**
   * Three failures, then 200s. Task 1 fails before the update (backoff 10 s); the update to backoff
   * 100 s and rate 50/s comes while task 2's failing answer is on its way, so it and the rest get 100 s.
   */
  async function updatedMidRun() {
    const te = makeEngine({
      queues: [pushQueue('q', { ratePerSec: 1, bucketSize: 1, retry: { minBackoffUs: 10 * S, maxBackoffUs: 10 * S } })],
      external: true,
    });
    te.engine.addTasks('q', [{}, {}]);
    let answered = 0;
    for (let i = 0; i < 50; i++) {
      if (answered === 2)
        te.engine.putQueue(
          pushQueue('q', { ratePerSec: 50, bucketSize: 50, retry: { minBackoffUs: 100 * S, maxBackoffUs: 100 * S } }),
        );
      if (te.engine.run() === 'idle') break;
      for (const d of te.engine.takeDeliveries()) {
        answered++;
        te.engine.complete(
          d.key,
          answered <= 3
            ? { status: 500, outcome: 'error', latencyUs: 0 }
            : { status: 200, outcome: 'ok', latencyUs: 0 },
        );
      }
    }
    await te.engine.end('idle');
    return te;
  }

  it('judges retries after an update by the new backoff, and holds', async () => {
    const te = await updatedMidRun();
    const retries = te.of('retry');
    expect(retries.map((r) => r.eta - te.of('response').find((x) => x.id === r.id && x.n === r.n - 1)!.t)).toEqual([
      10 * S,
      100 * S,
      100 * S,
    ]);
    await expectInvariantsHold(te.events);
  });

  it('INV-ETA catches a retry that kept the old backoff after the update', async () => {
    const te = await updatedMidRun();
    const last = te.of('retry')[2];
    const events = te.events.map((ev) => (ev === last ? { ...last, eta: last.eta - 90 * S } : ev));
    expect((await failedInvariants(events)).map((r) => r.id)).toContain('INV-ETA');
  });

  it('a RunTask dispatch with the bucket empty breaks no rate rule', async () => {
    const te = makeEngine({ queues: [pushQueue('q', { ratePerSec: 1, bucketSize: 1 })], external: true });
    te.engine.addTasks('q', [{ name: 'a' }, { name: 'b' }]);
    te.engine.run({ untilUs: 0 });
    te.engine.runTask('q', 'b'); // the one token went to a
    te.engine.run({ untilUs: 0 });
    const ds = te.engine.takeDeliveries();
    expect(ds.map((d) => d.name)).toEqual(['a', 'b']);
    for (const d of ds) te.engine.complete(d.key, { status: 200, outcome: 'ok', latencyUs: 0 });
    expect(te.engine.run()).toBe('idle');
    await te.engine.end('idle');
    await expectInvariantsHold(te.events);
  });
});
