/**
 * The shape of what SimulationStats collects: a plain, JSON-serialisable object. report.json embeds
 * it, the HTML/Markdown reports and `tasksim compare` read it. Times are virtual microseconds since
 * the run's epoch (the `config` event's `epochUs`); every per-bucket array has `buckets` entries and
 * entry i covers [i·bucketUs, (i+1)·bucketUs).
 */
import type { ProfileName, QueueMode, ScalingType } from '../model/config.js';

export const SUMMARY_KIND = 'tasksim-simulation-summary';
export const SUMMARY_VERSION = 1;

/** Periods when a condition held (throttled, paused, outage). `count` and `totalUs` are exact;
 *  `ranges` is for drawing: periods closer together than one bucket are joined so it stays short. */
export interface PeriodSummary {
  count: number;
  totalUs: number;
  /** Still open when the trace ended: closed at the last event's time. */
  openAtEnd: boolean;
  ranges: Array<[startUs: number, endUs: number]>;
}

/** A latency distribution from an HDR histogram (3 significant digits). min/max/mean are exact;
 *  percentiles are within the histogram's precision (±0.1 %). All null when count is 0. */
export interface LatencySummary {
  count: number;
  minUs: number | null;
  maxUs: number | null;
  meanUs: number | null;
  p50Us: number | null;
  p90Us: number | null;
  p99Us: number | null;
  p999Us: number | null;
  /** Points of the cumulative distribution, [valueUs, percentile 0–100], percentile ascending. */
  cdf: Array<[valueUs: number, percentile: number]>;
}

/** Outcome counts of the `response` events (Outcome in events.ts). */
export interface ResponseCounts {
  ok: number;
  error: number;
  noInstance: number;
  deadline: number;
  net: number;
}

export interface TaskCounts {
  added: number;
  /** `reject` events: adds refused (TASK-1…3, PUSH-4). */
  rejected: number;
  /** `dispatch` events, duplicates included. */
  dispatched: number;
  /** Dispatches flagged `dup` (HANDLER-4). */
  duplicates: number;
  responses: ResponseCounts;
  /** Responses other than `ok` (HANDLER-2). */
  failures: number;
  retries: number;
  /** `success` events: push tasks done (HANDLER-1). */
  successes: number;
  /** `exhaust` events (RETRY-5, PULL-10). */
  exhausted: number;
  /** `delete` events (user deletes; for pull queues the normal end of a task, PULL-7). */
  deleted: number;
}

/** The per-bucket series every level of the report has (a queue, the whole run). Counts are events in the
 *  bucket; `…Max`/`…Min` are the extreme of a level during the bucket (levels carry over empty buckets). */
export interface BucketSeries {
  adds: number[];
  dispatches: number[];
  successes: number[];
  failures: number[];
  inFlightMax: number[];
  depthMax: number[];
}

/** Per-bucket series of one queue. */
export interface QueueSeries extends BucketSeries {
  /** Lowest effective dispatch rate (tokens/s) in the bucket, from `rate` events (INST-2 throttling);
   *  null when the configured rate is unknown. */
  effectiveRateMin: number[] | null;
  /** Pull queues only (null for push). */
  leases: number[] | null;
  expiries: number[] | null;
  deletes: number[] | null;
}

export interface PullSummary {
  /** `lease-call` results (PULL-9): ok, capped (over 10 calls/s: OK with zero tasks), transient errors. */
  leaseCalls: { total: number; ok: number; capped: number; transient: number; tasksReturned: number };
  leases: number;
  expiries: number;
  /** `modify` to zero seconds (PULL-5). */
  releases: number;
  modifies: number;
  /** Time from a lease to the task's delete or to the lease's expiry. */
  leaseAge: LatencySummary;
}

export interface QueueSummary {
  name: string;
  mode: QueueMode;
  /** False when the queue appeared in events but not in the `config` event. */
  configured: boolean;
  /** From the config event (PUSH-2/3), so charts can draw them; null when not configured. */
  rate: string | null;
  ratePerSec: number | null;
  bucketSize: number | null;
  maxConcurrentRequests: number | null;
  counts: TaskCounts;
  inFlightMax: number;
  inFlightAtEnd: number;
  depthMax: number;
  /** Added and not yet terminal (success, exhaust or delete) when the trace ended. */
  depthAtEnd: number;
  /** Add to success (push) or add to delete after a lease (pull). */
  latency: LatencySummary;
  /** [attempt n, tasks]: the attempt (push) or lease count (pull) at which each task ended, n ascending. */
  attempts: Array<[attempt: number, tasks: number]>;
  /** Effective rate below the configured one (`rate` events; HANDLER-3, INST-2). */
  throttled: PeriodSummary;
  /** Between `pause` and `resume` events (PUSH-8). */
  paused: PeriodSummary;
  series: QueueSeries;
  pull: PullSummary | null;
}

export interface OverallSeries extends BucketSeries {
  /** Highest instance count in the bucket; null when the trace has no `instance` events. */
  instancesMax: number[] | null;
}

export interface OverallSummary {
  counts: TaskCounts;
  inFlightMax: number;
  depthMax: number;
  depthAtEnd: number;
  latency: LatencySummary;
  attempts: Array<[attempt: number, tasks: number]>;
  outages: PeriodSummary;
  instancesMax: number | null;
  series: OverallSeries;
}

export interface SimulationSummary {
  kind: typeof SUMMARY_KIND;
  version: typeof SUMMARY_VERSION;
  /** From the `config` event; null when the trace had none. */
  seed: number | null;
  epochUs: number | null;
  profile: ProfileName | null;
  scaling: ScalingType | null;
  deadlineUs: number | null;
  events: number;
  startUs: number;
  endUs: number;
  durationUs: number;
  endReason: string | null;
  /** Width of one time-series bucket (starts at 100 ms, doubles to keep ≤ MAX_BUCKETS buckets). */
  bucketUs: number;
  buckets: number;
  overall: OverallSummary;
  /** In config order, then queues seen only in events, by name. */
  queues: QueueSummary[];
}

/** A queue with no events at all (e.g. the implicit `default` queue, CFG-2): reports list it by name only. */
export function isIdleQueue(q: QueueSummary): boolean {
  const c = q.counts;
  return (
    c.added === 0 &&
    c.rejected === 0 &&
    c.dispatched === 0 &&
    c.deleted === 0 &&
    c.successes === 0 &&
    c.exhausted === 0 &&
    q.throttled.count === 0 &&
    q.paused.count === 0 &&
    (q.pull === null || (q.pull.leaseCalls.total === 0 && q.pull.leases === 0))
  );
}
