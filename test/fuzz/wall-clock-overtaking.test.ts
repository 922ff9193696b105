/**
 * On the wall clock a delivery may overtake the answer to the add that made it: its name is not in
 * the book yet. The harness holds it while the add is out (however long that takes on a loaded
 * machine), not for a fixed time after which it would call it a task never added (HDR-2).
 */
import { describe, expect, it } from 'vitest';
import type { QueueUnderTest, TaskSpec } from '../../src/adapters/contract.js';
import { ReferenceQueue } from '../../src/adapters/reference.js';
import { onePushQueue, runOnWallClock } from '../helpers/lockstep.js';
import { wrapQueue } from '../helpers/wrap-queue.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a delivery that overtakes its add (wall clock)', () => {
  it('is matched to its task when the add answers 600 ms after the queue took it', async () => {
    const inner = new ReferenceQueue().onWallClock();
    const sut: QueueUnderTest = wrapQueue(inner, 'slow-adds', {
      reset: (s) => inner.reset(s),
      // The queue takes the task (due now, so it delivers at once) and answers the add 600 ms later.
      addTasks: async (q: string, t: TaskSpec[]) => {
        const r = await inner.addTasks(q, t);
        await sleep(600);
        return r;
      },
    });
    const config = onePushQueue();
    const { run, error } = await runOnWallClock(sut, config, 3, async (r) => {
      await r.add('q0', [{ name: 'a', payload: 'hi' }], 'push');
      await r.advance(100_000);
    });
    await inner.close();
    expect(error).toBeUndefined();
    // The queue's one delivery was taken as task a's first attempt, not as a task never added.
    expect(run.sut.log.map((s) => [s.key, s.nth])).toEqual([[run.book.findByName('q0', 'a')!.key, 1]]);
  });
});
