import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueUnderTest } from '../../src/adapters/contract.js';
import { HttpJsonQueue } from '../../src/adapters/http-json.js';
import { serveReferenceOverHttp, type Served } from '../../src/adapters/http-json-server.js';
import { findMutant } from '../../src/adapters/mutants/index.js';
import { ReferenceQueue } from '../../src/adapters/reference.js';
import { BEHAVIOURS } from '../../src/fuzz/behaviour.js';
import { WALL_CLOCK_MAX_COMMANDS, WALL_CLOCK_RUNS, runFuzz } from '../../src/fuzz/campaign.js';
import { buildConfig } from '../../src/fuzz/config-arb.js';
import { formatText } from '../../src/fuzz/report.js';
import { WALL_CLOCK_TOLERANCE } from '../../src/fuzz/tolerance.js';
import { FuzzFailure } from '../../src/fuzz/violation.js';
import { runOnWallClock } from '../helpers/lockstep.js';
import { slowOr } from '../helpers/slow.js';
import { wrapQueue } from '../helpers/wrap-queue.js';
import type { ResolvedConfig } from '../../src/model/config.js';

const FAILING = BEHAVIOURS.find((b) => b.name === 'failing')!;

/** q0: 100/s, task_retry_limit 2, backoff 20–50 ms. */
function config(): ResolvedConfig {
  return buildConfig('appengine', [
    {
      name: 'q0',
      mode: 'push',
      rate: '100/s',
      ratePerSec: 100,
      bucketSize: 5,
      retry: { taskRetryLimit: 2, minBackoffUs: 20_000, maxBackoffUs: 50_000, maxDoublings: 1 },
    },
  ]);
}

/** One hand-written run: a failing handler, one task, 150 ms, then the drain. */
async function failingTask(sut: QueueUnderTest) {
  return runOnWallClock(sut, config(), 7, async (run) => {
    await run.setBehaviour(FAILING);
    await run.add('q0', [{ name: 'a', payload: 'hi' }], 'push');
    await run.advance(150_000);
  });
}

describe('tasksim fuzz on the wall clock (controlsClock: false)', () => {
  let served: Served;
  beforeAll(async () => {
    served = await serveReferenceOverHttp({ realTime: true });
  });
  afterAll(async () => {
    await served.close();
  });

  // The acceptance figure: three campaigns in a row against the real-time reference over HTTP on
  // 127.0.0.1, no violation in any (README "Wall clock" gives the tolerances), under TASKSIM_SLOW=1;
  // the default suite runs the first (each is a campaign of its own against the same tolerances).
  for (const seed of slowOr([101, 202, 303], [101])) {
    it(`the real-time reference over HTTP passes 15 runs (seed ${seed})`, async () => {
      const queue = new HttpJsonQueue(served.url);
      try {
        const report = await runFuzz({ adapter: served.url, queue, runs: 15, seed });
        expect(report.failure?.violations, report.failure ? formatText(report) : '').toBeUndefined();
        expect(report).toMatchObject({ ok: true, runs: 15, clock: 'wall', tolerance: WALL_CLOCK_TOLERANCE });
        expect(formatText(report)).toMatch(/real time .* tolerances: delivery times and TaskETA ±\(100 ms/);
      } finally {
        await queue.close();
      }
    });
  }

  it('defaults to 20 runs of ≤ 12 commands and tells the caller before the first run', async () => {
    const queue = new HttpJsonQueue(served.url);
    const plans: unknown[] = [];
    try {
      const report = await runFuzz({ adapter: served.url, queue, runs: 1, seed: 9, onStart: (p) => plans.push(p) });
      expect(report.ok).toBe(true);
      expect(plans).toEqual([
        {
          clock: 'wall',
          runs: 1,
          maxCommands: WALL_CLOCK_MAX_COMMANDS,
          tolerance: WALL_CLOCK_TOLERANCE,
          lacks: ['runTask'],
        },
      ]);
      expect([WALL_CLOCK_RUNS, WALL_CLOCK_MAX_COMMANDS]).toEqual([20, 12]);
    } finally {
      await queue.close();
    }
  });

  it('compares real deliveries: a failing task is retried to its limit on both sides, in real time', async () => {
    const queue = new HttpJsonQueue(served.url);
    try {
      const { run, error } = await failingTask(queue);
      expect(error).toBeUndefined();
      const trace = run.observedTrace('idle');
      const dispatches = trace.filter((e) => e.e === 'dispatch');
      expect(dispatches.map((d) => (d.e === 'dispatch' ? d.h.rc : ''))).toEqual(['0', '1', '2']); // RETRY-1: 2 retries
      expect(trace.some((e) => e.e === 'exhaust')).toBe(true);
      // Real time passed between the attempts: at least the 20 ms backoff plus the 20 ms answer.
      expect(dispatches[1].t - dispatches[0].t).toBeGreaterThanOrEqual(35_000);
    } finally {
      await queue.close();
    }
  });

  it('the same run against a mutant fails, naming the rule (HDR-3)', async () => {
    const m = findMutant('retry-count-off-by-one')!.create().onWallClock();
    const { error } = await failingTask(m);
    await m.close();
    expect(error).toBeInstanceOf(FuzzFailure);
    expect((error as FuzzFailure).violations[0]).toMatchObject({
      rule: 'HDR-3',
      check: 'model',
      expected: '"1"',
      actual: '"2"',
    });
  });

  it('a queue 20 ms late on its clock and slow to answer calls still passes (the tolerances hold)', async () => {
    const inner = new ReferenceQueue().onWallClock({ tickMs: 20 });
    const slow =
      <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
      async (...a: A): Promise<R> => {
        const ms = Math.random() < 0.3 ? Math.random() * 30 : 0;
        await new Promise((r) => setTimeout(r, ms));
        return f(...a);
      };
    const queue = wrapQueue(inner, 'slow', {
      addTasks: slow((q, t) => inner.addTasks(q, t)),
      deleteTask: slow((q, n) => inner.deleteTask(q, n)),
      pauseQueue: slow((q) => inner.pauseQueue(q)),
      resumeQueue: slow((q) => inner.resumeQueue(q)),
      leaseTasks: slow((q, s) => inner.leaseTasks(q, s)),
      modifyLease: slow((q, n, u, s) => inner.modifyLease(q, n, u, s)),
    });
    try {
      const report = await runFuzz({ adapter: 'slow', queue, runs: 15, seed: 404 });
      expect(report.failure?.violations, report.failure ? formatText(report) : '').toBeUndefined();
    } finally {
      await inner.close();
    }
  });
});
