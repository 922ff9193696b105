/** A refused call's own message is part of the verdict: the user sees why their queue said no. */
import { describe, expect, it } from 'vitest';
import type { AddOutcome, TaskSpec } from '../../src/adapters/contract.js';
import { ReferenceQueue } from '../../src/adapters/reference.js';
import { runFuzz } from '../../src/fuzz/campaign.js';
import { formatText } from '../../src/fuzz/report.js';

/** Refuses every named task, saying why. */
class NoNames extends ReferenceQueue {
  override async addTasks(queue: string, tasks: TaskSpec[]): Promise<AddOutcome[]> {
    const out = await super.addTasks(
      queue,
      tasks.map((t) => (t.name === undefined ? t : { ...t, name: undefined })),
    );
    return out.map((o, i) =>
      tasks[i].name === undefined
        ? o
        : { ok: false, error: 'INVALID', rule: 'TASK-1', message: 'names are not supported by this queue' },
    );
  }
}

describe('refusal messages', () => {
  it("an add the model accepts and the queue refuses shows the queue's message", async () => {
    const report = await runFuzz({
      adapter: 'no-names',
      queue: new NoNames('no-names'),
      seed: 2,
      runs: 50,
      maxFailures: 1,
    });
    expect(report.ok).toBe(false);
    const v = report.failure!.violations[0];
    expect(v.expected).toBe('accepted');
    expect(v.actual).toBe('refused INVALID (names are not supported by this queue)');
    expect(formatText(report)).toMatch(/got refused INVALID \(names are not supported by this queue\)/);
  });
});
