/**
 * INV-DET: when every sink takes the commonest events as fields (the hasher and the counters, as
 * `simulate` runs without checkers in its thread), the engine makes no objects for them. The trace
 * must be the same one: the same hash and counts as a run whose sinks need the objects, and that run's
 * events hash, replayed, to the same digest.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run.js';
import { MemoryTrace, hashTrace } from '../../src/sim/trace.js';
import { ROOT } from '../helpers/engine.js';

const SCENARIOS = join(ROOT, 'scenarios');

describe('runScenario: events as fields or as objects, one trace (INV-DET)', async () => {
  const files = (await readdir(SCENARIOS)).filter((f) => f.endsWith('.yaml'));

  it('INV-DET HANDLER-4 on every scenario, with and without duplicates: the same hash, events and counts', async () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) {
      const s = await loadScenario(join(SCENARIOS, f));
      // 500 tasks a stream keep each scenario's queues, workers, actions and event types (and at a 10%
      // duplicate rate, duplicates), in traces of 500 to 13,000 events.
      for (const stream of s.workload) stream.count = Math.min(stream.count, 500);
      for (const duplicateRate of [0, 0.1]) {
        const run = { ...s, service: { ...s.service, duplicateRate } };
        const fields = await runScenario(run, { checkInvariants: false });
        const memory = new MemoryTrace();
        const objects = await runScenario(run, { checkInvariants: false, sinks: [memory] });
        const label = `${f} duplicateRate ${duplicateRate}`;
        expect(fields, label).toEqual(objects);
        expect(memory.events.length, label).toBe(objects.events);
        expect(await hashTrace(memory.events), label).toBe(fields.traceHash);
        if (duplicateRate > 0 && s.workers.length === 0) expect(fields.counts.duplicates, label).toBeGreaterThan(0);
      }
    }
  });
});
