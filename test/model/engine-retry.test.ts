/** Retries through the engine: RETRY-1…5, SPEC §10 readings, HANDLER-3 503s. */
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/model/backoff.js';
import type { ProfileName, RetryParameters } from '../../src/model/config.js';
import {
  S,
  always,
  driveExternal,
  expectInvariantsHold,
  makeEngine,
  pushQueue,
  runToEnd,
  service,
} from '../helpers/engine.js';

const instant = (status: number) => always(status, { serviceTime: { dist: 'constant', us: 0 } });

async function attemptsUntilExhausted(profile: ProfileName, retry: Partial<RetryParameters>, countdownUs = 0) {
  const te = makeEngine({ profile, queues: [pushQueue('q', { retry })], service: instant(500) });
  te.engine.addTasks('q', [{ countdownUs }]);
  await runToEnd(te);
  return te;
}

describe('RETRY-1 retry limit through the engine', () => {
  it('RETRY-1 appengine: task_retry_limit 3 → 4 attempts, then exhausted (RETRY-5)', async () => {
    const te = await attemptsUntilExhausted('appengine', { taskRetryLimit: 3 });
    expect(te.of('dispatch').map((d) => d.n)).toEqual([1, 2, 3, 4]);
    expect(te.of('exhaust')).toMatchObject([{ n: 4, rule: 'RETRY-5' }]);
    expect(te.of('retry').map((r) => r.n)).toEqual([2, 3, 4]);
    await expectInvariantsHold(te.events);
  });

  it('RETRY-1 / SPEC §10 cloud-tasks: task_retry_limit 3 → 3 attempts', async () => {
    const te = await attemptsUntilExhausted('cloud-tasks', { taskRetryLimit: 3 });
    expect(te.of('dispatch').map((d) => d.n)).toEqual([1, 2, 3]);
    expect(te.of('exhaust')).toMatchObject([{ n: 3 }]);
    await expectInvariantsHold(te.events);
  });

  it('RETRY-1 task_retry_limit 0: one attempt only', async () => {
    const te = await attemptsUntilExhausted('appengine', { taskRetryLimit: 0 });
    expect(te.of('dispatch')).toHaveLength(1);
    expect(te.of('retry')).toHaveLength(0);
  });

  it('RETRY-1 unset: retries go on until the task succeeds', async () => {
    const te = makeEngine({
      queues: [pushQueue('q')],
      service: service({
        statuses: [
          { status: 500, weight: 9 },
          { status: 200, weight: 1 },
        ],
      }),
    });
    te.engine.addTasks(
      'q',
      Array.from({ length: 20 }, () => ({})),
    );
    await runToEnd(te);
    expect(te.of('success')).toHaveLength(20);
    expect(te.of('exhaust')).toHaveLength(0);
    expect(te.of('dispatch').length).toBeGreaterThan(60);
  });

  it('RETRY-5 an exhausted task is never delivered again, and its name is tombstoned', async () => {
    const te = makeEngine({ queues: [pushQueue('q', { retry: { taskRetryLimit: 1 } })], service: instant(500) });
    te.engine.addTasks('q', [{ name: 'gone' }]);
    await runToEnd(te);
    const ex = te.of('exhaust')[0];
    expect(te.of('dispatch').filter((d) => d.t > ex.t)).toEqual([]);
    expect(te.engine.addTasks('q', [{ name: 'gone' }])[0]).toMatchObject({ ok: false, rule: 'TASK-2' });
    expect(te.engine.liveCount('q')).toBe(0);
  });
});

describe('RETRY-4 backoff through the engine', () => {
  it('RETRY-4 each retry’s ETA is the failed response’s time plus delay(n), and the attempt goes then', async () => {
    const retry = { taskRetryLimit: 8, minBackoffUs: 10 * S, maxBackoffUs: 300 * S, maxDoublings: 3 };
    const te = makeEngine({
      queues: [pushQueue('q', { retry })],
      service: service({ statuses: [{ status: 500, weight: 1 }], serviceTime: { dist: 'constant', us: 250_000 } }),
    });
    te.engine.addTasks('q', [{}]);
    await runToEnd(te);
    const responses = te.of('response');
    const retries = te.of('retry');
    expect(retries).toHaveLength(8);
    retries.forEach((r, i) => {
      expect(r.t).toBe(responses[i].t);
      expect(r.eta - r.t).toBe(backoffDelay(i + 1, retry));
    });
    expect(retries.map((r) => (r.eta - r.t) / S)).toEqual([10, 20, 40, 80, 160, 240, 300, 300]);
    expect(
      te
        .of('dispatch')
        .slice(1)
        .map((d) => d.t),
    ).toEqual(retries.map((r) => r.eta));
  });

  it('RETRY-4 / SPEC §10 the legacy "half" step is a profile option', async () => {
    const retry = { taskRetryLimit: 6, minBackoffUs: 10 * S, maxBackoffUs: 300 * S, maxDoublings: 3 };
    const te = makeEngine({
      options: { backoffLinearStep: 'half' },
      queues: [pushQueue('q', { retry })],
      service: instant(500),
    });
    te.engine.addTasks('q', [{}]);
    await runToEnd(te);
    expect(te.of('retry').map((r) => (r.eta - r.t) / S)).toEqual([10, 20, 40, 80, 120, 160]);
    await expectInvariantsHold(te.events);
  });
});

describe('RETRY-2 age limit through the engine', () => {
  // min 10 s, D 0: delays 10, 20, 30, 40 …; instant failures.
  const linear = { minBackoffUs: 10 * S, maxBackoffUs: 300 * S, maxDoublings: 0 };

  it('RETRY-2 age counts from the first attempt: countdown 100 s, limit 60 s → attempts at 100, 110, 130, 160, 200 s', async () => {
    const te = await attemptsUntilExhausted('appengine', { ...linear, taskAgeLimitUs: 60 * S }, 100 * S);
    // Failures at ages 0, 10, 30 and 60 s are retried (60 = the limit exactly, still retried); at 100 s the age is past it.
    expect(te.of('dispatch').map((d) => d.t / S)).toEqual([100, 110, 130, 160, 200]);
    expect(te.of('exhaust')).toHaveLength(1);
    await expectInvariantsHold(te.events);
  });

  it('RETRY-2 / SPEC §10 age from creation: the same task is exhausted after its first attempt', async () => {
    const te = makeEngine({
      options: { ageFrom: 'creation' },
      queues: [pushQueue('q', { retry: { ...linear, taskAgeLimitUs: 60 * S } })],
      service: instant(500),
    });
    te.engine.addTasks('q', [{ countdownUs: 100 * S }]);
    await runToEnd(te);
    expect(te.of('dispatch').map((d) => d.t / S)).toEqual([100]);
    expect(te.of('exhaust')).toHaveLength(1);
    await expectInvariantsHold(te.events);
  });

  it('RETRY-2 both limits: the count is exceeded first, retrying continues until the age is too (20 min)', async () => {
    const te = await attemptsUntilExhausted('appengine', { ...linear, taskRetryLimit: 3, taskAgeLimitUs: 1200 * S });
    const times = te.of('dispatch').map((d) => d.t / S);
    // Delays 10, 20, 30 … s; the failure at 1200 s is exactly at the age limit, so one more retry (+160 s).
    expect(times).toEqual([0, 10, 30, 60, 100, 150, 210, 280, 360, 450, 550, 660, 780, 910, 1050, 1200, 1360]);
    await expectInvariantsHold(te.events);
  });

  it('RETRY-2 both limits: the age is reached first, retrying continues until the count is too', async () => {
    const te = await attemptsUntilExhausted('appengine', { ...linear, taskRetryLimit: 6, taskAgeLimitUs: 30 * S });
    expect(te.of('dispatch')).toHaveLength(7);
    await expectInvariantsHold(te.events);
  });
});

describe('HANDLER-3 / SPEC §10 a 503 from the handler', () => {
  const script = [503, 503, 500, 500, 500, 500];

  for (const [profile, attempts, executions] of [
    ['appengine', 3, '2'],
    ['cloud-tasks', 4, '0'],
  ] as const) {
    it(`HANDLER-3 ${profile}: task_retry_limit 2 with answers ${script.join(', ')}… → ${attempts} attempts`, async () => {
      const te = makeEngine({ profile, queues: [pushQueue('q', { retry: { taskRetryLimit: 2 } })], external: true });
      te.engine.addTasks('q', [{}]);
      const ds = await driveExternal(te, (d) => script[d.attempt - 1]);
      expect(ds.map((d) => d.attempt)).toEqual(Array.from({ length: attempts }, (_, i) => i + 1));
      expect(te.of('exhaust')).toHaveLength(1);
      // Either way a 503 slows the queue (HANDLER-3). It counts as an execution under appengine (it reached
      // the handler, HDR-4); Cloud Tasks' ExecutionCount leaves out every 5xx (CT-5).
      expect(te.of('rate').length).toBeGreaterThanOrEqual(2);
      expect(te.of('rate')[0].rate).toBe(500);
      expect(ds[2].headers['X-AppEngine-TaskExecutionCount']).toBe(executions);
      await expectInvariantsHold(te.events);
    });
  }
});
