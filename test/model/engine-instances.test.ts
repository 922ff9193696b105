/** Instances, no-instance failures, throttling, headers of retried deliveries, duplicates. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_EPOCH_US, formatEpochSeconds } from '../../src/sim/time.js';
import type { TraceEvent } from '../../src/sim/events.js';
import {
  S,
  always,
  expectInvariantsHold,
  makeEngine,
  pushQueue,
  runToEnd,
  service,
  type TestEngine,
} from '../helpers/engine.js';

/**
 * HDR-3/4/6 from the trace alone: for every non-duplicate dispatch, RetryCount = n − 1, ExecutionCount
 * = earlier handler failures, and RetryCount − ExecutionCount = earlier no-instance/deadline failures.
 */
function checkCounts(te: TestEngine): { noInstance: number } {
  const hist = new Map<number, { error: number; other: number; last?: TraceEvent & { e: 'response' } }>();
  let noInstance = 0;
  for (const ev of te.events) {
    if (ev.e === 'dispatch' && !ev.dup) {
      const h = hist.get(ev.id) ?? { error: 0, other: 0 };
      hist.set(ev.id, h);
      expect(ev.h.rc).toBe(String(ev.n - 1));
      expect(ev.h.ec).toBe(String(h.error));
      expect(Number(ev.h.rc) - Number(ev.h.ec)).toBe(h.other);
      expect(Number(ev.h.ec)).toBeLessThanOrEqual(Number(ev.h.rc));
      expect(ev.h.pr).toBe(h.last ? String(h.last.status) : undefined);
    } else if (ev.e === 'response') {
      const h = hist.get(ev.id)!;
      if (ev.out === 'error') h.error++;
      else if (ev.out !== 'ok') h.other++;
      if (ev.out === 'no-instance') noInstance++;
      h.last = ev;
    }
  }
  return { noInstance };
}

describe('INST-2 / HDR-3/4 no-instance failures', () => {
  it('INST-2 during an outage attempts fail before the handler: RetryCount counts them, ExecutionCount does not', async () => {
    const te = makeEngine({
      queues: [pushQueue('q', { ratePerSec: 10, bucketSize: 10 })],
      service: service({
        outages: [{ startUs: 0, endUs: 5 * S }],
        statuses: [
          { status: 500, weight: 1 },
          { status: 200, weight: 2 },
        ],
      }),
    });
    te.engine.addTasks(
      'q',
      Array.from({ length: 10 }, () => ({})),
    );
    await runToEnd(te);
    const during = te.of('response').filter((r) => r.t < 5 * S);
    expect(during.length).toBeGreaterThanOrEqual(10); // then the throttled rate (INST-2) holds the rest back
    for (const r of during) expect([r.status, r.out, r.lat]).toEqual([0, 'no-instance', 0]);
    expect(te.of('success')).toHaveLength(10);
    expect(te.of('success').every((s) => s.t >= 5 * S)).toBe(true);
    const { noInstance } = checkCounts(te);
    expect(noInstance).toBe(during.length);
    expect(te.of('outage').map((o) => [o.t, o.on])).toEqual([
      [0, true],
      [5 * S, false],
    ]);
    await expectInvariantsHold(te.events);
  });

  it('INST-2 the queue throttles on no-instance failures (rate events, halving) and recovers to its rate as requests succeed', async () => {
    const te = makeEngine({
      queues: [
        pushQueue('q', { ratePerSec: 64, bucketSize: 64, retry: { minBackoffUs: 10_000, maxBackoffUs: 1 * S } }),
      ],
      service: service({ outages: [{ startUs: 0, endUs: 3 * S }] }),
    });
    te.engine.addTasks(
      'q',
      Array.from({ length: 60 }, () => ({})),
    );
    te.engine.at(4 * S, (e) =>
      e.addTasks(
        'q',
        Array.from({ length: 60 }, () => ({})),
      ),
    );
    await runToEnd(te);
    const rates = te.of('rate');
    const down = rates.filter((r) => r.t < 3 * S).map((r) => r.rate);
    expect(down.slice(0, 3)).toEqual([32, 16, 8]);
    expect(Math.min(...down)).toBe(1); // floor 1/64 of 64/s
    for (let i = 1; i < down.length; i++) expect(down[i]).toBeLessThanOrEqual(down[i - 1]);
    const up = rates.filter((r) => r.t >= 3 * S).map((r) => r.rate);
    for (let i = 1; i < up.length; i++) expect(up[i]).toBeGreaterThanOrEqual(up[i - 1]);
    expect(up.at(-1)).toBe(64); // recovered to the configured rate
    expect(te.of('success')).toHaveLength(120);
    await expectInvariantsHold(te.events); // INV-RATE follows the rate events
  });

  it('INST-3 / HDR-8 FailFast: with the only instance still starting, the task fails at once; a plain task waits for it', async () => {
    const te = makeEngine({
      queues: [pushQueue('q', { retry: { minBackoffUs: 500_000, maxBackoffUs: 500_000 } })],
      service: service({ coldStartUs: 2 * S, serviceTime: { dist: 'constant', us: 100_000 } }),
    });
    const [ff, plain] = te.engine.addTasks('q', [{ failFast: true }, {}]);
    await runToEnd(te);
    expect(te.forTask('response', plain.id!).map((r) => [r.t, r.out])).toEqual([[2.1 * S, 'ok']]);
    const ffResponses = te.forTask('response', ff.id!);
    expect(ffResponses.slice(0, -1).every((r) => r.out === 'no-instance' && r.t < 2 * S)).toBe(true);
    expect(ffResponses.at(-1)!.out).toBe('ok');
    expect(ffResponses.length).toBe(5); // 0, 0.5, 1, 1.5 fail; 2.0 finds the instance up
    expect(te.forTask('dispatch', ff.id!).every((d) => d.h.ff === 'true')).toBe(true);
    expect(te.forTask('dispatch', plain.id!)[0].h.ff).toBeUndefined();
    expect(te.forTask('add', ff.id!)[0].ff).toBe(true);
    checkCounts(te);
    await expectInvariantsHold(te.events);
  });

  it('INST-3 busy is not an outage: one instance of one request, three tasks at once → two wait, all succeed at 1, 2, 3 s', async () => {
    const te = makeEngine({
      queues: [pushQueue('q')],
      service: service({
        maxInstances: 1,
        minInstances: 1,
        concurrencyPerInstance: 1,
        serviceTime: { dist: 'constant', us: S },
      }),
    });
    te.engine.addTasks('q', [{}, {}, {}]);
    await runToEnd(te);
    // Each waits for the one before it (1 s of service each), well within the default 10 s pending latency.
    expect(te.of('response').map((r) => [r.t / S, r.out, r.lat / S])).toEqual([
      [1, 'ok', 1],
      [2, 'ok', 2],
      [3, 'ok', 3],
    ]);
    expect(te.of('rate')).toEqual([]); // no INST-2 failure, so no throttling
    checkCounts(te);
    await expectInvariantsHold(te.events);
  });

  it('INST-3 a request that waits past the pending latency (1.5 s) fails as INST-2, then is retried and served', async () => {
    const te = makeEngine({
      queues: [pushQueue('q', { retry: { minBackoffUs: 100_000, maxBackoffUs: 100_000 } })],
      service: service({
        maxInstances: 1,
        minInstances: 1,
        concurrencyPerInstance: 1,
        pendingLatencyUs: 1.5 * S,
        serviceTime: { dist: 'constant', us: S },
      }),
    });
    const [a, b, c] = te.engine.addTasks('q', [{}, {}, {}]);
    await runToEnd(te);
    // a: 0–1 s. b waits from 0, served 1–2 s. c waits from 0; at 1.5 s (the pending latency) it fails as
    // INST-2 (status 0); its retry at 1.5 + 0.1 = 1.6 s waits for b's slot (free at 2 s) and ends at 3 s.
    expect(te.forTask('response', a.id!).map((r) => [r.t / S, r.out])).toEqual([[1, 'ok']]);
    expect(te.forTask('response', b.id!).map((r) => [r.t / S, r.out])).toEqual([[2, 'ok']]);
    expect(te.forTask('response', c.id!).map((r) => [r.t / S, r.status, r.out, r.lat / S])).toEqual([
      [1.5, 0, 'no-instance', 1.5],
      [3, 200, 'ok', 1.4],
    ]);
    const retry = te.forTask('dispatch', c.id!)[1];
    expect([retry.t / S, retry.h.rc, retry.h.ec, retry.h.pr, retry.h.rr]).toEqual([
      1.6,
      '1',
      '0',
      '0',
      'Instance Unavailable',
    ]);
    // INST-2 halves the rate (1000/s configured); each success raises it by a tenth (throttle.ts).
    expect(te.of('rate').map((r) => [r.t / S, r.rate])).toEqual([
      [1.5, 1000 * 0.5],
      [2, 1000 * (0.5 * 1.1)],
      [3, 1000 * (0.5 * 1.1 * 1.1)],
    ]);
    checkCounts(te);
    await expectInvariantsHold(te.events);
  });

  it('INST-3 the wait is inclusive: a slot freed exactly when the pending latency ends serves the request', async () => {
    // One instance busy 0–2 s; the second request may wait 2 s: at 2 s the slot frees and it is served.
    const te = makeEngine({
      queues: [pushQueue('q')],
      service: service({
        maxInstances: 1,
        minInstances: 1,
        concurrencyPerInstance: 1,
        pendingLatencyUs: 2 * S,
        serviceTime: { dist: 'constant', us: 2 * S },
      }),
    });
    const [, b] = te.engine.addTasks('q', [{}, {}]);
    await runToEnd(te);
    expect(te.forTask('response', b.id!).map((r) => [r.t, r.out])).toEqual([[4 * S, 'ok']]);
    await expectInvariantsHold(te.events);
  });

  it('INST-3 a pending latency 1 µs short of the free slot: the request fails at 2 s − 1 µs', async () => {
    const te = makeEngine({
      queues: [pushQueue('q')],
      service: service({
        maxInstances: 1,
        minInstances: 1,
        concurrencyPerInstance: 1,
        pendingLatencyUs: 2 * S - 1,
        serviceTime: { dist: 'constant', us: 2 * S },
      }),
    });
    const [, b] = te.engine.addTasks('q', [{}, {}]);
    await runToEnd(te);
    expect(te.forTask('response', b.id!)[0]).toMatchObject({
      t: 2 * S - 1,
      status: 0,
      out: 'no-instance',
      lat: 2 * S - 1,
    });
    await expectInvariantsHold(te.events);
  });

  it('INST-3 / HDR-8 FailFast with every instance busy: fails at once, without waiting (two of three at t=0)', async () => {
    const te = makeEngine({
      queues: [pushQueue('q')],
      service: service({
        maxInstances: 1,
        minInstances: 1,
        concurrencyPerInstance: 1,
        serviceTime: { dist: 'constant', us: S },
      }),
    });
    te.engine.addTasks('q', [{ failFast: true }, { failFast: true }, { failFast: true }]);
    await runToEnd(te);
    const first = te.of('response').filter((r) => r.t === 0);
    expect(first.map((r) => [r.out, r.lat])).toEqual([
      ['no-instance', 0],
      ['no-instance', 0],
    ]);
    expect(te.of('success')).toHaveLength(3);
    checkCounts(te);
    await expectInvariantsHold(te.events);
  });

  it('INST-3 a cold start longer than the pending latency: the request fails at the pending latency; the instance still starts', async () => {
    const te = makeEngine({
      queues: [pushQueue('q', { retry: { minBackoffUs: 5 * S, maxBackoffUs: 5 * S } })],
      service: service({ maxInstances: 1, coldStartUs: 15 * S, serviceTime: { dist: 'constant', us: 0 } }),
    });
    te.engine.addTasks('q', [{}]);
    await runToEnd(te);
    // Waits 0–10 s (default pending latency) for the instance starting until 15 s; retried at 15 s, served at once.
    expect(te.of('response').map((r) => [r.t / S, r.out])).toEqual([
      [10, 'no-instance'],
      [15, 'ok'],
    ]);
    await expectInvariantsHold(te.events);
  });

  it('INST-1 warm instances serve at once; a new one pays the cold start', async () => {
    const te = makeEngine({
      queues: [pushQueue('q')],
      service: service({
        maxInstances: 3,
        minInstances: 1,
        concurrencyPerInstance: 1,
        coldStartUs: S,
        serviceTime: { dist: 'constant', us: 0 },
      }),
    });
    te.engine.addTasks('q', [{}, {}, {}]);
    await runToEnd(te);
    expect(
      te
        .of('response')
        .map((r) => r.lat)
        .sort((a, b) => a - b),
    ).toEqual([0, S, S]);
  });

  it('INST-1 min_instances above max_instances: max_instances start warm, no more', async () => {
    // Three requests at once, one slot per instance: two warm instances serve at 0, the third waits
    // for a slot (the pool is full), which frees when the first answer comes back after 1 s.
    const te = makeEngine({
      queues: [pushQueue('q')],
      service: service({
        maxInstances: 2,
        minInstances: 3,
        concurrencyPerInstance: 1,
        coldStartUs: 5 * S,
        serviceTime: { dist: 'constant', us: S },
      }),
    });
    te.engine.addTasks('q', [{}, {}, {}]);
    await runToEnd(te);
    expect(
      te
        .of('response')
        .map((r) => r.t)
        .sort((a, b) => a - b),
    ).toEqual([S, S, 2 * S]);
  });

  it('INST-1 no warm instance: the very first request pays the cold start', async () => {
    const te = makeEngine({
      queues: [pushQueue('q')],
      service: service({
        maxInstances: 1,
        minInstances: 0,
        coldStartUs: 3 * S,
        serviceTime: { dist: 'constant', us: 0 },
      }),
    });
    te.engine.addTasks('q', [{}]);
    await runToEnd(te);
    expect(te.of('response').map((r) => r.t)).toEqual([3 * S]);
  });
});

describe('HDR-3…7 headers of retried deliveries', () => {
  it('HDR-3/4/6/7 a mix of handler errors and no-instance failures keeps every count exact', async () => {
    const te = makeEngine({
      queues: [
        pushQueue('q', { ratePerSec: 20, bucketSize: 5, retry: { minBackoffUs: 200_000, maxBackoffUs: 2 * S } }),
      ],
      service: service({
        outages: [
          { startUs: 1 * S, endUs: 3 * S },
          { startUs: 6 * S, endUs: 7 * S },
        ],
        statuses: [
          { status: 200, weight: 1 },
          { status: 500, weight: 1 },
          { status: 404, weight: 1 },
        ],
      }),
    });
    te.engine.addTasks(
      'q',
      Array.from({ length: 40 }, () => ({})),
    );
    te.engine.at(5 * S, (e) =>
      e.addTasks(
        'q',
        Array.from({ length: 40 }, () => ({})),
      ),
    );
    await runToEnd(te);
    const { noInstance } = checkCounts(te);
    expect(noInstance).toBeGreaterThan(0);
    const ds = te.of('dispatch');
    expect(ds.some((d) => d.h.rr === 'App Error' && (d.h.pr === '500' || d.h.pr === '404'))).toBe(true);
    expect(ds.some((d) => d.h.rr === 'Instance Unavailable' && d.h.pr === '0')).toBe(true);
    for (const d of ds) expect(d.h.rr === undefined).toBe(d.h.pr === undefined);
    await expectInvariantsHold(te.events);
  });

  it('HDR-5 a retried delivery’s ETA header is its retry ETA with six fractional digits; HDR-2 the name never changes', async () => {
    const te = makeEngine({
      queues: [pushQueue('q', { retry: { taskRetryLimit: 3, minBackoffUs: 123_457, maxBackoffUs: 10 * S } })],
      service: service({ statuses: [{ status: 500, weight: 1 }], serviceTime: { dist: 'constant', us: 1_001 } }),
    });
    te.engine.addTasks('q', [{ countdownUs: 3 }]);
    await runToEnd(te);
    const ds = te.of('dispatch');
    const retries = te.of('retry');
    expect(ds[0].h.eta).toBe(formatEpochSeconds(DEFAULT_EPOCH_US + 3));
    expect(ds[0].h.eta).toBe('1767225600.000003');
    ds.slice(1).forEach((d, i) => expect(d.h.eta).toBe(formatEpochSeconds(DEFAULT_EPOCH_US + retries[i].eta)));
    for (const d of ds) {
      expect(d.h.eta).toMatch(/^\d+\.\d{6}$/);
      expect(d.h.tn).toBe('auto-1');
      expect(d.h.qn).toBe('q');
    }
  });

  it('HDR-5 a custom epoch moves the ETA header', async () => {
    const { Engine } = await import('../../src/model/engine.js');
    const { MemoryTrace } = await import('../../src/sim/trace.js');
    const m = new MemoryTrace();
    const e = new Engine({
      config: makeEngine({ queues: [pushQueue('q')] }).engine.config,
      seed: 1,
      epochUs: 5_000_000,
      sinks: [m],
      service: service(),
    });
    e.addTasks('q', [{ countdownUs: 250 }]);
    e.run();
    const d = m.events.find((x) => x.e === 'dispatch') as TraceEvent & { e: 'dispatch' };
    expect(d.h.eta).toBe('5.000250');
    expect(m.events[0]).toMatchObject({ e: 'config', epochUs: 5_000_000 });
  });
});

describe('HANDLER-4 duplicates', () => {
  it('HANDLER-4 duplicateRate 1: every success is followed by exactly one duplicate delivery, and nothing else', async () => {
    const te = makeEngine({ queues: [pushQueue('q')], service: service({ duplicateRate: 1 }) });
    te.engine.addTasks(
      'q',
      Array.from({ length: 10 }, (_, i) => ({ name: `t${i}` })),
    );
    await runToEnd(te);
    const dups = te.of('dispatch').filter((d) => d.dup);
    expect(dups).toHaveLength(10);
    for (const s of te.of('success')) {
      const after = te.forTask('dispatch', s.id).filter((d) => d.t >= s.t);
      expect(after).toHaveLength(1);
      expect(after[0].dup).toBe(true);
      const original = te.forTask('dispatch', s.id).find((d) => !d.dup)!;
      expect(after[0].h.tn).toBe(original.h.tn); // the same task: a handler can dedupe by name
      expect(after[0].n).toBe(original.n);
    }
    expect(te.of('success')).toHaveLength(10); // the duplicate's response is not another success
    expect(te.of('response')).toHaveLength(20);
    await expectInvariantsHold(te.events);
  });

  it('HANDLER-4 duplicates are rare at a small rate and absent at 0', async () => {
    const some = makeEngine({ queues: [pushQueue('q')], service: service({ duplicateRate: 0.2 }), seed: 4 });
    some.engine.addTasks(
      'q',
      Array.from({ length: 100 }, () => ({})),
    );
    await runToEnd(some);
    const n = some.of('dispatch').filter((d) => d.dup).length;
    expect(n).toBeGreaterThan(5);
    expect(n).toBeLessThan(40);
    const none = makeEngine({ queues: [pushQueue('q')], service: service() });
    none.engine.addTasks(
      'q',
      Array.from({ length: 100 }, () => ({})),
    );
    await runToEnd(none);
    expect(none.of('dispatch').filter((d) => d.dup)).toHaveLength(0);
  });
});

describe('HANDLER-2 retries of a scripted always-failing handler', () => {
  it('HANDLER-2 a handler answering 500 is retried with a growing RetryCount and ExecutionCount', async () => {
    const te = makeEngine({ queues: [pushQueue('q', { retry: { taskRetryLimit: 4 } })], service: always(500) });
    te.engine.addTasks('q', [{}]);
    await runToEnd(te);
    expect(te.of('dispatch').map((d) => [d.h.rc, d.h.ec])).toEqual([
      ['0', '0'],
      ['1', '1'],
      ['2', '2'],
      ['3', '3'],
      ['4', '4'],
    ]);
  });
});
