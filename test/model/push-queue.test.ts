/** Push dispatch through the engine (PUSH-1…8, HANDLER-1/2/6, DEADLINE-1/2). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_ETA_AHEAD_US } from '../../src/model/engine.js';
import { TaskQueueError } from '../../src/model/errors.js';
import { DEFAULT_EPOCH_US, US_PER_D, US_PER_H, US_PER_M, formatEpochSeconds } from '../../src/sim/time.js';
import {
  S,
  always,
  expectInvariantsHold,
  makeEngine,
  pullQueue,
  pushQueue,
  runToEnd,
  service,
  type TestEngine,
} from '../helpers/engine.js';

/** In-flight count after each dispatch/response, from the trace alone. */
function maxInFlight(te: TestEngine, q: string): number {
  let now = 0;
  let max = 0;
  for (const ev of te.events) {
    if (ev.e === 'dispatch' && ev.q === q) max = Math.max(max, ++now);
    else if (ev.e === 'response' && ev.q === q) now--;
  }
  return max;
}

describe('PUSH-1 / HANDLER-6 the request', () => {
  it('PUSH-1 default: POST to /_ah/queue/<queue>, body as given, Content-Type application/octet-stream', () => {
    const te = makeEngine({ queues: [pushQueue('mail')], external: true });
    te.engine.addTasks('mail', [{ name: 'n1', payload: 'hello' }]);
    expect(te.engine.run()).toBe('blocked');
    const [d] = te.engine.takeDeliveries();
    expect(d).toMatchObject({
      queue: 'mail',
      name: 'n1',
      attempt: 1,
      method: 'POST',
      url: '/_ah/queue/mail',
      duplicate: false,
    });
    expect(Buffer.from(d.body!).toString()).toBe('hello');
    expect(d.headers['Content-Type']).toBe('application/octet-stream');
    expect(d.headers).toMatchObject({
      'X-AppEngine-QueueName': 'mail',
      'X-AppEngine-TaskName': 'n1',
      'X-AppEngine-TaskRetryCount': '0',
      'X-AppEngine-TaskExecutionCount': '0',
    });
    expect(d.deadlineUs).toBe(10 * US_PER_M);
  });

  it('PUSH-1 the task’s own method, URL and headers win; its Content-Type is kept', () => {
    const te = makeEngine({ queues: [pushQueue('q')], external: true });
    te.engine.addTasks('q', [
      { method: 'PUT', url: '/work?x=1', headers: { 'content-type': 'application/json', 'X-Mine': 'a' } },
    ]);
    te.engine.run();
    const [d] = te.engine.takeDeliveries();
    expect(d).toMatchObject({ method: 'PUT', url: '/work?x=1' });
    expect(d.headers['content-type']).toBe('application/json');
    expect(d.headers['Content-Type']).toBeUndefined();
    expect(d.headers['X-Mine']).toBe('a');
  });

  it('HDR-1 the queue cannot be spoofed by a task header: X-AppEngine-* come from the queue', () => {
    const te = makeEngine({ queues: [pushQueue('q')], external: true });
    te.engine.addTasks('q', [
      { name: 'real', headers: { 'X-AppEngine-TaskName': 'forged', 'X-AppEngine-QueueName': 'other' } },
    ]);
    te.engine.run();
    const [d] = te.engine.takeDeliveries();
    expect(d.headers['X-AppEngine-TaskName']).toBe('real');
    expect(d.headers['X-AppEngine-QueueName']).toBe('q');
  });

  // Regression test (fixed; was: src/model/engine.ts externalRunner, `{ ...(extra?.headers ?? {}), ...toHttpHeaders(...) }`):
  // the queue's headers replace a task's own X-AppEngine-* headers only when the spelling matches
  // exactly. A task header `x-appengine-taskname: forged` (any other case) survives next to the
  // queue's `X-AppEngine-TaskName: real`, so the request carries both and the handler reads
  // "forged, real" (Node joins repeated headers) — HDR-2/HDR-3 become ambiguous and forgeable,
  // where HDR-9 says App Engine strips such headers and sets its own.
  it('HDR-9 a task header cannot add a second X-AppEngine-* header in another letter case', () => {
    const te = makeEngine({ queues: [pushQueue('q')], external: true });
    te.engine.addTasks('q', [
      { name: 'real', headers: { 'x-appengine-taskname': 'forged', 'X-APPENGINE-TASKRETRYCOUNT': '99' } },
    ]);
    te.engine.run();
    const [d] = te.engine.takeDeliveries();
    const appengine = Object.keys(d.headers).filter((k) => /^x-appengine-/i.test(k));
    expect(appengine.sort()).toEqual([
      'X-AppEngine-QueueName',
      'X-AppEngine-TaskETA',
      'X-AppEngine-TaskExecutionCount',
      'X-AppEngine-TaskName',
      'X-AppEngine-TaskRetryCount',
    ]);
  });
});

describe('PUSH-4 ETA and countdown', () => {
  it('PUSH-4 a task is dispatched at its ETA or countdown, never before', async () => {
    const te = makeEngine({ queues: [pushQueue('q')] });
    te.engine.at(2 * S, (e) => e.addTasks('q', [{ etaUs: 7 * S }, { countdownUs: 3 * S }, { etaUs: 1 * S }, {}]));
    await runToEnd(te);
    const adds = te.of('add');
    expect(adds.map((a) => a.eta)).toEqual([7 * S, 5 * S, 2 * S, 2 * S]); // a past ETA means now
    for (const a of adds) expect(te.forTask('dispatch', a.id).map((d) => d.t)).toEqual([a.eta]);
    expect(te.of('success')).toHaveLength(4);
  });

  it('PUSH-4 the header ETA is the task’s ETA in epoch seconds (HDR-5)', async () => {
    const te = makeEngine({ queues: [pushQueue('q')] });
    te.engine.addTasks('q', [{ etaUs: 1_234_567 }]);
    await runToEnd(te);
    expect(te.of('dispatch')[0].h.eta).toBe(formatEpochSeconds(DEFAULT_EPOCH_US + 1_234_567));
  });

  it('PUSH-4 an ETA up to exactly 30 days ahead is accepted; one µs more is refused', async () => {
    const te = makeEngine({ queues: [pushQueue('q')] });
    te.engine.at(S, (e) => {
      const r = e.addTasks('q', [
        { etaUs: S + MAX_ETA_AHEAD_US },
        { etaUs: S + MAX_ETA_AHEAD_US + 1 },
        { countdownUs: 31 * US_PER_D },
      ]);
      expect(r.map((x) => x.ok)).toEqual([true, false, false]);
      expect(r[1]).toMatchObject({ rule: 'PUSH-4' });
      expect(r[1].error).toMatch(/30 days/);
    });
    await runToEnd(te);
    expect(MAX_ETA_AHEAD_US).toBe(30 * US_PER_D);
    expect(te.of('add')).toHaveLength(1);
    expect(te.of('reject').map((r) => r.rule)).toEqual(['PUSH-4', 'PUSH-4']);
    expect(te.of('dispatch').map((d) => d.t)).toEqual([S + 30 * US_PER_D]);
  });
  // Regression test (fixed; was: src/model/engine.ts addOne, `const eta = t.etaUs ?? now + (t.countdownUs ?? 0)` and the
  // record's `t: Math.max(eta, now)`): a fractional etaUs or countdownUs is kept as is, so the
  // dispatch happens at a fractional virtual time and X-AppEngine-TaskETA reads "1767225600.0001.5"
  // (etaUs 1.5) or "1767225602.000.25" (countdown 2000000.25 µs) — not HDR-5's decimal with six
  // fractional digits. complete() now rounds latencies to whole µs; the add path does not.
  it('HDR-5 / PUSH-4 a fractional ETA or countdown still gives a six-digit ETA header', async () => {
    const te = makeEngine({ queues: [pushQueue('q')] });
    te.engine.addTasks('q', [{ etaUs: 1.5 }, { countdownUs: 2_000_000.25 }]);
    await runToEnd(te);
    for (const d of te.of('dispatch')) {
      expect(d.h.eta).toMatch(/^\d+\.\d{6}$/);
      expect(Number.isInteger(d.t)).toBe(true);
    }
  });
});

describe('PUSH-5 ETA order', () => {
  it('PUSH-5 property: tasks added out of order are dispatched in (ETA, add) order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 5 }),
        async (etas, rate) => {
          const te = makeEngine({ queues: [pushQueue('q', { ratePerSec: rate, bucketSize: 1 })] });
          te.engine.addTasks(
            'q',
            etas.map((s) => ({ etaUs: s * S })),
          );
          await runToEnd(te);
          const order = te.of('dispatch').map((d) => d.id);
          const want = te
            .of('add')
            .slice()
            .sort((a, b) => a.eta - b.eta || a.id - b.id)
            .map((a) => a.id);
          expect(order).toEqual(want);
          for (const d of te.of('dispatch')) expect(d.t).toBeGreaterThanOrEqual(te.forTask('add', d.id)[0].eta);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('PUSH-2 rate and bucket through the engine', () => {
  it('PUSH-2 a burst drains bucket_size at once, then one task per 1/rate', async () => {
    const te = makeEngine({ queues: [pushQueue('q', { ratePerSec: 5, bucketSize: 4 })] });
    te.engine.addTasks(
      'q',
      Array.from({ length: 10 }, () => ({})),
    );
    await runToEnd(te);
    expect(te.of('dispatch').map((d) => d.t)).toEqual([
      0, 0, 0, 0, 200_000, 400_000, 600_000, 800_000, 1_000_000, 1_200_000,
    ]);
    await expectInvariantsHold(te.events);
  });

  it('PUSH-2 / CFG-2 a queue at 1/m dispatches one task a minute after its bucket', async () => {
    const te = makeEngine({ queues: [pushQueue('slow', { ratePerSec: 1 / 60, bucketSize: 1 })] });
    te.engine.addTasks('slow', [{}, {}, {}]);
    await runToEnd(te);
    expect(te.of('dispatch').map((d) => d.t)).toEqual([0, 60 * S, 120 * S]);
  });
});

describe('PUSH-3 max_concurrent_requests', () => {
  it('PUSH-3 in flight never exceeds the cap, and reaches it', async () => {
    const te = makeEngine({
      queues: [pushQueue('q', { maxConcurrentRequests: 3 })],
      service: service({ serviceTime: { dist: 'constant', us: S } }),
    });
    te.engine.addTasks(
      'q',
      Array.from({ length: 10 }, () => ({})),
    );
    await runToEnd(te);
    expect(maxInFlight(te, 'q')).toBe(3);
    expect(te.of('dispatch').map((d) => d.t / S)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3]);
    await expectInvariantsHold(te.events);
  });

  it('PUSH-3 without a cap, everything due goes at once (bucket permitting)', async () => {
    const te = makeEngine({
      queues: [pushQueue('q', { bucketSize: 50 })],
      service: service({ serviceTime: { dist: 'constant', us: S } }),
    });
    te.engine.addTasks(
      'q',
      Array.from({ length: 40 }, () => ({})),
    );
    await runToEnd(te);
    expect(maxInFlight(te, 'q')).toBe(40);
  });
});

describe('PUSH-8 pause, resume, rate 0', () => {
  it('PUSH-8 a paused queue dispatches nothing; resuming continues where it stopped', async () => {
    const te = makeEngine({ queues: [pushQueue('q', { ratePerSec: 2, bucketSize: 1 })] });
    te.engine.addTasks(
      'q',
      Array.from({ length: 10 }, () => ({})),
    );
    te.engine.at(1.9 * S, (e) => e.pauseQueue('q'));
    te.engine.at(10 * S, (e) => e.resumeQueue('q'));
    await runToEnd(te);
    const times = te.of('dispatch').map((d) => d.t);
    expect(times.filter((t) => t >= 1.9 * S && t < 10 * S)).toEqual([]);
    expect(times.filter((t) => t < 1.9 * S)).toHaveLength(4); // 0, 0.5, 1, 1.5
    expect(te.of('dispatch').map((d) => d.id)).toEqual(te.of('add').map((a) => a.id)); // order kept
    expect(te.of('success')).toHaveLength(10);
    expect(te.of('pause').map((p) => p.t)).toEqual([1.9 * S]);
    expect(te.of('resume').map((p) => p.t)).toEqual([10 * S]);
    expect(times[4]).toBe(10 * S);
    await expectInvariantsHold(te.events);
  });

  it('PUSH-8 pause and resume are idempotent (one event each)', async () => {
    const te = makeEngine({ queues: [pushQueue('q')] });
    te.engine.pauseQueue('q');
    te.engine.pauseQueue('q');
    te.engine.addTasks('q', [{}]);
    expect(te.engine.run()).toBe('idle');
    expect(te.of('dispatch')).toHaveLength(0);
    te.engine.resumeQueue('q');
    te.engine.resumeQueue('q');
    await runToEnd(te);
    expect(te.of('pause')).toHaveLength(1);
    expect(te.of('resume')).toHaveLength(1);
    expect(te.of('success')).toHaveLength(1);
  });

  it('PUSH-2 / PUSH-8 a queue with rate 0 dispatches nothing, and resume cannot start it', async () => {
    const te = makeEngine({ queues: [pushQueue('frozen', { ratePerSec: 0, bucketSize: 5 }), pushQueue('live')] });
    te.engine.addTasks(
      'frozen',
      Array.from({ length: 5 }, () => ({})),
    );
    te.engine.addTasks('live', [{}]);
    te.engine.at(S, (e) => e.resumeQueue('frozen'));
    await runToEnd(te);
    expect(te.of('dispatch').map((d) => d.q)).toEqual(['live']);
    expect(te.of('resume')).toHaveLength(0);
    expect(te.engine.liveCount('frozen')).toBe(5);
    await expectInvariantsHold(te.events);
  });

  it('PUSH-8 only push queues pause', () => {
    const te = makeEngine({ queues: [pushQueue('q'), pullQueue('p')] });
    expect(() => te.engine.pauseQueue('p')).toThrow(TaskQueueError);
    expect(() => te.engine.resumeQueue('nope')).toThrow(/not a push queue/);
  });
});

describe('PUSH-6 / HANDLER-1/2 statuses', () => {
  it('PUSH-6 a 3xx is a failure like any other non-2xx: retried, PreviousResponse carries it', async () => {
    const te = makeEngine({ queues: [pushQueue('q', { retry: { taskRetryLimit: 2 } })], service: always(302) });
    te.engine.addTasks('q', [{}]);
    await runToEnd(te);
    expect(te.of('response').map((r) => [r.status, r.out])).toEqual([
      [302, 'error'],
      [302, 'error'],
      [302, 'error'],
    ]);
    expect(te.of('success')).toHaveLength(0);
    expect(te.of('exhaust')).toHaveLength(1);
    expect(te.of('dispatch').map((d) => d.h.pr)).toEqual([undefined, '302', '302']);
    expect(te.of('dispatch').map((d) => d.h.rr)).toEqual([undefined, 'App Error', 'App Error']);
  });

  it('HANDLER-1/2 200–299 succeed at once; 199, 300, 404, 500 are retried', async () => {
    for (const status of [200, 204, 299]) {
      const te = makeEngine({ queues: [pushQueue('q')], service: always(status) });
      te.engine.addTasks('q', [{}]);
      await runToEnd(te);
      expect(te.of('dispatch')).toHaveLength(1);
      expect(te.of('success')).toHaveLength(1);
    }
    for (const status of [199, 300, 404, 500]) {
      const te = makeEngine({ queues: [pushQueue('q', { retry: { taskRetryLimit: 1 } })], service: always(status) });
      te.engine.addTasks('q', [{}]);
      await runToEnd(te);
      expect(te.of('dispatch')).toHaveLength(2);
      expect(te.of('success')).toHaveLength(0);
    }
  });

  it('HANDLER-1 a task that succeeded is never delivered again (no duplicates configured)', async () => {
    const te = makeEngine({
      queues: [pushQueue('q')],
      service: service({
        statuses: [
          { status: 200, weight: 1 },
          { status: 500, weight: 1 },
        ],
      }),
    });
    te.engine.addTasks(
      'q',
      Array.from({ length: 50 }, () => ({})),
    );
    await runToEnd(te);
    for (const s of te.of('success')) expect(te.forTask('dispatch', s.id).filter((d) => d.t > s.t)).toEqual([]);
    expect(te.of('success')).toHaveLength(50);
  });
});

describe('DEADLINE-1/2 per scaling type', () => {
  const cases = [
    ['automatic', 10 * US_PER_M],
    ['basic', 24 * US_PER_H],
    ['manual', 24 * US_PER_H],
    ['flexible', 60 * US_PER_M],
  ] as const;

  for (const [scaling, deadline] of cases) {
    it(`DEADLINE-1/2 ${scaling}: a handler taking exactly ${deadline / US_PER_M} min succeeds; one µs longer fails at the deadline`, async () => {
      const ok = makeEngine({
        scaling,
        queues: [pushQueue('q')],
        service: service({ serviceTime: { dist: 'constant', us: deadline } }),
      });
      ok.engine.addTasks('q', [{}]);
      await runToEnd(ok);
      expect(ok.of('response').map((r) => [r.out, r.lat])).toEqual([['ok', deadline]]);

      const late = makeEngine({
        scaling,
        queues: [pushQueue('q', { retry: { taskRetryLimit: 1 } })],
        service: service({ serviceTime: { dist: 'constant', us: deadline + 1 } }),
      });
      late.engine.addTasks('q', [{}]);
      await runToEnd(late);
      const rs = late.of('response');
      expect(rs.map((r) => [r.status, r.out, r.lat])).toEqual([
        [0, 'deadline', deadline],
        [0, 'deadline', deadline],
      ]);
      expect(late.of('retry')).toHaveLength(1); // DEADLINE-2: retried
      const second = late.of('dispatch')[1];
      // SPEC §10 default: ExecutionCount unchanged, PreviousResponse 0, "Instance Unavailable".
      expect(second.h).toMatchObject({ rc: '1', ec: '0', pr: '0', rr: 'Instance Unavailable' });
      await expectInvariantsHold(late.events);
    });
  }

  it('DEADLINE-2 / SPEC §10 option: a missed deadline counted as an execution raises ExecutionCount', async () => {
    const te = makeEngine({
      options: { deadlineCountsAsExecution: true },
      queues: [pushQueue('q', { retry: { taskRetryLimit: 1 } })],
      service: service({ serviceTime: { dist: 'constant', us: 11 * US_PER_M } }),
    });
    te.engine.addTasks('q', [{}]);
    await runToEnd(te);
    expect(te.of('dispatch')[1].h).toMatchObject({ rc: '1', ec: '1', pr: '0' });
  });

  it('DEADLINE-1 the deadline counts from dispatch, so a cold start eats into it', async () => {
    const te = makeEngine({
      queues: [pushQueue('q', { retry: { taskRetryLimit: 0 } })],
      // A pending latency longer than the cold start, so the request waits for it (INST-3).
      service: service({
        coldStartUs: 5 * US_PER_M,
        pendingLatencyUs: 10 * US_PER_M,
        serviceTime: { dist: 'constant', us: 6 * US_PER_M },
      }),
    });
    te.engine.addTasks('q', [{}]);
    await runToEnd(te);
    expect(te.of('response').map((r) => [r.out, r.lat])).toEqual([['deadline', 10 * US_PER_M]]);
  });
});
