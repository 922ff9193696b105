import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/sim/events.js';
import { INVARIANT_IDS, InvariantSuite, MAX_EXAMPLES, checkTrace } from '../../src/invariants/index.js';
import { TraceBuilder, expectPasses, queue, resultOf } from './trace-builder.js';
import { AloChecker } from '../../src/invariants/alo.js';
import { PAGE_SIZE } from '../../src/invariants/task-table.js';

const S = 1_000_000;

function small(): TraceBuilder {
  const b = new TraceBuilder();
  return b.add(1, 0).attempt(1, 0, 200).success(1, 1000).end(S);
}

describe('InvariantSuite', () => {
  it('reports every invariant, in the fixed order', async () => {
    const results = await small().check();
    expect(results.map((r) => r.id)).toEqual([...INVARIANT_IDS]);
  });

  it('checkTrace accepts an async iterable (a streamed trace)', async () => {
    const events = small().events;
    async function* stream(): AsyncGenerator<TraceEvent> {
      for (const ev of events) yield ev;
    }
    expect(await checkTrace(stream())).toEqual(await checkTrace(events));
    expectPasses(await checkTrace(stream()), 'INV-HDR');
  });

  it('works as a TraceSink and says ok() only without failures', () => {
    const good = new InvariantSuite();
    for (const ev of small().events) good.onEvent(ev, JSON.stringify(ev));
    expect(good.ok()).toBe(true);
    const bad = new InvariantSuite();
    const b = new TraceBuilder();
    b.add(1, 0).end(S);
    for (const ev of b.events) bad.onEvent(ev);
    expect(bad.ok()).toBe(false);
  });

  it('refuses to start when a checker implements a hook the suite does not call (it would never judge)', () => {
    const proto = AloChecker.prototype as unknown as Record<string, unknown>;
    proto.onRetry = () => undefined;
    try {
      const suite = new InvariantSuite();
      expect(() => suite.onEvent(small().events[0])).toThrow(
        /INV-ALO implements onRetry, onEnd, the suite calls onEnd/,
      );
    } finally {
      delete proto.onRetry;
    }
    const suite = new InvariantSuite();
    for (const ev of small().events) suite.onEvent(ev);
    expect(suite.ok()).toBe(true);
  });

  it('skips everything, with a note, when the trace has no config event', async () => {
    const results = await checkTrace(small().events.slice(1));
    expect(results.every((r) => r.status === 'skip' && /no config/.test(r.note ?? ''))).toBe(true);
  });

  it(`keeps the first ${MAX_EXAMPLES} examples but counts every violation`, async () => {
    const b = new TraceBuilder();
    for (let id = 1; id <= 50; id++) b.add(id, 0);
    b.end(S);
    const r = resultOf(await b.check(), 'INV-ALO');
    expect(r.violations).toBe(50);
    expect(r.examples).toHaveLength(MAX_EXAMPLES);
  });

  it('judges tasks across pages of the task table (a page and a half of tasks, mixed outcomes)', async () => {
    // Past a page boundary of every column, a full page and a growing one; the freeing of finished
    // pages has its own test (task-table.test.ts).
    const n = PAGE_SIZE + PAGE_SIZE / 2;
    const b = new TraceBuilder({
      queues: [queue('default', { ratePerSec: 1e6, rate: '1000000/s', bucketSize: 1e6, maxConcurrentRequests: 100 })],
    });
    const events = b.events;
    // Added in waves so that early pages finish (and are freed) while later ones are still live.
    for (let id = 1; id <= n; id++) {
      const t = id * 10;
      b.add(id, t);
      b.dispatch(id, t);
      if (id % 7 === 0) {
        b.respond(id, t + 1, 0, { out: 'no-instance' }).retry(id, t + 1, t + 1 + 100_000);
      } else {
        b.respond(id, t + 1, 200).success(id, t + 1);
      }
    }
    for (let id = 7; id <= n; id += 7) {
      const t = (n + 1) * 10 + 100_000 + id;
      b.attempt(id, t, 200, { lat: 0 }).success(id, t);
    }
    b.end((n + 2) * 10 + 400_000);
    expect(events.length).toBeGreaterThan(4 * n);
    const results = await b.check();
    expect(results.filter((r) => r.status !== 'pass').map((r) => r.id)).toEqual(['INV-LEASE']);
    expect(resultOf(results, 'INV-ALO').checked).toBe(n);
  });
});
