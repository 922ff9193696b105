import { test } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run.js';
import { SimulationStats } from '../../src/report/stats.js';
import { writeSimulationReport } from '../../src/report/simulation-report.js';
test('real scenarios', async () => {
  for (const f of (process.env.SCEN ?? 'outage-throttle').split(',')) {
    const s = await loadScenario(`scenarios/${f}.yaml`);
    const t0 = performance.now();
    const base = await runScenario(s, { checkInvariants: false });
    const t1 = performance.now();
    const stats = new SimulationStats();
    const heap0 = process.memoryUsage().heapUsed;
    const r = await runScenario(s, { sinks: [stats], checkInvariants: process.env.INV === '1' });
    const t2 = performance.now();
    const sum = stats.toJSON();
    const t3 = performance.now();
    console.log(f, 'events', r.events, 'base ms', Math.round(t1 - t0), 'with stats ms', Math.round(t2 - t1), 'toJSON ms', Math.round(t3 - t2), 'heapMB', Math.round((process.memoryUsage().heapUsed - heap0) / 1e6));
    console.log(JSON.stringify({ counts: r.counts, o: sum.overall.counts, lat: { ...sum.overall.latency, cdf: undefined }, bucketUs: sum.bucketUs, buckets: sum.buckets, thr: sum.queues.map((q) => [q.name, q.throttled.count, q.throttled.totalUs, q.paused.count, q.inFlightMax, q.depthMax, q.attempts.slice(0, 6)]), outages: { ...sum.overall.outages, ranges: sum.overall.outages.ranges.length } }));
    await writeSimulationReport(`/tmp/real-${f}`, { scenario: r.scenario, seed: r.seed, traceHash: r.traceHash, summary: sum, invariants: r.invariants });
  }
});
