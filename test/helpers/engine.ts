/**
 * Shared helpers for the model, sim, scenario and e2e tests: small hand-built configs, an engine
 * with an in-memory trace, typed views of the trace, the invariant suite, and the built CLI.
 */
import { spawn, spawnSync } from 'node:child_process';
import { CLI, ROOT } from './cli.js';
import { expect } from 'vitest';
import type {
  ProfileName,
  ProfileOptions,
  QueueConfig,
  ResolvedConfig,
  RetryParameters,
  ScalingType,
} from '../../src/model/config.js';
import { Engine, type EngineOptions } from '../../src/model/engine.js';
import { TaskQueueError } from '../../src/model/errors.js';
import { PROFILES, SCALING_DEADLINE_US } from '../../src/model/profiles.js';
import type { PullOptions } from '../../src/model/pull-queue.js';
import { UNLIMITED_SERVICE, type ServiceModel } from '../../src/model/types.js';
import type { TraceEvent } from '../../src/sim/events.js';
import { MemoryTrace, TraceHasher, type TraceSink } from '../../src/sim/trace.js';
import { US_PER_S } from '../../src/sim/time.js';
import { checkTrace, type InvariantResult } from '../../src/invariants/index.js';

export const S = US_PER_S;

/** Runs `fn`, expecting the queue to refuse with a TaskQueueError; returns it for its rule and code. */
export function refusal(fn: () => unknown): TaskQueueError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TaskQueueError);
    return e as TaskQueueError;
  }
  throw new Error('expected a TaskQueueError');
}

/** A push queue with generous defaults, so a test meets only the limit it sets. */
export function pushQueue(
  name: string,
  over: Partial<Omit<QueueConfig, 'retry'>> & { retry?: Partial<RetryParameters> } = {},
): QueueConfig {
  const { retry, ...rest } = over;
  const ratePerSec = rest.ratePerSec ?? 1000;
  return {
    name,
    mode: 'push',
    ratePerSec,
    rate: ratePerSec === 0 ? '0' : `${ratePerSec}/s`,
    bucketSize: 1000,
    ...rest,
    retry: { minBackoffUs: 100_000, maxBackoffUs: 3600 * S, maxDoublings: 16, ...retry },
  };
}

export function pullQueue(name: string, retry: Partial<RetryParameters> = {}): QueueConfig {
  return pushQueue(name, { mode: 'pull', ratePerSec: 5, bucketSize: 5, retry });
}

export interface ConfigOptions {
  profile?: ProfileName;
  scaling?: ScalingType;
  options?: Partial<ProfileOptions>;
}

export function makeConfig(queues: QueueConfig[], o: ConfigOptions = {}): ResolvedConfig {
  const profile = o.profile ?? 'appengine';
  const scaling = o.scaling ?? 'automatic';
  return {
    profile,
    options: { ...PROFILES[profile], ...o.options },
    queues,
    scaling,
    deadlineUs: SCALING_DEADLINE_US[scaling],
  };
}

/** The unlimited service, answering 200 after `serviceUs` (default 10 ms), with overrides. */
export function service(over: Partial<ServiceModel> = {}): ServiceModel {
  return { ...UNLIMITED_SERVICE, serviceTime: { dist: 'constant', us: 10_000 }, ...over };
}

/** A service that answers `status` every time. */
export function always(status: number, over: Partial<ServiceModel> = {}): ServiceModel {
  return service({ statuses: [{ status, weight: 1 }], ...over });
}

export interface TestEngineOptions extends ConfigOptions {
  queues: QueueConfig[];
  seed?: number;
  service?: ServiceModel;
  external?: boolean;
  /** External mode on the wall clock: time moves on while requests are out. */
  holdForAnswers?: boolean;
  pull?: Partial<PullOptions>;
  sinks?: TraceSink[];
}

/** The event type(s) whose `e` can be K (`pause` and `resume` share one interface). */
export type EventOf<K extends TraceEvent['e']> = TraceEvent extends infer T
  ? T extends { e: infer E }
    ? K extends E
      ? T
      : never
    : never
  : never;

export interface TestEngine {
  engine: Engine;
  trace: MemoryTrace;
  hasher: TraceHasher;
  events: TraceEvent[];
  /** Events of one type, typed. */
  of<K extends TraceEvent['e']>(e: K): EventOf<K>[];
  /** Events of one type for one task id. */
  forTask<K extends TraceEvent['e']>(e: K, id: number): EventOf<K>[];
}

export function makeEngine(o: TestEngineOptions): TestEngine {
  const trace = new MemoryTrace();
  const hasher = new TraceHasher();
  const opts: EngineOptions = {
    config: makeConfig(o.queues, o),
    seed: o.seed ?? 1,
    sinks: [trace, hasher, ...(o.sinks ?? [])],
    service: o.service ?? service(),
  };
  if (o.external) opts.external = true;
  if (o.holdForAnswers !== undefined) opts.holdForAnswers = o.holdForAnswers;
  if (o.pull) opts.pull = o.pull;
  const engine = new Engine(opts);
  const of = <K extends TraceEvent['e']>(e: K) => trace.events.filter((ev) => ev.e === e) as EventOf<K>[];
  const forTask = <K extends TraceEvent['e']>(e: K, id: number) =>
    of(e).filter((ev) => (ev as { id?: number }).id === id);
  return { engine, trace, hasher, events: trace.events, of, forTask };
}

/** Runs to the end (idle) and writes the `end` event. */
export async function runToEnd(te: TestEngine, limits: { untilUs?: number; maxEvents?: number } = {}): Promise<string> {
  const r = te.engine.run(limits);
  expect(r).not.toBe('blocked');
  await te.engine.end(r === 'blocked' ? 'stopped' : r);
  return r;
}

/** The invariant results that failed, with their examples (empty when all pass). */
export async function failedInvariants(events: TraceEvent[]): Promise<InvariantResult[]> {
  return (await checkTrace(events)).filter((r) => r.status === 'fail');
}

export async function expectInvariantsHold(events: TraceEvent[]): Promise<void> {
  const failed = await failedInvariants(events);
  expect(
    failed,
    JSON.stringify(
      failed.map((f) => ({ id: f.id, examples: f.examples.slice(0, 3) })),
      null,
      1,
    ),
  ).toEqual([]);
}

// ---- The built CLI (e2e) --------------------------------------------------------------------------

export { CLI, ROOT, ensureCliBuilt } from './cli.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string } = {}): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', TASKSIM_DEBUG: '' },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A run that makes the engine emit every event type it has (all but `instance`, which it never
 * emits): failures and retries, exhaustion, FailFast, duplicates, an outage with throttling, pause
 * and resume, deletes, rejects, and a pull queue with tags, leases, modifies and expiries.
 */
export async function kitchenSink(seed = 1, sinks: TraceSink[] = []): Promise<TestEngine> {
  const te = makeEngine({
    seed,
    sinks,
    queues: [
      pushQueue('q', { ratePerSec: 50, bucketSize: 5, retry: { taskRetryLimit: 1, minBackoffUs: 200_000 } }),
      pullQueue('p', { taskRetryLimit: 2 }),
    ],
    service: service({
      statuses: [
        { status: 500, weight: 1 },
        { status: 200, weight: 1 },
      ],
      duplicateRate: 0.5,
      outages: [{ startUs: 1 * S, endUs: 2 * S }],
    }),
  });
  const e = te.engine;
  e.at(0, (en) => {
    en.addTasks(
      'q',
      Array.from({ length: 20 }, (_, i) => ({ failFast: i % 5 === 0, ...(i % 4 === 0 ? { name: `job-${i}` } : {}) })),
    );
    en.addTasks('q', [{ name: 'bad name' }, { name: 'doomed', countdownUs: 30 * S }]);
    en.addTasks('p', [
      { name: 'pa', tag: 'ü "quoted" \\ tag', payload: 'héllo' },
      { name: 'pb', tag: 'plain' },
      { name: 'pc' },
    ]);
  });
  e.at(1.5 * S, (en) =>
    en.addTasks(
      'q',
      Array.from({ length: 5 }, () => ({})),
    ),
  );
  e.at(3 * S, (en) => en.pauseQueue('q'));
  e.at(4 * S, (en) => {
    en.addTasks('q', [{}, {}]);
    en.resumeQueue('q');
  });
  e.at(5 * S, (en) => en.deleteTask('q', 'doomed'));
  e.at(6 * S, (en) => {
    const r = en.leaseTasks('p', { worker: 'w "1"', leaseSeconds: 10, maxTasks: 10, tag: 'ü "quoted" \\ tag' });
    if (!r.ok || r.tasks.length !== 1) throw new Error('kitchenSink: expected one leased task');
    en.modifyLease('p', r.tasks[0].name, r.tasks[0].leaseUntilUs, 1);
    const all = en.leaseTasks('p', { worker: 'w2', leaseSeconds: 2, maxTasks: 10 });
    if (!all.ok) throw new Error('kitchenSink: lease failed');
    for (const t of all.tasks) if (t.name === 'pb') en.deleteTask('p', t.name);
  });
  await runToEnd(te);
  return te;
}

/**
 * Drives an external-mode engine to the end: every delivery is answered by `answer` (a status, or a
 * full result), then time moves on. Returns the deliveries in the order they went out.
 */
export async function driveExternal(
  te: TestEngine,
  answer: (d: import('../../src/model/types.js').Delivery) => number | import('../../src/sim/exchange.js').PushAnswer,
  maxRounds = 10_000,
): Promise<import('../../src/model/types.js').Delivery[]> {
  const seen: import('../../src/model/types.js').Delivery[] = [];
  for (let round = 0; round < maxRounds; round++) {
    const r = te.engine.run();
    const ds = te.engine.takeDeliveries();
    if (r === 'idle' && ds.length === 0) {
      await te.engine.end('idle');
      return seen;
    }
    for (const d of ds) {
      seen.push(d);
      const a = answer(d);
      te.engine.complete(
        d.key,
        typeof a === 'number' ? { status: a, outcome: a >= 200 && a < 300 ? 'ok' : 'error', latencyUs: 1000 } : a,
      );
    }
  }
  throw new Error('driveExternal: too many rounds');
}

/** The same as runCli, without blocking: several CLI runs can go at once. */
export function runCliAsync(args: string[], opts: { cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', TASKSIM_DEBUG: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill(), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}
