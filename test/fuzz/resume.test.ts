/**
 * PUSH-8's resume in the fuzzer: a pause or resume is aimed when it runs (a resume at a paused queue
 * holding a task), the drain resumes every queue the model holds paused, and a dispatch the queue
 * owes after a resume it answered OK and did not take is cited as PUSH-8 (not PUSH-5, INST-2 or
 * CT-4), whether the queue reports its events or not. A queue whose resume does nothing is caught in
 * a large share of runs.
 */
import { describe, expect, it } from 'vitest';
import type { Capabilities, OpOutcome, QueueUnderTest } from '../../src/adapters/contract.js';
import { MutantQueue, findMutant } from '../../src/adapters/mutants/index.js';
import { ReferenceQueue } from '../../src/adapters/reference.js';
import { DEFAULT_MAX_COMMANDS, DEFAULT_RUNS, runFuzz } from '../../src/fuzz/campaign.js';
import { pauseTarget } from '../../src/fuzz/commands.js';
import { buildConfig } from '../../src/fuzz/config-arb.js';
import { Lockstep } from '../../src/fuzz/lockstep.js';
import { formatText } from '../../src/fuzz/report.js';
import { FuzzFailure, type FuzzViolation } from '../../src/fuzz/violation.js';
import type { QueueConfig, ResolvedConfig } from '../../src/model/config.js';
import { slowOr } from '../helpers/slow.js';
import { shareWithThenAfter } from './command-odds.js';
import { absorb, added, emptyScene } from './scene.js';

const S = 1_000_000;

/** A push queue, bucket 5, backoff 0.1–1 s (and `retry`'s changes). */
function pushQueue(name: string, ratePerSec: number, retry: Partial<QueueConfig['retry']> = {}): QueueConfig {
  return {
    name,
    mode: 'push',
    rate: `${ratePerSec}/s`,
    ratePerSec,
    bucketSize: 5,
    retry: { minBackoffUs: 100_000, maxBackoffUs: S, maxDoublings: 1, ...retry },
  };
}

/** default (5/s, from buildConfig) and q0 at 10/s, bucket 5: two tasks added at once go out at once. */
const CONFIG = buildConfig('appengine', [pushQueue('q0', 10)]);

/** One scripted run in virtual time: the violations it failed with, or undefined when it passed. */
async function scripted(
  sut: QueueUnderTest,
  body: (run: Lockstep) => Promise<unknown>,
  config: ResolvedConfig = CONFIG,
): Promise<FuzzViolation[] | undefined> {
  const run = new Lockstep({ config, seed: 1, sut, caps: await sut.describe() });
  try {
    await run.start();
    await body(run);
    await run.finish();
    return undefined;
  } catch (err) {
    if (err instanceof FuzzFailure) return err.violations;
    throw err;
  } finally {
    await run.close();
  }
}

/** Pauses q0, adds task "a" to it, resumes it, waits a second. */
const pauseAddResume = async (run: Lockstep): Promise<void> => {
  await run.pause('q0', true);
  await run.add('q0', [{ name: 'a' }], 'push');
  await run.pause('q0', false);
  await run.advance(1 * S);
};

/** A queue that does not report its events (the harness sees only its deliveries and answers). */
function quiet<T extends QueueUnderTest>(queue: T): T {
  const describe = queue.describe.bind(queue);
  queue.describe = async (): Promise<Capabilities> => ({ ...(await describe()), events: false });
  return queue;
}

/** Without events, a resume answered OK that does nothing. */
class ResumeIgnoredQuietly extends ReferenceQueue {
  override async resumeQueue(): Promise<OpOutcome> {
    return { ok: true };
  }
}

describe('the queue a pause or resume acts on (resolved when it runs)', () => {
  const config = buildConfig('appengine', [pushQueue('q0', 1), pushQueue('q1', 1), pushQueue('stopped', 0)]);
  const pushQueues = ['default', 'q0', 'q1', 'stopped'];

  it('a resume aims at the paused queues holding a task, then the paused ones, then every push queue', () => {
    const { book, state } = emptyScene();
    const scene = { config, pushQueues, book, modelState: state };
    const resume = (pick: number): string => pauseTarget(scene, false, pick);
    // Nothing paused: every push queue by index, the rate-0 one too (as a blind draw would).
    expect([0, 1, 2, 3, 4].map(resume)).toEqual(['default', 'q0', 'q1', 'stopped', 'default']);
    absorb(state, { t: 0, e: 'pause', q: 'q0' });
    absorb(state, { t: 0, e: 'pause', q: 'q1' });
    expect([0, 1, 2].map(resume)).toEqual(['q0', 'q1', 'q0']); // paused, none holding a task
    added(book, state, 'q1', 'a', true, 5 * S);
    expect([0, 1, 2].map(resume)).toEqual(['q1', 'q1', 'q1']); // q1 holds "a": every pick resumes it
    absorb(state, { t: 0, e: 'success', id: 1, q: 'q1', n: 1 });
    expect([0, 1].map(resume)).toEqual(['q0', 'q1']); // "a" is done: q1 holds nothing any more
  });

  it('a pause aims at the running queues holding a task, then the running ones, never at a rate-0 queue', () => {
    const { book, state } = emptyScene();
    const scene = { config, pushQueues, book, modelState: state };
    const pause = (pick: number): string => pauseTarget(scene, true, pick);
    expect([0, 1, 2, 3].map(pause)).toEqual(['default', 'q0', 'q1', 'default']);
    added(book, state, 'q0', 'auto-1', false, 0);
    added(book, state, 'stopped', 'b', true, 0);
    expect([0, 1].map(pause)).toEqual(['q0', 'q0']);
    absorb(state, { t: 0, e: 'pause', q: 'q0' });
    expect([0, 1, 2].map(pause)).toEqual(['default', 'q1', 'default']); // q0 is paused already
  });
});

describe('a resume answered OK that leaves the queue paused is PUSH-8', () => {
  it("the model's dispatch after the resume, missing, is the resume not taken (the queue's events say it is still paused)", async () => {
    const found = await scripted(findMutant('resume-ignored')!.create(), pauseAddResume);
    expect(found?.[0]).toMatchObject({
      rule: 'PUSH-8',
      check: 'model',
      t: 0, // resumed at 0 with a full bucket: "a" goes out at once
      task: 'q0/a',
    });
    expect(found![0].message).toMatch(/q0 stayed paused after the resume it answered OK at t=0\.000000s/);
  });

  it('the same without events: nothing of q0 reached the handler since the queue answered the resume', async () => {
    const found = await scripted(quiet(new ResumeIgnoredQuietly('resume-ignored-quietly')), pauseAddResume);
    expect(found?.[0]).toMatchObject({ rule: 'PUSH-8', t: 0, task: 'q0/a' });
    expect(found![0].message).toMatch(/stayed paused after the resume it answered OK/);
  });

  it('a RunTask the queue refuses as paused after that resume is the resume not taken too, not CT-4', async () => {
    const found = await scripted(findMutant('resume-ignored')!.create(), async (run) => {
      await run.pause('q0', true);
      await run.add('q0', [{ name: 'a', countdownUs: 10 * S }], 'push');
      await run.pause('q0', false);
      await run.runTaskOf(run.book.findByName('q0', 'a')!);
    });
    expect(found?.[0]).toMatchObject({ rule: 'PUSH-8', expected: 'ok' });
    expect(found![0].message).toMatch(
      /^run_task q0\/a \(the queue stayed paused after the resume it answered OK at t=0\.000000s\)/,
    );
    expect(found![0].actual).toMatch(/^refused FAILED_PRECONDITION/);
  });

  it('the drain resumes a queue left paused, after a quiet hour: caught with no resume command', async () => {
    const pauseAdd = async (run: Lockstep): Promise<void> => {
      await run.pause('q0', true);
      await run.add('q0', [{ name: 'a' }], 'push');
    };
    const found = await scripted(findMutant('resume-ignored')!.create(), pauseAdd);
    // The drain: an hour with q0 paused, then q0 resumed at 3600 s, when the model sends "a".
    expect(found?.[0]).toMatchObject({ rule: 'PUSH-8', t: 3600 * S, task: 'q0/a' });
    expect(found![0].message).toMatch(/after the resume it answered OK at t=3600\.000000s/);
    // The correct queue: the same scripts pass, with the resume and without it.
    expect(await scripted(new ReferenceQueue(), pauseAdd)).toBeUndefined();
    expect(await scripted(new ReferenceQueue(), pauseAddResume)).toBeUndefined();
    expect(await scripted(quiet(new ReferenceQueue()), pauseAdd)).toBeUndefined();
  });

  it('a queue that ignored the pause is still seen in that quiet hour (PUSH-8 the other way)', async () => {
    const found = await scripted(findMutant('pause-ignored')!.create(), async (run) => {
      await run.pause('q0', true);
      await run.add('q0', [{ name: 'a', countdownUs: 5 * S }], 'push');
    });
    // "a" is due at 5 s; the queue sends it then, while the model holds q0 paused.
    expect(found?.[0]).toMatchObject({ rule: 'PUSH-8', t: 5 * S, task: 'q0/a' });
    expect(found![0].message).toMatch(/came before the model dispatches it \(queue q0 is paused\)/);
  });

  it('a dispatch missing because the queue made it while paused (no instance, then no retry) is PUSH-8', async () => {
    const config = buildConfig('appengine', [pushQueue('q0', 10, { taskRetryLimit: 0 })]);
    const found = await scripted(
      findMutant('pause-ignored')!.create(),
      async (run) => {
        await run.pause('q0', true);
        await run.setOutage(true);
        await run.add('q0', [{ name: 'a' }], 'push');
      },
      config,
    );
    // The queue tried "a" at 0 (no instance: the handler never saw it) and, with no retry left, ended
    // it; the model sends it once the drain resumes q0, at 3600 s.
    expect(found?.[0]).toMatchObject({ rule: 'PUSH-8', t: 3600 * S, task: 'q0/a' });
    expect(found![0].message).toMatch(/the queue had dispatched it at t=0\.000000s, while q0 was paused/);
  });

  it("a campaign's counterexample replays exactly from its token", async () => {
    const report = await runFuzz({
      adapter: 'mutant:resume-ignored',
      queue: findMutant('resume-ignored')!.create(),
      runs: 50,
      seed: 7,
      maxFailures: 1,
    });
    const f = report.failures![0];
    expect(f.rule, formatText(report)).toBe('PUSH-8');
    const again = await runFuzz({
      adapter: 'mutant:resume-ignored',
      queue: findMutant('resume-ignored')!.create(),
      seed: 0,
      replay: f.token,
    });
    expect(again.failures![0].commands).toEqual(f.commands);
    expect(again.failures![0].violations).toEqual(f.violations);
  });

  it('without events, a dispatch missing after a resume the queue did take stays what it is (PUSH-5)', async () => {
    // A queue that holds "b" back ten seconds: after the resume it sends "a", so it did resume.
    const late = quiet(
      new MutantQueue('b-late', {
        hooks: { task: (spec) => (spec.name === 'b' ? { ...spec, countdownUs: 10 * S } : spec) },
      }),
    );
    const found = await scripted(late, async (run) => {
      await run.pause('q0', true);
      await run.add('q0', [{ name: 'a' }, { name: 'b' }], 'push');
      await run.pause('q0', false);
    });
    expect(found?.[0]).toMatchObject({ rule: 'PUSH-5', t: 0, task: 'q0/b' });
  });
});

/**
 * The share of runs of `maxCommands` in which a push add comes before a pause, from the weights of
 * commandArbs for the reference (outages and RunTask: 17 draws). A push add is 3 in 34 (3 adds, half
 * of them to a push queue), a pause 1 in 34 (one pause-or-resume draw, half of them pauses);
 * fc.commands draws a length from 0 to maxCommands about uniformly.
 */
function pushAddThenPause(maxCommands: number): number {
  return shareWithThenAfter(maxCommands, 3 / 34, 1 / 34);
}

/**
 * How often the default campaign (200 runs of at most 30 commands) catches a queue whose resume does
 * nothing (mutant resume-ignored). The floor is derived from the weights, not measured:
 *
 * - Such a queue differs from the model once a queue it paused holds a task the model sends after
 *   the resume, a resume command's or the drain's (which resumes every queue left paused).
 *   `pushAddThenPause` gives the share of runs with a push add and a pause after it: about 0.18.
 * - The pause aims at a running queue holding a task when there is one (pauseTarget), and a paused
 *   queue sends nothing, so the task stays until the resume unless it finished before the pause. An
 *   add of 1 to 3 tasks holds one with its ETA ahead in 1 − (11/20)^n of them (9 in 20 tasks: 3 of 5
 *   delays are positive, 3 of 4 ETA forms are not in the past), 0.66 on average; we count on at least
 *   half of the runs still holding one at the pause.
 *
 * So at least 9% of the runs: 17 of 200 for each seed (measured: 22, 21 and 20; 20 to 41 over seeds
 * 1–8). Before the aim and the drain's resume (a blind queue index, and a run caught only where a
 * pause and a resume came in that order), 0 to 4 runs of 100, no run at all for half of the seeds.
 */
describe('a queue whose resume does nothing is caught in a large share of runs', () => {
  it('the share of runs where it can show, from the weights', () => {
    expect(pushAddThenPause(1)).toBe(0); // one command cannot hold both
    expect(pushAddThenPause(30)).toBeCloseTo(0.179, 3);
  });

  // Each seed's campaign is a sample of its own, held to the same floor: one shows the rate, and
  // TASKSIM_SLOW=1 holds three to it. The default suite's is seed 3, the nearest the floor (20 runs):
  // a pause aimed blindly again (no queue holding a task first) brings it to 16, under the floor,
  // where seeds 1 and 2 stay over it.
  for (const seed of slowOr([1, 2, 3], [3])) {
    it(`seed ${seed}: at least 9% of the default campaign's runs, each citing PUSH-8`, async () => {
      const floor = Math.floor((DEFAULT_RUNS * pushAddThenPause(DEFAULT_MAX_COMMANDS)) / 2);
      expect([DEFAULT_RUNS, DEFAULT_MAX_COMMANDS, floor]).toEqual([200, 30, 17]);
      let failed = 0;
      const report = await runFuzz({
        adapter: 'mutant:resume-ignored',
        queue: findMutant('resume-ignored')!.create(),
        seed,
        onRun: (_done, _total, f) => {
          failed = f;
        },
      });
      expect(failed, formatText(report)).toBeGreaterThanOrEqual(floor);
      // One defect, one bucket: every failing run cites the rule the queue broke.
      expect(
        report.failures!.map((f) => [f.rule, f.occurrences]),
        formatText(report),
      ).toEqual([['PUSH-8', failed]]);
    }, 120_000);
  }
});
