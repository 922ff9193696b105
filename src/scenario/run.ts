/** Runs a scenario on the engine: one seed, one trace, its hash and its invariants. */
import { availableParallelism } from 'node:os';
import { Engine } from '../model/engine.js';
import { TraceHasher, type TraceSink } from '../sim/trace.js';
import { InvariantSuite, type InvariantResult } from '../invariants/index.js';
import { InvariantThread, type InvariantThreadOptions } from '../invariants/thread.js';
import { RunCounters } from './counters.js';
import { startStream, startWorker } from './workload.js';
import type { Range, Scenario } from './types.js';

export interface ScenarioRunOptions {
  seed?: number;
  /** Extra trace readers (an NDJSON writer, report statistics…). */
  sinks?: TraceSink[];
  /** Check the INV rules as the trace streams by (default true). */
  checkInvariants?: boolean;
  /** Called every `progressEvery` events with the engine and the counts so far, for progress bars. */
  onProgress?: (engine: Engine, counts: RunCounters) => void;
  progressEvery?: number;
  /** Aborting it (SIGINT/SIGTERM) stops the run at the next slice: the trace ends with `end: stopped`. */
  signal?: AbortSignal;
  /** Events at one virtual instant before the run is called stalled (default STALL_EVENTS). */
  stallEvents?: number;
  /**
   * Where the invariants are judged: `on`, in a thread of their own reading the trace's bytes beside
   * the engine; `off`, in this thread; `auto` (default), in a thread for runs of THREAD_MIN_TASKS
   * tasks or more on a machine of two cores or more (usesInvariantThread). The results are the same either
   * way. Options (tests) mean `on`, with them.
   */
  invariantThread?: 'auto' | 'on' | 'off' | InvariantThreadOptions;
}

/**
 * Runs this big pay for starting the checker thread (tens of milliseconds); the many small runs of
 * tests and the fuzzer judge in-process.
 */
export const THREAD_MIN_TASKS = 100_000;

/**
 * Whether a run judges its invariants in a thread of their own. `auto` wants a second core: the thread
 * decodes the trace again (a third more CPU in all), which pays only when it can run beside the engine.
 * It does not look at the machine's load: on a 2-core machine at load 6–12 both ways took the same
 * wall time (the thread costing only CPU), and a choice that changed with the load would make one
 * command's speed hard to predict or compare.
 */
export function usesInvariantThread(
  s: Scenario,
  mode: ScenarioRunOptions['invariantThread'] = 'auto',
  cores: number = availableParallelism(),
): boolean {
  if (mode !== 'auto') return mode !== 'off';
  const tasks = s.workload.reduce((n, stream) => n + stream.count, 0);
  return tasks >= THREAD_MIN_TASKS && cores >= 2;
}

/** The run goes in slices of this many events: between them it checks progress and lets signals in. */
export const SLICE_EVENTS = 100_000;
/**
 * A run whose virtual clock has not moved for this many events is stopped: something loops at one
 * instant. No accepted scenario needs as many at one time (at most MAX_TASKS adds, and dispatches
 * are held to the queue's bucket).
 */
export const STALL_EVENTS = 10_000_000;

export interface ScenarioResult {
  scenario: string;
  seed: number;
  traceHash: string;
  events: number;
  /** `stopped`: by the signal, or because virtual time stood still (`stalled`). */
  end: 'idle' | 'time-limit' | 'event-limit' | 'stopped';
  /** Set when the run was stopped because virtual time stood still for STALL_EVENTS events. */
  stalled?: { atUs: number; events: number };
  virtualSeconds: number;
  counts: ReturnType<RunCounters['toJSON']>;
  invariants: InvariantResult[];
  /** Expectations of the scenario file that did not hold. */
  unmet: string[];
}

export async function runScenario(s: Scenario, opts: ScenarioRunOptions = {}): Promise<ScenarioResult> {
  const check = opts.checkInvariants !== false;
  const mode = opts.invariantThread;
  // Started now, waited for once the engine is set up (run): the thread's start-up overlaps it.
  const thread =
    check && usesInvariantThread(s, mode) ? InvariantThread.begin(typeof mode === 'object' ? mode : {}) : undefined;
  try {
    return await run(s, opts, thread, check && !thread ? new InvariantSuite() : undefined);
  } finally {
    await thread?.dispose();
  }
}

async function run(
  s: Scenario,
  opts: ScenarioRunOptions,
  thread: InvariantThread | undefined,
  suite: InvariantSuite | undefined,
): Promise<ScenarioResult> {
  const seed = opts.seed ?? s.seed;
  const hasher = new TraceHasher();
  thread?.attach(hasher);
  const counters = new RunCounters();
  // The thread reads the hasher's bytes (attach), so it is no sink of its own.
  const sinks: TraceSink[] = [hasher, counters, ...(suite ? [suite] : [])];
  sinks.push(...(opts.sinks ?? []));
  const engine = new Engine({ config: s.config, seed, service: s.service, pull: s.pull, sinks });

  let streamsLeft = s.workload.length;
  const workloadOver = (): boolean => streamsLeft === 0;
  for (const stream of s.workload) startStream(engine, stream, () => streamsLeft--, s.stop.maxEvents);
  for (const [i, w] of s.workers.entries()) {
    for (let k = 0; k < w.count; k++) startWorker(engine, w, `w${i}-${k}`, workloadOver);
  }
  for (const a of s.actions) {
    engine.at(a.atUs, (e) => (a.action === 'pause' ? e.pauseQueue(a.queue) : e.resumeQueue(a.queue)));
  }
  await thread?.started(); // a thread that could not start fails the run before its first event

  const every = opts.progressEvery ?? 1_000_000;
  let nextProgress = every;
  const slice = opts.onProgress ? Math.min(SLICE_EVENTS, every) : SLICE_EVENTS;
  let result: ReturnType<Engine['run']> | 'stopped';
  let stalled: ScenarioResult['stalled'];
  let stillAt = engine.now;
  let stillSince = 0;
  for (;;) {
    result = engine.run({ untilUs: s.stop.untilUs, maxEvents: Math.min(s.stop.maxEvents, engine.events + slice) });
    if (result !== 'event-limit' || engine.events >= s.stop.maxEvents) break;
    // Wait for the checkers here rather than inside the next slice: this wait sees a checker thread
    // that exited and a signal at once, where a wait inside a slice blocks the event loop.
    if (thread) await thread.room(() => opts.signal?.aborted === true);
    if (thread?.failure !== undefined) {
      result = 'stopped'; // the invariants can no longer be judged: results() says why
      break;
    }
    if (engine.now !== stillAt) {
      stillAt = engine.now;
      stillSince = engine.events;
    } else if (engine.events - stillSince >= (opts.stallEvents ?? STALL_EVENTS)) {
      stalled = { atUs: engine.now, events: engine.events - stillSince };
      result = 'stopped';
      break;
    }
    if (opts.onProgress && engine.events >= nextProgress) {
      opts.onProgress(engine, counters);
      nextProgress = engine.events + every;
    }
    if (opts.signal) {
      await new Promise((r) => setImmediate(r)); // a signal handler runs only between slices
      if (opts.signal.aborted) {
        result = 'stopped';
        break;
      }
    }
  }
  const end = result === 'blocked' ? 'idle' : result;
  // The end and the last bytes go into a ring with room: a stopped run waits for its checkers here,
  // where a second signal and the thread's exit are still heard.
  if (thread) await thread.room(() => false);
  await engine.end(end);
  await thread?.close();
  const counts = counters.toJSON();
  const virtualSeconds = engine.now / 1e6;
  return {
    scenario: s.name,
    seed,
    traceHash: hasher.digest(),
    events: engine.events,
    end,
    ...(stalled ? { stalled } : {}),
    virtualSeconds,
    counts,
    invariants: thread ? thread.results() : suite ? suite.results() : [],
    unmet: unmetExpectations(s, counts.succeeded, counts.exhausted, virtualSeconds),
  };
}

function unmetExpectations(s: Scenario, succeeded: number, exhausted: number, virtualSeconds: number): string[] {
  const unmet: string[] = [];
  const check = (what: string, value: number, range: Range | undefined): void => {
    if (range && (value < range.min || value > range.max)) {
      const expected =
        range.min === range.max
          ? `${range.min}`
          : range.min === -Infinity
            ? `at most ${range.max}`
            : range.max === Infinity
              ? `at least ${range.min}`
              : `${range.min} to ${range.max}`;
      unmet.push(`${what} = ${value}, expected ${expected}`);
    }
  };
  check('succeeded', succeeded, s.expect.succeeded);
  check('exhausted', exhausted, s.expect.exhausted);
  check('virtual_seconds', virtualSeconds, s.expect.virtualSeconds);
  return unmet;
}
