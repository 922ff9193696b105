/**
 * One campaign over N worker threads (`tasksim fuzz --jobs N`). Job j of N runs shard j/N (shard.ts)
 * of the campaign — of the user's shard, when `--shard i/n` is given too: the shard's seed and runs
 * are split again the same way — each in a worker thread with a queue of its own. Their reports are
 * joined as `tasksim report merge` joins shard reports (merge.ts), into one report of the campaign,
 * so `--jobs N` finds what `--shard 1/N` … `--shard N/N` merged find, with the same replay tokens.
 *
 * Only queues that live in this process, one per instance (QueueUnderTest.parallelSafe), may run in
 * several jobs: jobs against one queue over the network would share it and disturb each other.
 * `--jobs 1` is the campaign as it always ran, in this thread.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AdapterSetupError, AdapterUnreachable, type QueueUnderTest } from '../adapters/contract.js';
import type { HttpJsonOptions } from '../adapters/http-json.js';
import { maxLateness } from './calibration.js';
import { UnsupportedAdapter, runFuzz, type FuzzOptions, type FuzzPlan, type FuzzReport } from './campaign.js';
import { clockFor } from './clock.js';
import { mergeReports } from './merge.js';
import { REPORT_KIND } from './report-kind.js';
import { shardRuns, shardSeed, type Shard } from './shard.js';

/** More jobs than this only costs memory (each worker loads the fuzzer and its own queue). */
export const MAX_JOBS = 64;

/** Where each worker gets its queue: a module and the name of its `(spec, http) => QueueUnderTest`. */
export interface AdapterFactory {
  module: string;
  export: string;
}

export interface JobsOptions extends FuzzOptions {
  /** Worker threads; 1 runs the campaign in this thread, exactly as runFuzz does. */
  jobs: number;
  /** How workers make their queue (default: the registry's createAdapter, by `adapter`). */
  factory?: AdapterFactory;
  /** For the factory: what `tasksim fuzz --timeout/--handler-host` give an HTTP adapter. */
  http?: HttpJsonOptions;
  /** Aborting it (SIGINT) stops every job at its next run; what they found is still shrunk and joined. */
  signal?: AbortSignal;
}

/** A campaign's report when it ran over several jobs. */
export interface JobsReport extends FuzzReport {
  /** Job j of `jobs` ran shard j/`jobs` of this report's shard. */
  jobs: number;
  failures?: (NonNullable<FuzzReport['failures']>[number] & { job?: number })[];
  /** Jobs whose worker died: their runs are not in the verdict, which is then not a pass. */
  crashed?: { job: number; message: string }[];
}

/** `--jobs` given an impossible value or combination: bad input. */
export class JobsRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobsRefused';
  }
}

/** `--jobs N` (1…MAX_JOBS) or `auto` (os.availableParallelism()); undefined when neither. */
export function parseJobs(text: string): number | undefined {
  const t = text.trim();
  if (t === 'auto') return Math.min(MAX_JOBS, availableParallelism());
  if (!/^\d+$/.test(t)) return undefined;
  const n = Number(t);
  return n >= 1 && n <= MAX_JOBS ? n : undefined;
}

/** What a worker is given (structured-cloned into it). */
export interface JobData {
  fuzz: Pick<
    FuzzOptions,
    | 'adapter'
    | 'runs'
    | 'seed'
    | 'shard'
    | 'maxCommands'
    | 'known'
    | 'maxFailures'
    | 'shrinkBudgetMs'
    | 'options'
    | 'timeline'
  >;
  factory: AdapterFactory;
  http: HttpJsonOptions;
  /** Int32Array[0] ≠ 0: stop at the next run (shared by every job). */
  stop: SharedArrayBuffer;
}

/** What a worker posts. */
export type JobMessage =
  | { type: 'start'; plan: FuzzPlan }
  | { type: 'run'; done: number; failed: number }
  | { type: 'report'; report: FuzzReport }
  | { type: 'error'; name: string; message: string; stack?: string };

type JobOutcome = { job: number; report: FuzzReport } | { job: number; error: { name: string; message: string } };

/** Errors a job may end with that mean the same for the whole campaign: raised again here, as the CLI knows them. */
const CAMPAIGN_ERRORS: Record<string, new (message: string) => Error> = {
  AdapterUnreachable,
  AdapterSetupError,
  UnsupportedAdapter,
};

const FROM_SOURCE = import.meta.url.endsWith('.ts');
const EXT = FROM_SOURCE ? 'ts' : 'js';

export const REGISTRY_FACTORY: AdapterFactory = {
  module: new URL(`../adapters/registry.${EXT}`, import.meta.url).href,
  export: 'createAdapter',
};

export async function runFuzzJobs(opts: JobsOptions): Promise<FuzzReport | JobsReport> {
  if (opts.jobs === 1) return runFuzz(opts);
  refuseUnlessParallel(opts.queue, opts);
  const started = performance.now();
  const part: Shard = opts.shard ?? { index: 1, count: 1 };
  // The runs of the part are known before any worker starts: the progress total, and each job's share.
  const total = shardRuns(opts.runs ?? clockFor(await opts.queue.describe()).runs, part);
  const stop = new SharedArrayBuffer(4);
  const stopAll = (): void => void Atomics.store(new Int32Array(stop), 0, 1);
  if (opts.signal?.aborted) stopAll();
  opts.signal?.addEventListener('abort', stopAll, { once: true });

  const progress = { started: false, done: new Map<number, number>(), failed: new Map<number, number>() };
  const sum = (m: Map<number, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
  const onMessage = (job: number, m: JobMessage): void => {
    if (m.type === 'start' && !progress.started) {
      progress.started = true;
      opts.onStart?.({ ...m.plan, runs: total });
    } else if (m.type === 'run') {
      progress.done.set(job, m.done);
      progress.failed.set(job, m.failed);
      opts.onRun?.(sum(progress.done), total, sum(progress.failed));
    }
  };
  const data = (job: number): JobData => ({
    fuzz: {
      adapter: opts.adapter,
      runs: total,
      seed: shardSeed(opts.seed, part),
      shard: { index: job, count: opts.jobs },
      maxCommands: opts.maxCommands,
      known: opts.known,
      maxFailures: opts.maxFailures,
      shrinkBudgetMs: opts.shrinkBudgetMs,
      options: opts.options,
      timeline: opts.timeline,
    },
    factory: opts.factory ?? REGISTRY_FACTORY,
    http: opts.http ?? {},
    stop,
  });
  // A job with no runs (more jobs than runs) is an empty shard: nothing to start.
  const jobs = Array.from({ length: opts.jobs }, (_, i) => i + 1).filter(
    (j) => shardRuns(total, { index: j, count: opts.jobs }) > 0,
  );
  let outcomes: JobOutcome[];
  try {
    outcomes = await Promise.all(
      jobs.map((job) =>
        runJob(job, data(job), (m) => onMessage(job, m)).then((o) => {
          // One job down: the others stop at their next run, so the error is not waited for.
          if ('error' in o) stopAll();
          return o;
        }),
      ),
    );
  } finally {
    opts.signal?.removeEventListener('abort', stopAll);
  }
  for (const o of outcomes) {
    if (!('error' in o)) continue;
    const Known = CAMPAIGN_ERRORS[o.error.name];
    if (Known) throw new Known(o.error.message);
  }
  return joinJobs(opts, { part, total }, outcomes, performance.now() - started, opts.signal?.aborted === true);
}

/** Refuses what several jobs cannot do; each message says why and what to do instead. */
function refuseUnlessParallel(queue: QueueUnderTest, opts: JobsOptions): void {
  if (!Number.isInteger(opts.jobs) || opts.jobs < 1 || opts.jobs > MAX_JOBS)
    throw new JobsRefused(`--jobs must be from 1 to ${MAX_JOBS} or auto, got ${opts.jobs}`);
  if (opts.replay !== undefined) throw new JobsRefused('--jobs with --replay: a replay is one run; leave out --jobs');
  if (!queue.parallelSafe)
    throw new JobsRefused(
      `--jobs ${opts.jobs}: ${opts.adapter} is one queue outside this process, and the jobs would share it (each job's runs would see the others' tasks).\n` +
        '  Run one process per shard against separate queues instead (--shard 1/N … --shard N/N, then `tasksim report merge`).',
    );
}

/** One job in its worker thread, to its last message (or its death); the worker is ended either way. */
function runJob(job: number, data: JobData, onMessage: (m: JobMessage) => void): Promise<JobOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let worker: Worker;
    const settle = (o: JobOutcome): void => {
      if (settled) return;
      settled = true;
      void worker.terminate(); // an adapter's open handle must not keep the worker (and the campaign) alive
      resolve(o);
    };
    const crash = (message: string): void => settle({ job, error: { name: 'JobCrashed', message } });
    try {
      worker = startWorker(data);
    } catch (err) {
      resolve({ job, error: { name: 'JobCrashed', message: (err as Error).message } });
      return;
    }
    worker.on('message', (m: JobMessage) => {
      if (m.type === 'report') settle({ job, report: m.report });
      else if (m.type === 'error') settle({ job, error: { name: m.name, message: m.message } });
      else onMessage(m);
    });
    worker.on('error', (err) => crash(err instanceof Error ? err.message : String(err)));
    worker.on('messageerror', (err) => crash(`a message it posted could not be read: ${err.message}`));
    worker.on('exit', (code) => crash(`its thread ended (exit code ${code}) before its report`));
  });
}

/**
 * The worker thread: the built JavaScript next to this module, or — running from the TypeScript
 * sources (tests, benchmarks without a build) — the source through tsx, registered in the worker.
 */
function startWorker(workerData: JobData): Worker {
  if (!FROM_SOURCE) return new Worker(new URL('./jobs-worker.js', import.meta.url), { workerData });
  const entry = JSON.stringify(new URL('./jobs-worker.ts', import.meta.url).href);
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); });`, {
    eval: true,
    workerData,
  });
}

/** The jobs' reports as one report of the part, joined as `tasksim report merge` joins shards. */
function joinJobs(
  opts: JobsOptions,
  { part, total }: { part: Shard; total: number },
  outcomes: JobOutcome[],
  ms: number,
  interrupted: boolean,
): JobsReport {
  const reports = outcomes.flatMap((o) => ('report' in o ? [o.report] : []));
  const crashed = outcomes.flatMap((o) =>
    'error' in o
      ? [{ job: o.job, message: `${o.error.name === 'JobCrashed' ? '' : `${o.error.name}: `}${o.error.message}` }]
      : [],
  );
  const merged =
    reports.length > 0 ? mergeReports(reports.map((r) => ({ file: `job ${r.shard.index}`, report: r }))) : undefined;
  const failures = (merged?.failures ?? []).map(({ shard, ...f }) => ({ ...f, job: shard }));
  const report: JobsReport = {
    kind: REPORT_KIND,
    adapter: opts.adapter,
    seed: opts.seed,
    runs: merged?.runs ?? 0,
    shard: part,
    ok: (merged?.ok ?? false) && crashed.length === 0,
    jobs: opts.jobs,
    durationMs: Math.round(ms),
  };
  const first = failures.find((f) => !f.known);
  if (first) report.failure = first;
  if (failures.length > 0) report.failures = failures;
  if (opts.known && opts.known.length > 0) report.known = [...new Set(opts.known)];
  const stops = [
    ...crashed.map((c) => `job ${c.job}/${opts.jobs} crashed: ${c.message}`),
    ...(interrupted
      ? [`interrupted after ${report.runs} of ${total} runs`]
      : reports.flatMap((r) => (r.stopped ? [`job ${r.shard.index}/${opts.jobs}: ${r.stopped}`] : []))),
  ];
  if (stops.length > 0) report.stopped = stops.join('; ');
  if (crashed.length > 0) report.crashed = crashed;
  const withClock = reports.find((r) => r.clock);
  if (withClock) Object.assign(report, { clock: withClock.clock, tolerance: withClock.tolerance });
  const calibrations = reports.flatMap((r) => (r.calibration ? [r.calibration] : []));
  if (calibrations.length > 0) report.calibration = calibrations.reduce(maxLateness);
  const inconclusive = reports.flatMap((r) => (r.inconclusive ? [r.inconclusive] : []));
  if (inconclusive.length > 0)
    report.inconclusive = {
      runs: inconclusive.reduce((n, i) => n + i.runs, 0),
      examples: inconclusive.flatMap((i) => i.examples).slice(0, 5),
    };
  return report;
}
