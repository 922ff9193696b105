import { describe, expect, it } from 'vitest';
import { TraceBuilder, expectFails, expectPasses, queue, resultOf } from './trace-builder.js';

const S = 1_000_000;

describe('INV-ALO', () => {
  it('passes when every push task succeeded, was exhausted or was deleted', async () => {
    const b = new TraceBuilder({
      queues: [queue('default', { retry: { minBackoffUs: 0, maxBackoffUs: 0, maxDoublings: 0, taskRetryLimit: 0 } })],
    });
    b.add(1, 0)
      .add(2, 0)
      .add(3, 0, { eta: 5 * S });
    b.attempt(1, 0, 200).success(1, 1000).attempt(2, 0, 500).exhaust(2, 1000).del(3, 10).end(S);
    const r = resultOf(await b.check(), 'INV-ALO');
    expectPasses(await b.check(), 'INV-ALO');
    expect(r.checked).toBe(3);
  });

  it('fails a task never delivered at the idle end (HANDLER-4)', async () => {
    const b = new TraceBuilder();
    b.add(1, 0).add(2, 0).attempt(1, 0, 200).success(1, 1000).end(S);
    const results = await b.check();
    expectFails(results, 'INV-ALO', 'HANDLER-4');
    const v = resultOf(results, 'INV-ALO').examples[0];
    expect(v.id).toBe(2);
    expect(v.expected).toBe('delivered with 2xx, exhausted or deleted');
    expect(v.actual).toMatch(/never dispatched/);
  });

  it('fails a task whose failed attempt was never retried', async () => {
    const b = new TraceBuilder();
    b.add(1, 0).attempt(1, 0, 500).end(S);
    const results = await b.check();
    expectFails(results, 'INV-ALO', 'HANDLER-4');
    expect(resultOf(results, 'INV-ALO').examples[0].actual).toMatch(/attempt 1 answered 'error'/);
  });

  it('does not count pull tasks or tasks of paused queues as lost, but notes them', async () => {
    const b = new TraceBuilder({ queues: [queue('default'), queue('pullq', { mode: 'pull' })] });
    b.add(1, 0, { q: 'pullq' }).pause('default', 0).add(2, 0).end(S);
    const r = resultOf(await b.check(), 'INV-ALO');
    expect(r.status).toBe('pass');
    expect(r.note).toMatch(/1 pull tasks/);
    expect(r.note).toMatch(/1 tasks left on paused queues/);
  });

  it('skips when the trace ends for another reason or has no end', async () => {
    const limited = new TraceBuilder();
    limited.add(1, 0).end(S, 'time-limit');
    const r = resultOf(await limited.check(), 'INV-ALO');
    expect(r.status).toBe('skip');
    expect(r.note).toMatch(/time-limit: 1 live tasks undecided/);
    const open = new TraceBuilder();
    open.add(1, 0);
    expect(resultOf(await open.check(), 'INV-ALO').status).toBe('skip');
  });
});
