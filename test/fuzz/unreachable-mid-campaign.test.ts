/**
 * A queue that cannot be reached partway through a campaign: the campaign must end with the same
 * AdapterUnreachable it raises before the first run (the CLI's exit 3), not a passing report of the
 * runs that came before. Fast-check sees the throw as a failed property; taking that for "done"
 * would be a false pass.
 */
import { describe, expect, it } from 'vitest';
import { AdapterUnreachable } from '../../src/adapters/contract.js';
import { ReferenceQueue } from '../../src/adapters/reference.js';
import { runFuzz } from '../../src/fuzz/campaign.js';
import { wrapQueue } from '../helpers/wrap-queue.js';

describe('a queue lost to the network between runs', () => {
  it('ends the campaign with AdapterUnreachable, not a pass of the runs before it', async () => {
    const inner = new ReferenceQueue();
    let resets = 0;
    const queue = wrapQueue(inner, 'unreachable-at-run-4', {
      reset: (s) => {
        resets++;
        if (resets === 4) return Promise.reject(new AdapterUnreachable('cannot reach the queue at run 4 (test)'));
        return inner.reset(s);
      },
    });
    await expect(runFuzz({ adapter: 'unreachable-at-run-4', queue, runs: 10, seed: 7 })).rejects.toBeInstanceOf(
      AdapterUnreachable,
    );
    expect(resets).toBe(4); // no run was tried after it: the campaign stopped there
  });
});
