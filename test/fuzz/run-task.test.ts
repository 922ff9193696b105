/**
 * CT-4 RunTask as a fuzz command: generated only for a queue that can run tasks, aimed at tasks
 * that exist (those still waiting first), compared on both sides (a refusal where the model runs the
 * task is a CT-4 failure, its message shown), and judged in the trace (a task run before its ETA is
 * no early delivery). A queue whose RunTask does nothing is caught in a large share of runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Capabilities, OpOutcome } from '../../src/adapters/contract.js';
import { findMutant } from '../../src/adapters/mutants/index.js';
import { ReferenceQueue } from '../../src/adapters/reference.js';
import { runFuzz } from '../../src/fuzz/campaign.js';
import { commandArbs, runTaskTarget, type RunTaskAim } from '../../src/fuzz/commands.js';
import { SideState } from '../../src/fuzz/model-state.js';
import { formatText } from '../../src/fuzz/report.js';
import { TaskBook } from '../../src/fuzz/task-book.js';
import { slowOr } from '../helpers/slow.js';
import { onePushQueue, runOnWallClock } from '../helpers/lockstep.js';
import { FuzzFailure } from '../../src/fuzz/violation.js';
import { shareWithThenAfter } from './command-odds.js';
import { absorb, added } from './scene.js';

/** The share of sampled commands that are RunTask, for a queue with these capabilities. */
function runTaskCommands(caps: Capabilities): number {
  const cmds = fc.sample(fc.oneof(...commandArbs({ outages: caps.outages, realTime: false, caps })), {
    numRuns: 400,
    seed: 4,
  });
  return cmds.filter((c) => c.toString().startsWith('run_task(')).length;
}

/** A queue that refuses every RunTask as if its queue were paused. */
class RunTaskRefused extends ReferenceQueue {
  override async runTask(): Promise<OpOutcome> {
    return { ok: false, error: 'FAILED_PRECONDITION', message: 'the queue is paused (it is not)' };
  }
}

describe('RunTask (CT-4) in the fuzzer', () => {
  it('is generated only for a queue that does not lack it', () => {
    const base: Capabilities = { controlsClock: true, outages: true, events: true };
    expect(runTaskCommands(base)).toBeGreaterThan(0);
    expect(runTaskCommands({ ...base, lacks: ['runTask'] })).toBe(0);
  });

  it('a queue without a runTask call is taken to lack it, whatever it says', async () => {
    const queue = new ReferenceQueue();
    Object.defineProperty(queue, 'runTask', { value: undefined });
    const plans: { lacks: string[] }[] = [];
    const report = await runFuzz({ adapter: 'reference', queue, runs: 3, seed: 1, onStart: (p) => plans.push(p) });
    expect(report.ok).toBe(true);
    expect(plans[0].lacks).toContain('runTask');
  });

  it('the reference runs tasks as the model does: no difference, no invariant broken', async () => {
    const report = await runFuzz({ adapter: 'reference', queue: new ReferenceQueue(), runs: 60, seed: 21 });
    expect(report.failures ?? [], formatText(report)).toEqual([]);
  }, 120_000);

  it('a RunTask refused unlike the model is a CT-4 failure showing the refusal', async () => {
    const report = await runFuzz({
      adapter: 'run-task-refused',
      queue: new RunTaskRefused('run-task-refused'),
      runs: 200,
      seed: 2,
      maxFailures: 1,
    });
    expect(report.ok).toBe(false);
    const f = report.failures![0];
    expect(f.rule, formatText(report)).toBe('CT-4');
    // Shrunk, it may be a RunTask of a task already done: the model's NOT_FOUND, not this refusal.
    expect(f.violations[0].expected).toMatch(/^(ok|refused NOT_FOUND)/);
    expect(f.violations[0].actual).toBe('refused FAILED_PRECONDITION (the queue is paused (it is not))');
    expect(f.commands.at(-1)).toMatch(/^run_task /);
  }, 120_000);

  it("a RunTask refused for a pause the queue never reported is that pause not taken (PUSH-8), not RunTask's", async () => {
    const report = await runFuzz({
      adapter: 'mutant:pause-ignored',
      queue: findMutant('pause-ignored')!.create(),
      runs: 100,
      seed: 1,
    });
    const rules = (report.failures ?? []).map((f) => f.rule);
    expect(rules, formatText(report)).toContain('PUSH-8');
    expect(rules, formatText(report)).not.toContain('CT-4');
    const viaRunTask = report.failures!.flatMap((f) => f.violations).filter((v) => v.message.startsWith('run_task '));
    for (const v of viaRunTask) expect(v.message).toMatch(/\(the queue never reported its pause\)/);
  }, 120_000);

  it('a queue whose RunTask does nothing is caught, and its counterexample replays exactly', async () => {
    const report = await runFuzz({
      adapter: 'mutant:run-task-ignored',
      queue: findMutant('run-task-ignored')!.create(),
      runs: 10,
      seed: 1,
      maxFailures: 1,
    });
    expect(report.ok).toBe(false);
    const f = report.failures![0];
    expect(
      f.commands.some((c) => c.startsWith('run_task ')),
      formatText(report),
    ).toBe(true);
    const again = await runFuzz({
      adapter: 'mutant:run-task-ignored',
      queue: findMutant('run-task-ignored')!.create(),
      seed: 0,
      replay: f.token,
    });
    expect(again.failures![0].commands).toEqual(f.commands);
    expect(again.failures![0].violations).toEqual(f.violations);
  }, 120_000);
});

const S = 1_000_000;

describe('the task a RunTask aims at (resolved when it runs)', () => {
  it('waiting tasks, then due ones, then any; by index modulo their count, in the order added', () => {
    const book = new TaskBook();
    const state = new SideState('model', book);
    const scene = { book, modelState: state, now: 1 * S };
    const at = (aim: RunTaskAim, pick: number): number | undefined => runTaskTarget(scene, aim, pick)?.key;
    expect(at('waiting', 0)).toBeUndefined(); // nothing added: nothing to do
    const countdown = added(book, state, 'q0', 'a', true, 5 * S); // ETA ahead at 1s: waiting
    const due = added(book, state, 'q0', 'auto-2', false, 0); // ETA come: due
    const done = added(book, state, 'q1', 'b', true, 0);
    absorb(state, { t: 0, e: 'success', id: done.key, q: 'q1', n: 1 }); // finished: any only
    added(book, state, 'pull', 'p', true, 5 * S); // a pull task: never RunTask's
    const backoff = added(book, state, 'q0', 'auto-5', false, 0);
    absorb(state, { t: 0, e: 'retry', id: backoff.key, q: 'q0', n: 1, eta: 9 * S }); // retry at 9s: waiting
    expect([0, 1, 2, 3].map((i) => at('waiting', i))).toEqual([countdown.key, backoff.key, countdown.key, backoff.key]);
    expect([0, 7].map((i) => at('due', i))).toEqual([due.key, due.key]);
    expect([0, 1, 2, 3, 4].map((i) => at('any', i))).toEqual([
      countdown.key,
      due.key,
      done.key,
      backoff.key,
      countdown.key,
    ]);
    // The countdown task's ETA comes: it is due, and only the one in backoff still waits.
    scene.now = 5 * S;
    expect([0, 1].map((i) => at('waiting', i))).toEqual([backoff.key, backoff.key]);
    expect([0, 1].map((i) => at('due', i))).toEqual([countdown.key, due.key]);
    // "b" added again: the name names its latest task, the finished one is no longer there to run.
    const again = added(book, state, 'q1', 'b', true, 0);
    expect([0, 1, 2, 3].map((i) => at('any', i))).toEqual([countdown.key, due.key, backoff.key, again.key]);
  });

  it('an aim with no task falls back to waiting, due, then any', () => {
    const book = new TaskBook();
    const state = new SideState('model', book);
    const scene = { book, modelState: state, now: 0 };
    const gone = added(book, state, 'q0', 'a', true, 0);
    absorb(state, { t: 0, e: 'delete', id: gone.key, q: 'q0' });
    // Only a deleted task: every aim runs it (and both sides must refuse it alike, NOT_FOUND).
    for (const aim of ['waiting', 'due', 'any'] as const) expect(runTaskTarget(scene, aim, 3)?.key).toBe(gone.key);
    const later = added(book, state, 'q0', 'auto-2', false, 2 * S);
    expect(runTaskTarget(scene, 'due', 0)?.key).toBe(later.key); // no due task: a waiting one
    const now = added(book, state, 'q0', 'auto-3', false, 0);
    expect(runTaskTarget(scene, 'waiting', 1)?.key).toBe(later.key);
    expect(runTaskTarget(scene, 'due', 1)?.key).toBe(now.key);
  });
});

/**
 * How often a campaign catches a queue whose RunTask does nothing (mutant run-task-ignored), in
 * runs of 30 commands (the default). The floor is derived from the command weights, not measured:
 *
 * - A run can show the defect only where a RunTask follows a push add. Of the 17 draws of
 *   commandArbs (the reference has outages and RunTask), 3 are adds, half of them to a push queue
 *   (3 in 34), and 3 are RunTasks (3 in 17); fc.commands draws a length from 0 to 30 about
 *   uniformly. `pushAddThenRunTask` below computes the share of runs with a push add and a RunTask
 *   after it: about 0.49.
 * - There the RunTask aims at a task still held if there is one, and then the run is caught (the
 *   model dispatches a waiting task now, or refuses a task in flight or in a paused queue, where the
 *   mutant answers OK and does nothing). Of the tasks added, 9 in 20 have their ETA ahead (3 of 5
 *   delays are positive, 3 of 4 ETA forms are not in the past) and a due one is in flight at its
 *   add's step; we count on at least half of those runs still holding a task at the RunTask.
 *
 * So at least a quarter of the runs: 24 of 100 for each seed (measured: 39, 43 and 40). Before
 * RunTask aimed at tasks that exist (a blind name or index, 1 draw in 15), 3 to 7 runs of 100.
 */
function pushAddThenRunTask(maxCommands: number): number {
  return shareWithThenAfter(maxCommands, 3 / 34, 3 / 17);
}

describe('a queue whose RunTask does nothing is caught in a large share of runs', () => {
  it('the share of runs where it can show, from the weights', () => {
    // One command cannot hold both an add and a RunTask after it.
    expect(pushAddThenRunTask(1)).toBe(0);
    expect(pushAddThenRunTask(30)).toBeCloseTo(0.49, 2);
  });

  // Each seed's 100 runs are a sample of their own, held to the same floor: one shows the rate, and
  // TASKSIM_SLOW=1 holds three to it. The default suite's is seed 1, the nearest the floor (39 runs).
  for (const seed of slowOr([1, 2, 3], [1])) {
    it(`seed ${seed}: at least a quarter of 100 runs`, async () => {
      const floor = Math.floor((100 * pushAddThenRunTask(30)) / 2);
      expect(floor).toBe(24);
      let failed = 0;
      const report = await runFuzz({
        adapter: 'mutant:run-task-ignored',
        queue: findMutant('run-task-ignored')!.create(),
        runs: 100,
        seed,
        onRun: (_done, _total, f) => {
          failed = f;
        },
      });
      expect(report.ok).toBe(false);
      expect(failed, formatText(report)).toBeGreaterThanOrEqual(floor);
    }, 120_000);
  }
});

const MS = 1000;

describe('RunTask on the wall clock', () => {
  // The queue may dispatch a task it is told to run at any instant of the call's round trip, and the
  // model hears of the RunTask only when the answer is back. The first run of seed 2 RunTasks a task
  // with a countdown: before such a task was left uncompared from there, the correct reference failed
  // that run with PUSH-4 and HDR-5, a delivery "before its ETA" made by the RunTask (a false alarm).
  it('is no false alarm: the reference in real time passes a run that RunTasks a task with a countdown', async () => {
    const report = await runFuzz({
      adapter: 'reference',
      queue: new ReferenceQueue().onWallClock(),
      seed: 2,
      runs: 1,
    });
    expect(report.ok, formatText(report)).toBe(true);
    expect(report.runs).toBe(1);
  }, 60_000);

  // A task RunTask made uncompared may still be held by the queue (its dispatch in flight) when the
  // model has finished it: a named add of it then meets ALREADY_EXISTS there and TOMBSTONED in the
  // model. Both are the name refused, so the add is not compared either (seed 2 once failed HANDLER-1,
  // "the queue still holds a task the model no longer has", a false alarm). The queue here answers that
  // add as a queue whose RunTask dispatch is still in flight would.
  it('a named add of a task RunTask made uncompared: either refusal of the name passes', async () => {
    const queue = new ReferenceQueue().onWallClock();
    const addTasks = queue.addTasks.bind(queue);
    let ranA = false;
    queue.addTasks = async (q, specs) => {
      const answers = await addTasks(q, specs);
      return ranA
        ? specs.map((sp, i) => (sp.name === 'a' ? { ok: false, error: 'ALREADY_EXISTS' } : answers[i]))
        : answers;
    };
    const runTask = queue.runTask.bind(queue);
    queue.runTask = (q, name) => {
      ranA ||= name === 'a';
      return runTask(q, name);
    };
    const { run, error } = await runOnWallClock(queue, onePushQueue(), 1, async (r) => {
      await r.add('q0', [{ name: 'a', countdownUs: 100 * MS }], 'push');
      await r.runTaskOf(r.book.findByName('q0', 'a')!);
      await r.advance(50 * MS); // the model's handler has answered: it holds a tombstone of "a"
      await r.add('q0', [{ name: 'a' }], 'push');
    });
    expect(error, error instanceof FuzzFailure ? JSON.stringify(error.violations) : String(error)).toBeUndefined();
    expect(run.log.join('\n')).toMatch(/q0\/a not compared from here/);
    expect(run.modelState.phase.get(run.book.findByName('q0', 'a')!.key)).toBe('succeeded');
  }, 60_000);
});
