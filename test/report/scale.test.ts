/**
 * SimulationStats on a million tasks (~4.75M events), streamed: totals stay exact, the time series
 * stay within 600 buckets, and memory stays bounded (a dense 8-byte slot per task id for add times,
 * plus fixed-size series and histograms — nothing per event).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, test } from 'vitest';
import { SimulationStats } from '../../src/report/stats.js';
import type { DispatchEvent, TraceEvent } from '../../src/sim/events.js';
import { pushQueue, resolvedConfig } from './trace-builder.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function usedBytes(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

test('a million tasks: exact totals, bounded buckets and memory', () => {
  const TASKS = 1_000_000;
  const stats = new SimulationStats();
  const before = usedBytes();
  const h = { qn: 'bulk', tn: 't', rc: '0', ec: '0', eta: '0' };
  const feed = (ev: TraceEvent): void => stats.onEvent(ev);
  feed({
    t: 0,
    e: 'config',
    seed: 1,
    epochUs: 0,
    config: resolvedConfig([pushQueue('bulk', { ratePerSec: 500, bucketSize: 500 })]),
  });
  let events = 1;
  for (let id = 0; id < TASKS; id++) {
    const t = id * 2000; // 500 tasks/s, each done within its 2 ms slot
    feed({ t, e: 'add', id, q: 'bulk', name: 't', named: false, eta: t, size: 10 });
    feed({ t: t + 100, e: 'dispatch', id, q: 'bulk', n: 1, h } as DispatchEvent);
    events += 2;
    if (id % 4 === 0) {
      feed({ t: t + 600, e: 'response', id, q: 'bulk', n: 1, status: 500, out: 'error', lat: 500 });
      feed({ t: t + 600, e: 'retry', id, q: 'bulk', n: 2, eta: t + 1000 });
      feed({ t: t + 1000, e: 'dispatch', id, q: 'bulk', n: 2, h } as DispatchEvent);
      feed({ t: t + 1500, e: 'response', id, q: 'bulk', n: 2, status: 200, out: 'ok', lat: 500 });
      feed({ t: t + 1500, e: 'success', id, q: 'bulk', n: 2 });
      events += 5;
    } else {
      feed({ t: t + 600, e: 'response', id, q: 'bulk', n: 1, status: 200, out: 'ok', lat: 500 });
      feed({ t: t + 600, e: 'success', id, q: 'bulk', n: 1 });
      events += 2;
    }
  }
  const grown = usedBytes() - before;
  const s = stats.toJSON();

  expect(s.events).toBe(events);
  expect(events).toBeGreaterThan(4_700_000);
  const q = s.queues[0];
  expect(q.counts.added).toBe(TASKS);
  expect(q.counts.successes).toBe(TASKS);
  expect(q.counts.dispatched).toBe(TASKS * 1.25);
  expect(q.series.dispatches.reduce((a, v) => a + v, 0)).toBe(TASKS * 1.25);
  expect(q.series.successes.reduce((a, v) => a + v, 0)).toBe(TASKS);
  expect(q.attempts).toEqual([
    [1, TASKS * 0.75],
    [2, TASKS * 0.25],
  ]);
  expect(s.buckets).toBeLessThanOrEqual(600);
  expect(s.bucketUs).toBe(6_400_000); // 2000 s of virtual time: 100 ms doubled six times
  expect(q.latency.count).toBe(TASKS);
  expect(q.latency.minUs).toBe(600);
  expect(q.latency.maxUs).toBe(1500);
  expect(q.depthAtEnd).toBe(0);
  expect(q.inFlightMax).toBe(1);
  // The dense add-time table (8 MB for 1M ids) dominates; nothing grows with the event count.
  expect(grown).toBeLessThan(48 * 1024 * 1024);
  // Speed is a benchmark's to judge (npm run bench), not a test's: a busy machine must not fail it.
});
