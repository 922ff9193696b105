import { describe, expect, test } from 'vitest';
import { SimulationStats } from '../../src/report/stats.js';
import { MS, S, TraceBuilder, pullQueue, pushQueue } from './trace-builder.js';

/** HDR histograms with 3 significant digits: a percentile is within 0.1 % of the true value. */
function expectWithinHdr(actual: number | null, expected: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(expected * 0.001 + 1);
}

describe('SimulationStats: push queues', () => {
  test('counts dispatches, successes and adds per 100 ms bucket', () => {
    const b = new TraceBuilder().config([pushQueue('default')]);
    for (const [id, at] of [
      [0, 0],
      [1, 50 * MS],
      [2, 150 * MS],
      [3, 250 * MS],
      [4, 260 * MS],
    ] as const) {
      b.task('default', id, 0, [[at, 10 * MS, 'ok']]);
    }
    const s = b.summarize();
    const q = s.queues[0];
    expect(s.bucketUs).toBe(100 * MS);
    expect(s.buckets).toBe(3); // last event at 270 ms
    expect(q.series.adds).toEqual([5, 0, 0]);
    expect(q.series.dispatches).toEqual([2, 1, 2]);
    expect(q.series.successes).toEqual([2, 1, 2]);
    expect(q.series.failures).toEqual([0, 0, 0]);
    expect(s.overall.series.dispatches).toEqual([2, 1, 2]);
    expect(q.counts).toMatchObject({ added: 5, dispatched: 5, successes: 5, failures: 0 });
    expect(q.counts.responses.ok).toBe(5);
  });

  test('queue depth is added-and-not-terminal, highest per bucket, carried over quiet buckets', () => {
    const b = new TraceBuilder().config([pushQueue('default')]);
    for (const [id, at] of [
      [0, 0],
      [1, 50 * MS],
      [2, 150 * MS],
      [3, 250 * MS],
      [4, 260 * MS],
    ] as const) {
      b.task('default', id, 0, [[at, 10 * MS, 'ok']]);
    }
    // Three more tasks added later, one never finishing; a gap of quiet buckets in between.
    b.add(600 * MS, 10)
      .add(610 * MS, 11)
      .add(620 * MS, 12);
    b.dispatch(700 * MS, 10)
      .response(710 * MS, 10)
      .success(710 * MS, 10);
    b.dispatch(700 * MS, 11)
      .response(710 * MS, 11, 'default', 1, 'error', 500)
      .retry(710 * MS, 11);
    b.dispatch(800 * MS, 11, 'default', 2)
      .response(810 * MS, 11, 'default', 2, 'error', 500)
      .exhaust(810 * MS, 11, 'default', 2);
    const q = b.summarize().queues[0];
    // 5 at t=0, 3 after 60 ms, 2 after 160 ms, 0 after 270 ms; 3 from 620 ms, 2 after 710 ms, 1 after 810 ms.
    expect(q.series.depthMax).toEqual([5, 3, 2, 0, 0, 0, 3, 3, 2]);
    expect(q.depthMax).toBe(5);
    expect(q.depthAtEnd).toBe(1);
    expect(q.counts.exhausted).toBe(1);
  });

  test('in-flight: highest per bucket, against max_concurrent_requests from the config', () => {
    const b = new TraceBuilder().config([pushQueue('default', { maxConcurrentRequests: 3 })]);
    b.task('default', 0, 0, [[0, 100 * MS, 'ok']]);
    b.task('default', 1, 0, [[10 * MS, 100 * MS, 'ok']]);
    b.task('default', 2, 0, [[20 * MS, 100 * MS, 'ok']]);
    b.task('default', 3, 0, [[250 * MS, 5 * MS, 'ok']]);
    const s = b.summarize();
    const q = s.queues[0];
    expect(q.maxConcurrentRequests).toBe(3);
    expect(q.series.inFlightMax).toEqual([3, 3, 1]);
    expect(q.inFlightMax).toBe(3);
    expect(q.inFlightAtEnd).toBe(0);
    expect(s.overall.inFlightMax).toBe(3);
  });

  test('the configured rate, bucket_size and max_concurrent_requests reach the summary', () => {
    const s = new TraceBuilder()
      .config([
        pushQueue('fast', { rate: '20/s', ratePerSec: 20, bucketSize: 40, maxConcurrentRequests: 7 }),
        pushQueue('slow', { rate: '1/m', ratePerSec: 1 / 60 }),
      ])
      .summarize();
    expect(s.queues.map((q) => [q.name, q.rate, q.ratePerSec, q.bucketSize, q.maxConcurrentRequests])).toEqual([
      ['fast', '20/s', 20, 40, 7],
      ['slow', '1/m', 1 / 60, 5, null],
    ]);
    expect(s.seed).toBe(1);
    expect(s.profile).toBe('appengine');
  });

  test('add-to-success latency percentiles come from the HDR histogram within its precision', () => {
    const b = new TraceBuilder().config([pushQueue('default')]);
    // Latencies 1 ms … 1000 ms, one task each.
    for (let i = 1; i <= 1000; i++) {
      const t = i * 2 * S;
      b.add(t, i)
        .dispatch(t, i)
        .response(t + i * MS, i)
        .success(t + i * MS, i);
    }
    const l = b.summarize().queues[0].latency;
    expect(l.count).toBe(1000);
    expect(l.minUs).toBe(1 * MS);
    expect(l.maxUs).toBe(1000 * MS);
    expect(l.meanUs).toBe(500.5 * MS);
    expectWithinHdr(l.p50Us, 500 * MS);
    expectWithinHdr(l.p90Us, 900 * MS);
    expectWithinHdr(l.p99Us, 990 * MS);
    expectWithinHdr(l.p999Us, 999 * MS);
    expect(l.cdf[0]).toEqual([1 * MS, 0]);
    expect(l.cdf[l.cdf.length - 1]).toEqual([1000 * MS, 100]);
    // Monotone: the CDF never goes down.
    for (let k = 1; k < l.cdf.length; k++) {
      expect(l.cdf[k][0]).toBeGreaterThanOrEqual(l.cdf[k - 1][0]);
      expect(l.cdf[k][1]).toBeGreaterThan(l.cdf[k - 1][1]);
    }
  });

  test('a skewed latency distribution: the tail shows at p99.9, not at p99', () => {
    const b = new TraceBuilder().config([pushQueue('default')]);
    for (let i = 0; i < 1000; i++) {
      const lat = i < 990 ? 10 * MS : 5 * S;
      b.add(i * MS, i)
        .dispatch(i * MS, i)
        .response(i * MS + lat, i)
        .success(i * MS + lat, i);
    }
    const l = b.summarize().overall.latency;
    expectWithinHdr(l.p50Us, 10 * MS);
    expectWithinHdr(l.p99Us, 10 * MS);
    expectWithinHdr(l.p999Us, 5 * S);
    expect(l.maxUs).toBe(5 * S);
  });

  test('attempts per task: the attempt at success or exhaustion', () => {
    const b = new TraceBuilder().config([pushQueue('default')]);
    b.task('default', 1, 0, [[0, 10 * MS, 'ok']]);
    b.task('default', 2, 0, [
      [0, 10 * MS, 'error'],
      [S, 10 * MS, 'ok'],
    ]);
    b.task('default', 3, 0, [
      [0, 10 * MS, 'error'],
      [S, 0, 'no-instance'],
      [2 * S, 10 * MS, 'deadline'],
      [3 * S, 10 * MS, 'net'],
      [4 * S, 10 * MS, 'error'],
    ]);
    b.task('default', 4, 0, [[0, 10 * MS, 'ok']]);
    const q = b.summarize().queues[0];
    expect(q.attempts).toEqual([
      [1, 2],
      [2, 1],
      [5, 1],
    ]);
    expect(q.counts).toMatchObject({ successes: 3, exhausted: 1, failures: 6, retries: 5, dispatched: 9 });
    expect(q.counts.responses).toEqual({ ok: 3, error: 3, noInstance: 1, deadline: 1, net: 1 });
  });

  test('a duplicate delivery after success (HANDLER-4) is counted, but the task completes once', () => {
    const b = new TraceBuilder().config([pushQueue('default')]);
    b.task('default', 1, 0, [[0, 10 * MS, 'ok']]);
    b.dispatch(50 * MS, 1, 'default', 2, true)
      .response(60 * MS, 1, 'default', 2)
      .success(60 * MS, 1, 'default', 2);
    const s = b.summarize();
    const q = s.queues[0];
    expect(q.counts.duplicates).toBe(1);
    expect(q.counts.dispatched).toBe(2);
    expect(q.latency.count).toBe(1);
    expect(q.attempts).toEqual([[1, 1]]);
    expect(q.depthAtEnd).toBe(0);
    expect(s.overall.depthAtEnd).toBe(0);
    expect(q.series.depthMax.every((v) => v >= 0)).toBe(true);
  });

  test('rejected adds are counted and do not enter the depth', () => {
    const q = new TraceBuilder()
      .config([pushQueue('default')])
      .add(0, 1)
      .reject(0)
      .reject(5 * MS)
      .summarize().queues[0];
    expect(q.counts.rejected).toBe(2);
    expect(q.depthAtEnd).toBe(1);
  });
});

describe('SimulationStats: periods', () => {
  test('throttled: from rate events below the configured rate, until it is back', () => {
    const b = new TraceBuilder().config([pushQueue('default', { ratePerSec: 5 })]);
    b.rate(1 * S, 2.5)
      .rate(1.5 * S, 3)
      .rate(3 * S, 5)
      .rate(10 * S, 1)
      .end(12 * S);
    const q = b.summarize().queues[0];
    expect(q.throttled).toEqual({
      count: 2,
      totalUs: 4 * S,
      openAtEnd: true,
      ranges: [
        [1 * S, 3 * S],
        [10 * S, 12 * S],
      ],
    });
    const r = q.series.effectiveRateMin!;
    expect(r[0]).toBe(5);
    expect(r[10]).toBe(2.5);
    expect(r[15]).toBe(2.5); // 2.5 carried in, then 3
    expect(r[16]).toBe(3);
    expect(r[29]).toBe(3);
    expect(r[30]).toBe(3); // the bucket where it recovers still saw 3
    expect(r[31]).toBe(5);
    expect(r[100]).toBe(1);
  });

  test('paused between pause and resume (PUSH-8); outages from outage events', () => {
    const b = new TraceBuilder().config([pushQueue('default')]);
    b.pause(2 * S)
      .resume(4 * S)
      .outage(5 * S, true)
      .outage(6.5 * S, false)
      .end(8 * S);
    const s = b.summarize();
    expect(s.queues[0].paused).toEqual({ count: 1, totalUs: 2 * S, openAtEnd: false, ranges: [[2 * S, 4 * S]] });
    expect(s.overall.outages).toEqual({ count: 1, totalUs: 1.5 * S, openAtEnd: false, ranges: [[5 * S, 6.5 * S]] });
  });

  test('flapping throttles: count and total stay exact, drawn ranges are joined', () => {
    const b = new TraceBuilder().config([pushQueue('default', { ratePerSec: 5 })]);
    for (let k = 0; k < 100; k++) b.rate(k * 30, 2).rate(k * 30 + 10, 5);
    const q = b.summarize().queues[0];
    expect(q.throttled.count).toBe(100);
    expect(q.throttled.totalUs).toBe(1000);
    expect(q.throttled.ranges).toEqual([[0, 99 * 30 + 10]]);
  });

  test('instances: highest count per bucket', () => {
    const s = new TraceBuilder()
      .config([pushQueue('default')])
      .instances(0, 1)
      .instances(50 * MS, 3)
      .instances(60 * MS, 2)
      .instances(250 * MS, 0)
      .summarize();
    expect(s.overall.series.instancesMax).toEqual([3, 2, 2]);
    expect(s.overall.instancesMax).toBe(3);
  });
});

describe('SimulationStats: pull queues', () => {
  test('lease calls, leases, expiries, releases, lease age and add-to-delete', () => {
    const q = 'jobs';
    const b = new TraceBuilder().config([pullQueue(q)]);
    b.add(0, 1, q).add(0, 2, q).add(0, 3, q);
    b.leaseCall(1 * S, q, 2)
      .lease(1 * S, 1, q, 61 * S, 1)
      .lease(1 * S, 2, q, 61 * S, 1);
    b.leaseCall(1.05 * S, q, 0, 'capped').leaseCall(1.2 * S, q, 0, 'transient');
    b.delete(3 * S, 1, q);
    b.expire(61 * S, 2, q);
    b.leaseCall(62 * S, q, 2)
      .lease(62 * S, 2, q, 122 * S, 2)
      .lease(62 * S, 3, q, 122 * S, 1);
    b.modify(62 * S, 3, q, 62 * S); // released at once (PULL-5)
    b.delete(70 * S, 2, q);
    const s = b.summarize();
    const jobs = s.queues[0];
    expect(jobs.mode).toBe('pull');
    expect(jobs.pull!.leaseCalls).toEqual({ total: 4, ok: 2, capped: 1, transient: 1, tasksReturned: 4 });
    expect(jobs.pull!.leases).toBe(4);
    expect(jobs.pull!.expiries).toBe(1);
    expect(jobs.pull!.releases).toBe(1);
    expect(jobs.pull!.modifies).toBe(1);
    const age = jobs.pull!.leaseAge;
    expect(age.count).toBe(3); // delete after 2 s, expiry after 60 s, delete after 8 s
    expect(age.minUs).toBe(2 * S);
    expect(age.maxUs).toBe(60 * S);
    expect(age.meanUs).toBe((70 * S) / 3);
    expect(jobs.latency.count).toBe(2);
    expect(jobs.latency.minUs).toBe(3 * S);
    expect(jobs.latency.maxUs).toBe(70 * S);
    expect(jobs.attempts).toEqual([
      [1, 1],
      [2, 1],
    ]);
    expect(jobs.depthAtEnd).toBe(1);
    expect(jobs.counts.deleted).toBe(2);
    // 70 s of trace needs 200 ms buckets to stay within 600.
    expect(s.bucketUs).toBe(200 * MS);
    expect(jobs.series.leases![5]).toBe(2);
    expect(jobs.series.leases![310]).toBe(2);
    expect(jobs.series.leases!.reduce((a, v) => a + v, 0)).toBe(4);
    expect(jobs.series.expiries!.reduce((a, v) => a + v, 0)).toBe(1);
    expect(jobs.series.deletes!.reduce((a, v) => a + v, 0)).toBe(2);
  });

  test('a pull task exhausted after its leases (PULL-10) ends its lease and the depth', () => {
    const q = 'jobs';
    const b = new TraceBuilder().config([
      pullQueue(q, { retry: { taskRetryLimit: 1, minBackoffUs: 1, maxBackoffUs: 1, maxDoublings: 0 } }),
    ]);
    b.add(0, 1, q)
      .leaseCall(S, q, 1)
      .lease(S, 1, q, 2 * S, 1)
      .expire(2 * S, 1, q);
    b.leaseCall(3 * S, q, 1)
      .lease(3 * S, 1, q, 4 * S, 2)
      .exhaust(3.5 * S, 1, q, 2);
    const jobs = b.summarize().queues[0];
    expect(jobs.counts.exhausted).toBe(1);
    expect(jobs.attempts).toEqual([[2, 1]]);
    expect(jobs.pull!.leaseAge.count).toBe(2);
    expect(jobs.depthAtEnd).toBe(0);
  });
});

describe('SimulationStats: robustness', () => {
  test('queues missing from the config are still collected, after the configured ones', () => {
    const b = new TraceBuilder().config([pushQueue('zeta')]);
    b.task('alpha', 1, 0, [[0, 10 * MS, 'ok']])
      .task('zeta', 2, 0, [[0, 10 * MS, 'ok']])
      .task('beta', 3, 0, [[0, 10 * MS, 'ok']]);
    const s = b.summarize();
    expect(s.queues.map((q) => [q.name, q.configured])).toEqual([
      ['zeta', true],
      ['alpha', false],
      ['beta', false],
    ]);
    expect(s.queues[1].ratePerSec).toBeNull();
    expect(s.overall.counts.successes).toBe(3);
  });

  test('an empty trace gives an empty, valid summary', () => {
    const s = new SimulationStats().toJSON();
    expect(s.events).toBe(0);
    expect(s.buckets).toBe(1);
    expect(s.queues).toEqual([]);
    expect(s.overall.latency.p50Us).toBeNull();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  test('toJSON is a snapshot: calling it mid-run does not disturb the result', () => {
    const b = new TraceBuilder().config([pushQueue('default', { ratePerSec: 5 })]);
    for (let i = 0; i < 50; i++)
      b.task('default', i, i * 100 * MS, [
        [i * 100 * MS + MS, 20 * MS, i % 7 ? 'ok' : 'error'],
        [i * 100 * MS + 50 * MS, 20 * MS, 'ok'],
      ]);
    b.rate(S, 2)
      .rate(3 * S, 5)
      .outage(2 * S, true);
    const events = b.sorted();
    const once = new SimulationStats();
    const twice = new SimulationStats();
    events.forEach((ev, k) => {
      once.onEvent(ev);
      twice.onEvent(ev);
      if (k % 37 === 0) twice.toJSON();
    });
    expect(twice.toJSON()).toEqual(once.toJSON());
  });

  test('the summary is plain data: JSON round-trips it unchanged', () => {
    const b = new TraceBuilder().config([pushQueue('default'), pullQueue('jobs')]);
    b.task('default', 1, 0, [[0, 10 * MS, 'ok']])
      .add(0, 2, 'jobs')
      .leaseCall(S, 'jobs', 1)
      .lease(S, 2, 'jobs', 2 * S)
      .delete(1.5 * S, 2, 'jobs');
    const s = b.summarize();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
