/**
 * SimulationStats reads the trace as it streams by (a TraceSink) and keeps only what the reports
 * need: counters, fixed-size time series (buckets.ts), bounded period lists (periods.ts), HDR
 * histograms (latency.ts) and one number per live task (task-table.ts). Work per event is O(1)
 * amortised and memory does not grow with the number of events, so a 1M-task, 5M-event run is fine.
 * The trace is the only input (DESIGN: reports read only the trace).
 */
import type { QueueConfig, ResolvedConfig } from '../model/config.js';
import type { Outcome, TraceEvent } from '../sim/events.js';
import type { TraceSink } from '../sim/trace.js';
import { BucketGrid, CountSeries, INITIAL_BUCKET_US, LevelSeries, MAX_BUCKETS } from './buckets.js';
import { LatencyRecorder } from './latency.js';
import { PeriodTracker } from './periods.js';
import {
  SUMMARY_KIND,
  SUMMARY_VERSION,
  type QueueSummary,
  type ResponseCounts,
  type SimulationSummary,
  type TaskCounts,
} from './summary.js';
import { TaskTable } from './task-table.js';

export interface SimulationStatsOptions {
  /** Most buckets a series keeps (even); default 600. */
  maxBuckets?: number;
  /** Starting bucket width in µs; default 100 ms. */
  initialBucketUs?: number;
}

const OUTCOME_KEY: Record<Outcome, keyof ResponseCounts> = {
  ok: 'ok',
  error: 'error',
  'no-instance': 'noInstance',
  deadline: 'deadline',
  net: 'net',
};

function emptyCounts(): TaskCounts {
  return {
    added: 0,
    rejected: 0,
    dispatched: 0,
    duplicates: 0,
    responses: { ok: 0, error: 0, noInstance: 0, deadline: 0, net: 0 },
    failures: 0,
    retries: 0,
    successes: 0,
    exhausted: 0,
    deleted: 0,
  };
}

function addCounts(into: TaskCounts, c: TaskCounts): void {
  for (const k of [
    'added',
    'rejected',
    'dispatched',
    'duplicates',
    'failures',
    'retries',
    'successes',
    'exhausted',
    'deleted',
  ] as const) {
    into[k] += c[k];
  }
  for (const k of Object.keys(c.responses) as Array<keyof ResponseCounts>) into.responses[k] += c.responses[k];
}

function bump(map: Map<number, number>, key: number, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function sortedPairs(map: Map<number, number>): Array<[number, number]> {
  return [...map.entries()].sort((a, b) => a[0] - b[0]);
}

/** Pull-queue state, created on the first pull event or from the config. */
class PullStats {
  leaseCalls = { total: 0, ok: 0, capped: 0, transient: 0, tasksReturned: 0 };
  leases = 0;
  expiries = 0;
  releases = 0;
  modifies = 0;
  readonly leaseAge = new LatencyRecorder();
  /** Live lease start per task, and how many leases each task has had (PULL-10's attempts). */
  readonly leasedAt = new TaskTable();
  readonly leaseCount = new TaskTable();
  readonly leaseSeries: CountSeries;
  readonly expirySeries: CountSeries;
  readonly deleteSeries: CountSeries;

  constructor(grid: BucketGrid) {
    this.leaseSeries = new CountSeries(grid);
    this.expirySeries = new CountSeries(grid);
    this.deleteSeries = new CountSeries(grid);
  }
}

/** Everything collected for one queue. Task ids are kept per queue, so no assumption is made
 *  about whether the engine numbers tasks per queue or per run. */
class QueueStats {
  config: QueueConfig | undefined;
  mode: 'push' | 'pull' = 'push';
  readonly counts = emptyCounts();
  inFlight = 0;
  depth = 0;
  inFlightMax = 0;
  depthMax = 0;
  readonly addedAt = new TaskTable();
  readonly latency = new LatencyRecorder();
  readonly attempts = new Map<number, number>();
  readonly throttled: PeriodTracker;
  readonly paused: PeriodTracker;
  readonly adds: CountSeries;
  readonly dispatches: CountSeries;
  readonly successes: CountSeries;
  readonly failures: CountSeries;
  readonly inFlightLevel: LevelSeries;
  readonly depthLevel: LevelSeries;
  effectiveRate: LevelSeries | undefined;
  pull: PullStats | undefined;

  constructor(
    readonly name: string,
    private readonly grid: BucketGrid,
  ) {
    this.throttled = new PeriodTracker(grid);
    this.paused = new PeriodTracker(grid);
    this.adds = new CountSeries(grid);
    this.dispatches = new CountSeries(grid);
    this.successes = new CountSeries(grid);
    this.failures = new CountSeries(grid);
    this.inFlightLevel = new LevelSeries(grid, 'max');
    this.depthLevel = new LevelSeries(grid, 'max');
  }

  configure(config: QueueConfig): void {
    this.config = config;
    this.mode = config.mode;
    this.effectiveRate ??= new LevelSeries(this.grid, 'min', config.ratePerSec);
    if (config.mode === 'pull') this.ensurePull();
  }

  ensurePull(): PullStats {
    this.mode = 'pull';
    return (this.pull ??= new PullStats(this.grid));
  }
}

export class SimulationStats implements TraceSink {
  private readonly grid: BucketGrid;
  private readonly queues = new Map<string, QueueStats>();
  private config: ResolvedConfig | undefined;
  private seed: number | null = null;
  private epochUs: number | null = null;
  private events = 0;
  private startUs = 0;
  private endUs = 0;
  private endReason: string | null = null;

  private inFlight = 0;
  private depth = 0;
  private readonly latency = new LatencyRecorder();
  private readonly outages: PeriodTracker;
  private readonly inFlightLevel: LevelSeries;
  private readonly depthLevel: LevelSeries;
  private instancesLevel: LevelSeries | undefined;

  constructor(options: SimulationStatsOptions = {}) {
    this.grid = new BucketGrid(options.maxBuckets ?? MAX_BUCKETS, options.initialBucketUs ?? INITIAL_BUCKET_US);
    this.outages = new PeriodTracker(this.grid);
    this.inFlightLevel = new LevelSeries(this.grid, 'max');
    this.depthLevel = new LevelSeries(this.grid, 'max');
  }

  onEvent(ev: TraceEvent): void {
    const t = ev.t;
    if (this.events++ === 0) this.startUs = t;
    if (t > this.endUs) this.endUs = t;
    const i = this.grid.indexOf(t);

    switch (ev.e) {
      case 'config': {
        this.config = ev.config;
        this.seed = ev.seed;
        this.epochUs = ev.epochUs;
        for (const qc of ev.config.queues) this.queue(qc.name).configure(qc);
        break;
      }
      case 'add': {
        const q = this.queue(ev.q);
        q.counts.added++;
        q.adds.add(i);
        if (!q.addedAt.has(ev.id)) this.changeDepth(q, i, +1);
        q.addedAt.set(ev.id, t);
        break;
      }
      case 'reject':
        this.queue(ev.q).counts.rejected++;
        break;
      case 'dispatch': {
        const q = this.queue(ev.q);
        q.counts.dispatched++;
        if (ev.dup) q.counts.duplicates++;
        q.dispatches.add(i);
        this.changeInFlight(q, i, +1);
        break;
      }
      case 'response': {
        const q = this.queue(ev.q);
        q.counts.responses[OUTCOME_KEY[ev.out]]++;
        if (ev.out !== 'ok') {
          q.counts.failures++;
          q.failures.add(i);
        }
        if (q.inFlight > 0) this.changeInFlight(q, i, -1);
        break;
      }
      case 'retry':
        this.queue(ev.q).counts.retries++;
        break;
      case 'success': {
        const q = this.queue(ev.q);
        q.counts.successes++;
        q.successes.add(i);
        const addedAt = q.addedAt.get(ev.id);
        // A success for a task already ended (a duplicate's 2xx, HANDLER-4) is not a second completion.
        if (addedAt !== undefined) {
          bump(q.attempts, ev.n);
          this.recordLatency(q, t - addedAt);
          this.endTask(q, ev.id, i);
        }
        break;
      }
      case 'exhaust': {
        const q = this.queue(ev.q);
        q.counts.exhausted++;
        bump(q.attempts, ev.n);
        if (q.pull) this.endLease(q.pull, ev.id, t);
        this.endTask(q, ev.id, i);
        break;
      }
      case 'delete': {
        const q = this.queue(ev.q);
        q.counts.deleted++;
        const pull = q.pull;
        if (pull) {
          pull.deleteSeries.add(i);
          const leases = pull.leaseCount.get(ev.id);
          const addedAt = q.addedAt.get(ev.id);
          // A pull task deleted after a lease is a completed task (INV-ALO, PULL-7).
          if (leases !== undefined && addedAt !== undefined) {
            bump(q.attempts, leases);
            this.recordLatency(q, t - addedAt);
          }
          this.endLease(pull, ev.id, t);
        }
        this.endTask(q, ev.id, i);
        break;
      }
      case 'rate': {
        const q = this.queue(ev.q);
        q.effectiveRate?.set(i, ev.rate);
        if (q.config) {
          if (ev.rate < q.config.ratePerSec) q.throttled.begin(t);
          else q.throttled.end(t);
        }
        break;
      }
      case 'pause':
        this.queue(ev.q).paused.begin(t);
        break;
      case 'resume':
        this.queue(ev.q).paused.end(t);
        break;
      case 'outage':
        if (ev.on) this.outages.begin(t);
        else this.outages.end(t);
        break;
      case 'instance':
        (this.instancesLevel ??= new LevelSeries(this.grid, 'max')).set(i, ev.count);
        break;
      case 'lease-call': {
        const calls = this.queue(ev.q).ensurePull().leaseCalls;
        calls.total++;
        calls[ev.result]++;
        calls.tasksReturned += ev.got;
        break;
      }
      case 'lease': {
        const pull = this.queue(ev.q).ensurePull();
        pull.leases++;
        pull.leaseSeries.add(i);
        pull.leasedAt.set(ev.id, t);
        pull.leaseCount.set(ev.id, ev.n);
        break;
      }
      case 'modify': {
        const pull = this.queue(ev.q).ensurePull();
        pull.modifies++;
        // PULL-5: a lease modified to end now is released; the task is free again.
        if (ev.until <= t && pull.leasedAt.delete(ev.id)) pull.releases++;
        break;
      }
      case 'expire': {
        const pull = this.queue(ev.q).ensurePull();
        pull.expiries++;
        pull.expirySeries.add(i);
        const leasedAt = pull.leasedAt.get(ev.id);
        if (leasedAt !== undefined) {
          pull.leaseAge.record(t - leasedAt);
          pull.leasedAt.delete(ev.id);
        }
        break;
      }
      case 'end':
        this.endReason = ev.reason;
        break;
    }
  }

  toJSON(): SimulationSummary {
    const buckets = this.grid.count;
    const now = this.endUs;
    const queues = this.orderedQueues().map((q) => this.queueSummary(q, buckets, now));

    const counts = emptyCounts();
    const attempts = new Map<number, number>();
    const sum = (pick: (q: QueueSummary) => number[]): number[] => {
      const out = new Array<number>(buckets).fill(0);
      for (const q of queues) pick(q).forEach((v, k) => (out[k] += v));
      return out;
    };
    for (const q of queues) {
      addCounts(counts, q.counts);
      for (const [n, c] of q.attempts) bump(attempts, n, c);
    }
    const c = this.config;
    return {
      kind: SUMMARY_KIND,
      version: SUMMARY_VERSION,
      seed: this.seed,
      epochUs: this.epochUs,
      profile: c?.profile ?? null,
      scaling: c?.scaling ?? null,
      deadlineUs: c?.deadlineUs ?? null,
      events: this.events,
      startUs: this.startUs,
      endUs: this.endUs,
      durationUs: this.endUs - this.startUs,
      endReason: this.endReason,
      bucketUs: this.grid.widthUs,
      buckets,
      overall: {
        counts,
        inFlightMax: Math.max(0, ...this.inFlightLevel.toArray(buckets)),
        depthMax: Math.max(0, ...this.depthLevel.toArray(buckets)),
        depthAtEnd: this.depth,
        latency: this.latency.summary(),
        attempts: sortedPairs(attempts),
        outages: this.outages.summary(now),
        instancesMax: this.instancesLevel ? Math.max(0, ...this.instancesLevel.toArray(buckets)) : null,
        series: {
          adds: sum((q) => q.series.adds),
          dispatches: sum((q) => q.series.dispatches),
          successes: sum((q) => q.series.successes),
          failures: sum((q) => q.series.failures),
          inFlightMax: this.inFlightLevel.toArray(buckets),
          depthMax: this.depthLevel.toArray(buckets),
          instancesMax: this.instancesLevel?.toArray(buckets) ?? null,
        },
      },
      queues,
    };
  }

  private queue(name: string): QueueStats {
    let q = this.queues.get(name);
    if (!q) {
      q = new QueueStats(name, this.grid);
      this.queues.set(name, q);
    }
    return q;
  }

  private orderedQueues(): QueueStats[] {
    const configured = (this.config?.queues ?? []).map((qc) => this.queues.get(qc.name)!);
    const rest = [...this.queues.values()]
      .filter((q) => !q.config)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return [...configured, ...rest];
  }

  private changeInFlight(q: QueueStats, i: number, by: number): void {
    q.inFlight += by;
    if (q.inFlight > q.inFlightMax) q.inFlightMax = q.inFlight;
    q.inFlightLevel.set(i, q.inFlight);
    this.inFlight += by;
    this.inFlightLevel.set(i, this.inFlight);
  }

  private changeDepth(q: QueueStats, i: number, by: number): void {
    q.depth += by;
    if (q.depth > q.depthMax) q.depthMax = q.depth;
    q.depthLevel.set(i, q.depth);
    this.depth += by;
    this.depthLevel.set(i, this.depth);
  }

  private recordLatency(q: QueueStats, us: number): void {
    q.latency.record(us);
    this.latency.record(us);
  }

  /** The task reached a terminal event: it leaves the depth, once. */
  private endTask(q: QueueStats, id: number, i: number): void {
    if (q.addedAt.delete(id)) this.changeDepth(q, i, -1);
    q.pull?.leaseCount.delete(id);
  }

  /** A deleted or exhausted pull task's lease ends: its age is recorded like an expiry's. */
  private endLease(pull: PullStats, id: number, t: number): void {
    const leasedAt = pull.leasedAt.get(id);
    if (leasedAt === undefined) return;
    pull.leaseAge.record(t - leasedAt);
    pull.leasedAt.delete(id);
  }

  private queueSummary(q: QueueStats, buckets: number, now: number): QueueSummary {
    const c = q.config;
    const pull = q.pull;
    return {
      name: q.name,
      mode: q.mode,
      configured: c !== undefined,
      rate: c?.rate ?? null,
      ratePerSec: c?.ratePerSec ?? null,
      bucketSize: c?.bucketSize ?? null,
      maxConcurrentRequests: c?.maxConcurrentRequests ?? null,
      counts: structuredClone(q.counts),
      inFlightMax: q.inFlightMax,
      inFlightAtEnd: q.inFlight,
      depthMax: q.depthMax,
      depthAtEnd: q.depth,
      latency: q.latency.summary(),
      attempts: sortedPairs(q.attempts),
      throttled: q.throttled.summary(now),
      paused: q.paused.summary(now),
      series: {
        adds: q.adds.toArray(buckets),
        dispatches: q.dispatches.toArray(buckets),
        successes: q.successes.toArray(buckets),
        failures: q.failures.toArray(buckets),
        inFlightMax: q.inFlightLevel.toArray(buckets),
        depthMax: q.depthLevel.toArray(buckets),
        effectiveRateMin: q.effectiveRate?.toArray(buckets) ?? null,
        leases: pull?.leaseSeries.toArray(buckets) ?? null,
        expiries: pull?.expirySeries.toArray(buckets) ?? null,
        deletes: pull?.deleteSeries.toArray(buckets) ?? null,
      },
      pull: pull
        ? {
            leaseCalls: { ...pull.leaseCalls },
            leases: pull.leases,
            expiries: pull.expiries,
            releases: pull.releases,
            modifies: pull.modifies,
            leaseAge: pull.leaseAge.summary(),
          }
        : null,
    };
  }
}
