/**
 * In virtual time both sides' engines are recycled between runs (the model's when its run closes,
 * an in-process queue's at its next reset: spares.ts). A recycled engine must leave nothing behind:
 * a run replayed after a whole failing campaign on the same queue gives the report it gives alone.
 */
import { describe, expect, it } from 'vitest';
import { MUTANTS } from '../../src/adapters/mutants/index.js';
import { ReferenceQueue } from '../../src/adapters/reference.js';
import { runFuzz, type FuzzReport } from '../../src/fuzz/campaign.js';

/** A report as compared: everything but how long it took. */
function verdicts(r: FuzzReport): unknown {
  return JSON.parse(JSON.stringify(r, (k, v) => (k === 'durationMs' || k === 'ms' ? undefined : v)));
}

/** The reference with HDR-3 broken, answering every call at once (so its engine is recycled too). */
function hdr3(): ReferenceQueue {
  const mutant = MUTANTS.find((m) => m.name === 'retry-count-off-by-one')!;
  const q = new ReferenceQueue('hdr3', mutant.parts().hooks);
  expect(q.immediate()).toBe(q);
  return q;
}

describe('engines reused between runs', () => {
  it('a failure replayed after a failing campaign on the same queue is reported as when replayed alone (HDR-3)', async () => {
    const found = await runFuzz({ adapter: 'hdr3', queue: hdr3(), seed: 4, runs: 40 });
    expect(found.ok).toBe(false);
    const token = found.failure!.token;

    const alone = await runFuzz({ adapter: 'hdr3', queue: hdr3(), seed: 0, replay: token });
    expect(alone.failure?.rule).toBe('HDR-3');

    const reused = hdr3();
    const before = await runFuzz({ adapter: 'hdr3', queue: reused, seed: 11, runs: 40 });
    expect(before.ok).toBe(false); // runs that failed, shrinks, and engines left mid-run
    const after = await runFuzz({ adapter: 'hdr3', queue: reused, seed: 0, replay: token });
    expect(verdicts(after)).toEqual(verdicts(alone));
  });

  it('a campaign on a queue that has run another gives the report it gives on a new queue', async () => {
    const fresh = await runFuzz({ adapter: 'reference', queue: new ReferenceQueue(), seed: 21, runs: 40 });
    const reused = new ReferenceQueue();
    await runFuzz({ adapter: 'hdr3', queue: hdr3(), seed: 5, runs: 20 }); // other engines' parts in the spares
    await runFuzz({ adapter: 'reference', queue: reused, seed: 8, runs: 40 });
    const again = await runFuzz({ adapter: 'reference', queue: reused, seed: 21, runs: 40 });
    expect(fresh.ok).toBe(true);
    expect(verdicts(again)).toEqual(verdicts(fresh));
  });
});
