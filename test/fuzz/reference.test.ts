import { describe, expect, it } from 'vitest';
import { ReferenceQueue } from '../../src/adapters/reference.js';
import { runFuzz } from '../../src/fuzz/campaign.js';
import { slowOr } from '../helpers/slow.js';

/**
 * A soak: any run may show the model disagreeing with itself, so more runs look further. TASKSIM_SLOW=1
 * runs 1,000 and 150 under each other seed; the default suite a shorter soak of each (the reference
 * runs in many other campaigns of the suite besides: the CLI's, the jobs', the shards').
 */
const RUNS = slowOr(1000, 400);
const OTHER_SEED_RUNS = slowOr(150, 50);

describe('tasksim fuzz against the reference', () => {
  it(`passes ${RUNS} runs of up to 30 commands (the model agrees with itself, every INV holds on its trace)`, async () => {
    const report = await runFuzz({ adapter: 'reference', queue: new ReferenceQueue(), runs: RUNS, seed: 20260101 });
    expect(report.failure?.violations).toBeUndefined();
    expect(report.ok).toBe(true);
    expect(report.runs).toBe(RUNS);
  });

  it('passes under other seeds too', async () => {
    for (const seed of [1, 2, 3]) {
      const report = await runFuzz({
        adapter: 'reference',
        queue: new ReferenceQueue(),
        runs: OTHER_SEED_RUNS,
        seed,
      });
      expect(report.failure?.violations, `seed ${seed}`).toBeUndefined();
    }
  });
});
