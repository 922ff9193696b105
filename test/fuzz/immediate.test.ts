/**
 * A queue in this process may answer every call at once (QueueUnderTest.immediate): the virtual
 * clock then pairs each operation with no promise. The reference offers it only while every call is
 * its own, and a campaign through it finds what the same queue's promise-returning calls find, with
 * the same counterexamples and replay tokens.
 */
import { describe, expect, it } from 'vitest';
import type { AddOutcome, PushAnswer, TaskSpec } from '../../src/adapters/contract.js';
import { MUTANTS } from '../../src/adapters/mutants/index.js';
import { ReferenceQueue } from '../../src/adapters/reference.js';
import { runFuzz, type FuzzReport } from '../../src/fuzz/campaign.js';
import { defaultConfig } from '../../src/model/queue-yaml.js';
import { wrapQueue } from '../helpers/wrap-queue.js';

/** Answers adds its own way (here: as the reference does, through a promise). */
class OwnAdds extends ReferenceQueue {
  override async addTasks(queue: string, tasks: TaskSpec[]): Promise<AddOutcome[]> {
    return super.addTasks(queue, tasks);
  }
}

const handler = (): PushAnswer => ({ status: 200, outcome: 'ok', latencyUs: 0 });

/** A report as compared: everything but how long it took. */
function verdicts(r: FuzzReport): unknown {
  return JSON.parse(JSON.stringify(r, (k, v) => (k === 'durationMs' || k === 'ms' ? undefined : v)));
}

describe('immediate calls', () => {
  it('the reference offers them while every call is its own', () => {
    const q = new ReferenceQueue();
    expect(q.immediate()).toBe(q);
    expect(new OwnAdds().immediate()).toBeUndefined();
    const noRunTask = new ReferenceQueue();
    Object.defineProperty(noRunTask, 'runTask', { value: undefined });
    expect(noRunTask.immediate()).toBeUndefined();
  });

  it('answer as the calls they stand for (TASK-2, PULL-7, PUSH-8)', () => {
    const q = new ReferenceQueue();
    q.resetNow({ config: defaultConfig(), seed: 1, epochUs: 0, handler });
    expect(q.addTasksNow('default', [{ name: 'a' }, { name: 'a' }]).map((o) => (o.ok ? 'ok' : o.error))).toEqual([
      'ok',
      'ALREADY_EXISTS', // TASK-2: a live task holds the name
    ]);
    expect(q.deleteTaskNow('default', 'nobody')).toMatchObject({ ok: false, error: 'NOT_FOUND' });
    expect(q.pauseQueueNow('default')).toEqual({ ok: true });
    expect(q.deleteTaskNow('default', 'a')).toEqual({ ok: true });
    // TASK-2: a deleted name stays taken for a while.
    expect(q.addTasksNow('default', [{ name: 'a' }])).toMatchObject([{ ok: false, error: 'TOMBSTONED' }]);
  });

  it('a campaign through them finds what the promise-returning calls find (HDR-3)', async () => {
    const mutant = MUTANTS.find((m) => m.name === 'retry-count-off-by-one')!;
    const immediate = new ReferenceQueue('hdr3', mutant.parts().hooks);
    expect(immediate.immediate()).toBe(immediate);
    // The same queue behind a wrapper that forwards each call as a promise (RunTask too).
    const inner = new ReferenceQueue('hdr3', mutant.parts().hooks);
    const viaPromises = wrapQueue(inner, 'hdr3', { runTask: (q, n) => inner.runTask(q, n) });
    expect(viaPromises.immediate).toBeUndefined();
    const a = await runFuzz({ adapter: 'hdr3', queue: immediate, seed: 11, runs: 60 });
    const b = await runFuzz({ adapter: 'hdr3', queue: viaPromises, seed: 11, runs: 60 });
    expect(a.ok).toBe(false);
    expect(a.failures?.map((f) => f.rule)).toContain('HDR-3');
    expect(verdicts(b)).toEqual(verdicts(a));
  });
});
