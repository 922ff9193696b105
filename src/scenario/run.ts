/** Runs a scenario on the engine: one seed, one trace, its hash and its invariants. */
import { Engine } from '../model/engine.js';
import { TraceHasher, type TraceSink } from '../sim/trace.js';
import { InvariantSuite, type InvariantResult } from '../invariants/index.js';
import { RunCounters } from './counters.js';
import { startStream, startWorker } from './workload.js';
import type { Range, Scenario } from './types.js';

export interface ScenarioRunOptions {
  seed?: number;
  /** Extra trace readers (an NDJSON writer, report statistics…). */
  sinks?: TraceSink[];
  /** Check the INV rules as the trace streams by (default true). */
  checkInvariants?: boolean;
  /** Called every `progressEvery` events with the engine, for progress bars. */
  onProgress?: (engine: Engine) => void;
  progressEvery?: number;
}

export interface ScenarioResult {
  scenario: string;
  seed: number;
  traceHash: string;
  events: number;
  end: 'idle' | 'time-limit' | 'event-limit';
  virtualSeconds: number;
  counts: ReturnType<RunCounters['toJSON']>;
  invariants: InvariantResult[];
  /** Expectations of the scenario file that did not hold. */
  unmet: string[];
}

export async function runScenario(s: Scenario, opts: ScenarioRunOptions = {}): Promise<ScenarioResult> {
  const seed = opts.seed ?? s.seed;
  const hasher = new TraceHasher();
  const counters = new RunCounters();
  const suite = opts.checkInvariants === false ? undefined : new InvariantSuite();
  const sinks: TraceSink[] = [hasher, counters, ...(suite ? [suite] : []), ...(opts.sinks ?? [])];
  const engine = new Engine({ config: s.config, seed, service: s.service, pull: s.pull, sinks });

  let streamsLeft = s.workload.length;
  const workloadOver = (): boolean => streamsLeft === 0;
  for (const stream of s.workload) startStream(engine, stream, () => streamsLeft--);
  for (const [i, w] of s.workers.entries()) {
    for (let k = 0; k < w.count; k++) startWorker(engine, w, `w${i}-${k}`, workloadOver);
  }
  for (const a of s.actions) {
    engine.at(a.atUs, (e) => (a.action === 'pause' ? e.pauseQueue(a.queue) : e.resumeQueue(a.queue)));
  }

  const every = opts.progressEvery ?? 1_000_000;
  let result: ReturnType<Engine['run']>;
  for (;;) {
    const cap = Math.min(s.stop.maxEvents, opts.onProgress ? engine.events + every : Infinity);
    result = engine.run({ untilUs: s.stop.untilUs, maxEvents: cap });
    if (result !== 'event-limit' || engine.events >= s.stop.maxEvents) break;
    opts.onProgress?.(engine);
  }
  const end = result === 'blocked' ? 'idle' : result;
  await engine.end(end);
  const counts = counters.toJSON();
  const virtualSeconds = engine.now / 1e6;
  return {
    scenario: s.name,
    seed,
    traceHash: hasher.digest(),
    events: engine.events,
    end,
    virtualSeconds,
    counts,
    invariants: suite ? suite.results() : [],
    unmet: unmetExpectations(s, counts.succeeded, counts.exhausted, virtualSeconds),
  };
}

function unmetExpectations(s: Scenario, succeeded: number, exhausted: number, virtualSeconds: number): string[] {
  const unmet: string[] = [];
  const check = (what: string, value: number, range: Range | undefined): void => {
    if (range && (value < range.min || value > range.max)) {
      unmet.push(`${what} = ${value}, expected ${range.min === range.max ? range.min : `${range.min} to ${range.max}`}`);
    }
  };
  check('succeeded', succeeded, s.expect.succeeded);
  check('exhausted', exhausted, s.expect.exhausted);
  check('virtual_seconds', virtualSeconds, s.expect.virtualSeconds);
  return unmet;
}
