/**
 * CT-4 RunTask as a fuzz command: generated only for a queue that can run tasks, compared on both
 * sides (a refusal where the model runs the task is a CT-4 failure, its message shown), and judged
 * in the trace (a task run before its ETA is no early delivery).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Capabilities, OpOutcome } from '../../src/adapters/contract.js';
import { ReferenceQueue } from '../../src/adapters/reference.js';
import { runFuzz } from '../../src/fuzz/campaign.js';
import { commandArbs } from '../../src/fuzz/commands.js';
import { formatText } from '../../src/fuzz/report.js';

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
    // Shrunk, it may be a RunTask of a name never added: the model's NOT_FOUND, not this refusal.
    expect(f.violations[0].expected).toMatch(/^(ok|refused NOT_FOUND)/);
    expect(f.violations[0].actual).toBe('refused FAILED_PRECONDITION (the queue is paused (it is not))');
    expect(f.commands.at(-1)).toMatch(/^run_task /);
  }, 120_000);
});
