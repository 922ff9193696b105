/** The throughput-1m scenario at a chosen size, run in-process: the engine's hot path. */
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../src/scenario/load.js';
import { runScenario } from '../src/scenario/run.js';
import type { Scenario } from '../src/scenario/types.js';

export const THROUGHPUT_SCENARIO = fileURLToPath(new URL('../scenarios/throughput-1m.yaml', import.meta.url));

export async function throughputScenario(tasks: number): Promise<Scenario> {
  const s = await loadScenario(THROUGHPUT_SCENARIO);
  return { ...s, workload: s.workload.map((w) => ({ ...w, count: tasks })) };
}

/** One run; `invariants` adds the streaming checkers (what `tasksim simulate` does). */
export async function runThroughput(
  s: Scenario,
  invariants: boolean,
): Promise<{ events: number; ms: number; traceHash: string }> {
  const started = performance.now();
  const r = await runScenario(s, { checkInvariants: invariants });
  return { events: r.events, ms: performance.now() - started, traceHash: r.traceHash };
}
