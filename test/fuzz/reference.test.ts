import { describe, expect, it } from 'vitest';
import { ReferenceQueue } from '../../src/adapters/reference.js';
import { runFuzz } from '../../src/fuzz/campaign.js';

describe('tasksim fuzz against the reference', () => {
  it('passes 1,000 runs of up to 30 commands (the model agrees with itself, every INV holds on its trace)', async () => {
    const report = await runFuzz({ adapter: 'reference', queue: new ReferenceQueue(), runs: 1000, seed: 20260101 });
    expect(report.failure?.violations).toBeUndefined();
    expect(report.ok).toBe(true);
    expect(report.runs).toBe(1000);
  });

  it('passes under other seeds too', async () => {
    for (const seed of [1, 2, 3]) {
      const report = await runFuzz({ adapter: 'reference', queue: new ReferenceQueue(), runs: 150, seed });
      expect(report.failure?.violations, `seed ${seed}`).toBeUndefined();
    }
  });
});
