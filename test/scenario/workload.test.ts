import { describe, expect, it } from 'vitest';
import { scenarioFromObject } from '../../src/scenario/load.js';
import { startStream, startWorker } from '../../src/scenario/workload.js';
import type { PullWorkers, WorkloadStream } from '../../src/scenario/types.js';
import { S, expectInvariantsHold, makeEngine, pullQueue, pushQueue, runToEnd } from '../helpers/engine.js';

const stream = (over: Partial<WorkloadStream>): WorkloadStream => ({
  queue: 'q',
  kind: 'burst',
  count: 1,
  startUs: 0,
  ratePerSec: 1,
  etaOffsetUs: { min: 0, max: 0 },
  payloadBytes: { min: 0, max: 0 },
  tags: [],
  failFast: false,
  ...over,
});
const worker = (over: Partial<PullWorkers>): PullWorkers => ({
  queue: 'p',
  count: 1,
  pollIntervalUs: S,
  leaseSeconds: 10,
  batch: 10,
  byTag: false,
  processingUs: 100_000,
  crashProbability: 0,
  startUs: 0,
  ...over,
});

describe('workload streams', () => {
  it('TASK-3 a burst larger than 100 is added in calls of at most 100, all at its start', async () => {
    const te = makeEngine({ queues: [pushQueue('q')] });
    let finished = 0;
    startStream(te.engine, stream({ count: 250, startUs: 2 * S }), () => finished++);
    expect(finished).toBe(0);
    await runToEnd(te);
    expect(finished).toBe(1);
    expect(te.of('add').map((a) => a.t)).toEqual(Array(250).fill(2 * S));
    expect(te.of('reject')).toEqual([]);
  });

  it('a constant stream spaces tasks at 1/rate from its start', async () => {
    const te = makeEngine({ queues: [pushQueue('q')] });
    startStream(te.engine, stream({ kind: 'constant', ratePerSec: 4, count: 5, startUs: S }), () => {});
    await runToEnd(te);
    expect(te.of('add').map((a) => a.t / S)).toEqual([1, 1.25, 1.5, 1.75, 2]);
  });

  it('a poisson stream has increasing times and about the right mean gap', async () => {
    const te = makeEngine({ queues: [pushQueue('q')] });
    startStream(te.engine, stream({ kind: 'poisson', ratePerSec: 10, count: 400 }), () => {});
    await runToEnd(te);
    const t = te.of('add').map((a) => a.t);
    for (let i = 1; i < t.length; i++) expect(t[i]).toBeGreaterThan(t[i - 1]);
    const mean = (t.at(-1)! - t[0]) / (t.length - 1);
    expect(mean).toBeGreaterThan(80_000);
    expect(mean).toBeLessThan(120_000);
  });

  it('TASK-1 / PULL-6 / PUSH-4 / HDR-8 names, tags, ETA offsets, payload sizes and FailFast come from the stream', async () => {
    const te = makeEngine({ queues: [pushQueue('q'), pullQueue('p')] });
    startStream(
      te.engine,
      stream({
        queue: 'p',
        count: 5,
        namePrefix: 'job-',
        tags: ['a', 'b'],
        etaOffsetUs: { min: S, max: 2 * S },
        payloadBytes: { min: 10, max: 20 },
      }),
      () => {},
    );
    startStream(te.engine, stream({ count: 2, failFast: true }), () => {});
    await runToEnd(te);
    const pulls = te.of('add').filter((a) => a.q === 'p');
    expect(pulls.map((a) => a.name)).toEqual(['job-0', 'job-1', 'job-2', 'job-3', 'job-4']);
    expect(pulls.map((a) => a.tag)).toEqual(['a', 'b', 'a', 'b', 'a']);
    for (const a of pulls) {
      expect(a.eta).toBeGreaterThanOrEqual(S);
      expect(a.eta).toBeLessThanOrEqual(2 * S);
      expect(a.size).toBeGreaterThanOrEqual(10);
      expect(a.size).toBeLessThanOrEqual(20);
    }
    expect(
      te
        .of('add')
        .filter((a) => a.q === 'q')
        .every((a) => a.ff === true),
    ).toBe(true);
  });

  it('a stream of 0 tasks finishes at once and adds nothing', () => {
    const te = makeEngine({ queues: [pushQueue('q')] });
    let finished = false;
    startStream(te.engine, stream({ count: 0 }), () => (finished = true));
    expect(finished).toBe(true);
    expect(te.engine.run()).toBe('idle');
    expect(te.of('add')).toEqual([]);
  });
});

describe('pull workers', () => {
  it('PULL-2/7 a worker leases, processes and deletes every task, then stops once the workload is over', async () => {
    const te = makeEngine({ queues: [pullQueue('p')] });
    let left = 1;
    startStream(te.engine, stream({ queue: 'p', kind: 'constant', ratePerSec: 5, count: 20 }), () => left--);
    startWorker(te.engine, worker({ batch: 3 }), 'w0', () => left === 0);
    expect(await runToEnd(te, { maxEvents: 10_000 })).toBe('idle');
    expect(te.of('delete')).toHaveLength(20);
    expect(te.engine.liveCount('p')).toBe(0);
    for (const c of te.of('lease-call')) expect(c.got).toBeLessThanOrEqual(3);
    await expectInvariantsHold(te.events);
  });

  it('PULL-4 a worker that crashes leaves its leases to expire; another worker picks the tasks up', async () => {
    const te = makeEngine({ queues: [pullQueue('p')] });
    startStream(te.engine, stream({ queue: 'p', count: 5 }), () => {});
    startWorker(te.engine, worker({ crashProbability: 1, leaseSeconds: 5, startUs: 0 }), 'crasher', () => true);
    startWorker(te.engine, worker({ startUs: 1 }), 'steady', () => true);
    await runToEnd(te, { maxEvents: 10_000 });
    expect(te.of('lease').filter((l) => l.w === 'crasher').length).toBeGreaterThan(0);
    expect(te.of('expire').length).toBeGreaterThan(0);
    expect(te.of('delete')).toHaveLength(5);
    await expectInvariantsHold(te.events);
  });

  it('PULL-6 a worker with a tag takes only that tag', async () => {
    const s = await scenarioFromObject(
      {
        queues: [{ name: 'p', mode: 'pull' }],
        workload: [{ queue: 'p', count: 6, tags: ['eu', 'us'] }],
        workers: [{ queue: 'p', tag: 'eu', poll_interval: '1s' }],
        stop: { after: '30s' },
      },
      'w.yaml',
    );
    const te = makeEngine({ queues: s.config.queues });
    startStream(te.engine, s.workload[0], () => {});
    startWorker(te.engine, s.workers[0], 'eu-only', () => true);
    await runToEnd(te, { untilUs: 30 * S });
    const leased = te.of('lease').map((l) => te.forTask('add', l.id)[0].tag);
    expect(leased).toEqual(['eu', 'eu', 'eu']);
  });
});
