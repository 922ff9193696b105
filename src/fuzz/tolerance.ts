/**
 * The wall-clock mode's tolerances, and the comparison that uses them. A queue that does not let the
 * harness move its clock (`controlsClock: false`) runs in real time; the model runs beside it on the
 * wall time the harness reads, so the two agree on *what* happens exactly and on *when* only within
 * the figures below (README "Wall clock"). Everything not named here is still exact: the attempt
 * each delivery is (key, nth), its RetryCount, ExecutionCount, PreviousResponse, RetryReason,
 * QueueName, method, URL path and body; add, delete, pause, lease and modify results.
 *
 * Deliveries are matched per task and attempt, not per step: an attempt the model made is missing
 * if the queue has not made it by the end of the run; one the queue made is extra once the model is
 * past its tolerance without it. Timing differences are judged at the end of the run, against the
 * harness's lateness measured by then (calibration.ts): a stall is often measured only after the
 * delivery it delayed has been seen.
 */
import type { Micros } from '../sim/time.js';
import { US_PER_MS, US_PER_S } from '../sim/time.js';
import { REAL_LATENCY_CAP_US } from './behaviour.js';
import { compareSame, extra, missing, unknownTask, type DiffContext } from './differences.js';
import type { Seen } from './side.js';
import { violation, type FuzzViolation } from './violation.js';

export interface WallClockTolerance {
  /** A delivery may come this much before or after the model's (its first attempt, and each retry) … */
  deliveryUs: Micros;
  /** … plus this much per attempt: each response lands a little later than the model's, and the backoff runs from it … */
  perAttemptUs: Micros;
  /** … plus this many token intervals at the model's dispatch rate then (PUSH-2): two tasks due within the slack may take their tokens in either order. */
  tokenIntervals: number;
  /** A first attempt may come at most this much (plus the add's own round trip) before its ETA (PUSH-4). */
  earlyUs: Micros;
  /** Lease ends (now + lease_seconds, PULL-2/5) agree within this. */
  leaseEndUs: Micros;
  /**
   * Operations whose result depends on the instant (lease, modify, delete, pause, a named add) are
   * made only when nothing they touch happens within this of now on the model: no delivery or
   * answer of the task, no ETA or lease end falling due, no second boundary with 10 lease calls
   * (PULL-9). The harness waits for such a moment (bounded); without one the operation is skipped.
   */
  guardUs: Micros;
  /** The harness's answers take at most this long (every kind; no deadline-length answers). */
  answerUs: Micros;
}

export const WALL_CLOCK_TOLERANCE: Readonly<WallClockTolerance> = Object.freeze({
  deliveryUs: 100 * US_PER_MS,
  perAttemptUs: 20 * US_PER_MS,
  tokenIntervals: 2,
  earlyUs: 20 * US_PER_MS,
  leaseEndUs: 50 * US_PER_MS,
  guardUs: 40 * US_PER_MS,
  answerUs: REAL_LATENCY_CAP_US,
});

/** The invariants replaced on the wall clock by the tolerant comparison (they judge instants exactly). */
export const WALL_CLOCK_SKIPPED_INVARIANTS = ['INV-ETA', 'INV-RATE'] as const;

const ms = (us: Micros): string => `${Math.round(us / 100) / 10} ms`;

/** One line, for the CLI and reports; `noiseUs`: what the harness measured, added to each figure. */
export function describeTolerance(t: WallClockTolerance = WALL_CLOCK_TOLERANCE, noiseUs = 0): string {
  if (noiseUs > 0) {
    const n = noiseUs;
    t = {
      ...t,
      deliveryUs: t.deliveryUs + n,
      earlyUs: t.earlyUs + n,
      leaseEndUs: t.leaseEndUs + n,
      guardUs: t.guardUs + n,
    };
  }
  return [
    `delivery times and TaskETA ±(${ms(t.deliveryUs)} + ${ms(t.perAttemptUs)} per attempt + ${t.tokenIntervals} token intervals)`,
    `first attempts ≥ ETA − ${ms(t.earlyUs)}`,
    `lease ends ±${ms(t.leaseEndUs)}`,
    `lease/modify/delete/pause/named adds only ${ms(t.guardUs)} away from what they touch`,
    `answers ≤ ${ms(t.answerUs)}`,
    'counts, other headers and results exact',
    `${WALL_CLOCK_SKIPPED_INVARIANTS.join(', ')} replaced by these`,
  ].join('; ');
}

export interface MatchContext extends DiffContext {
  /** Tasks whose timing became ambiguous: neither compared nor judged any more. */
  tainted: ReadonlySet<number>;
  /**
   * How well the harness knows task `key`'s ETA on the queue's clock: a countdown runs from when the
   * queue took the add (somewhere in the add's round trip), an absolute ETA from the queue's zero
   * (somewhere in its reset's round trip). The queue may dispatch up to this much before the model.
   */
  etaWindow(key: number): Micros;
  /** The harness's measured lateness so far (calibration.ts): every tolerance is widened by it. */
  noiseUs(): Micros;
  /** A difference beyond the tolerance but inside the noise: reported, not failing. */
  inconclusive(v: FuzzViolation): void;
}

/** The tolerance of one model delivery (deliveryUs + perAttempt × nth + token intervals at the model's rate). */
export function deliveryTolerance(
  s: Seen,
  ctx: Pick<DiffContext, 'book' | 'config' | 'model'>,
  t: WallClockTolerance = WALL_CLOCK_TOLERANCE,
): Micros {
  const entry = s.key === undefined ? undefined : ctx.book.get(s.key);
  const q = entry ? ctx.config.queues.find((c) => c.name === entry.q) : undefined;
  const rate = q ? (ctx.model.rateAt(q.name, s.t) ?? q.ratePerSec) : 0;
  const token = rate > 0 ? Math.ceil((t.tokenIntervals * US_PER_S) / rate) : 0;
  return t.deliveryUs + t.perAttemptUs * s.nth + token;
}

const id = (s: Seen): string => `${s.key}:${s.nth}`;

/**
 * Matches the model's deliveries and the queue's by (task, attempt) as they come, and judges each
 * pair, or each one left alone once it is past its tolerance.
 */
export class TolerantMatcher {
  private readonly judged = new Set<Seen>();
  private readonly matched = new Set<string>();
  /**
   * First attempts that came before their ETA: judged once (PUSH-4, pending), and still matched to
   * the model's attempt, so a delivery early within the noise is not also a delivery never made.
   */
  private readonly early = new Set<Seen>();
  /** Timing differences, judged at the end of the run against the noise measured by then (`fits`: within it). */
  private readonly pending: { v: FuzzViolation; fits: (noiseUs: Micros) => boolean }[] = [];

  constructor(
    private readonly modelLog: readonly Seen[],
    private readonly sutLog: readonly Seen[],
    private readonly ctx: MatchContext,
    private readonly t: WallClockTolerance = WALL_CLOCK_TOLERANCE,
  ) {}

  /** How many late deliveries can push `x` back: its own attempts, and its queue's earlier deliveries. */
  chain(x: Seen): number {
    const q = x.key === undefined ? undefined : this.ctx.book.get(x.key)?.q;
    let before = 0;
    for (const m of this.modelLog)
      if (m.t < x.t && m.key !== undefined && m.key !== x.key && this.ctx.book.get(m.key)?.q === q) before++;
    return x.nth + before;
  }

  /** Every model delivery has its match (the drain may stop waiting). */
  allModelMatched(): boolean {
    return this.modelLog.every((m) => m.key === undefined || this.matched.has(id(m)) || this.ctx.tainted.has(m.key));
  }

  /**
   * Judges what can be judged at wall time `now`, with the model advanced to `modelNow`. `final`:
   * the run is over; every delivery is judged (a queue's delivery past the model's horizon only if
   * the model went idle: otherwise the model may simply not have got there).
   */
  check(now: Micros, modelNow: Micros, final = false, modelIdle = true): FuzzViolation | undefined {
    const { ctx } = this;
    const noise = ctx.noiseUs();
    const found: FuzzViolation[] = [];
    const byId = new Map<string, Seen>();
    for (const m of this.modelLog) if (m.key !== undefined) byId.set(id(m), m);
    for (const s of this.sutLog) {
      if (this.judged.has(s)) continue;
      if (s.key === undefined) {
        this.judged.add(s);
        found.push(unknownTask(s));
        continue;
      }
      if (ctx.tainted.has(s.key)) {
        this.judged.add(s);
        continue;
      }
      if (s.nth === 1 && !this.early.has(s) && this.beforeEta(s)) this.early.add(s);
      const m = byId.get(id(s));
      if (m) {
        this.judged.add(s);
        this.judged.add(m);
        this.matched.add(id(s));
        const v = compareSame(m, s, ctx);
        if (!v) continue;
        // Only the timing differs: judged at the end, against all the noise the run measured.
        if (!compareSame(m, s, { ...ctx, tolerance: () => Infinity })) {
          // Each attempt can be made, and answered, late by the noise, and so can every delivery its
          // queue made before it (tokens and concurrency slots pass lateness on): it compounds.
          this.pending.push({
            v,
            fits: (n) =>
              !compareSame(m, s, { ...ctx, tolerance: (x) => deliveryTolerance(x, ctx, this.t) + n * this.chain(x) }),
          });
        } else {
          found.push(v);
        }
        continue;
      }
      // Early and not matched (yet): its verdict is PUSH-4's; the model's attempt may still come.
      if (this.early.has(s)) {
        if (final) this.judged.add(s);
        continue;
      }
      const settled = s.t + deliveryTolerance(s, ctx, this.t) + noise < modelNow;
      if (settled || (final && modelIdle)) {
        this.judged.add(s);
        found.push(extra(s, ctx));
      }
    }
    // A delivery the queue has not made is missing only once the run is over (the drain waits past
    // every tolerance and the noise): one that comes late is a timing difference, judged as such.
    for (const m of this.modelLog) {
      if (m.key === undefined || this.judged.has(m)) continue;
      if (ctx.tainted.has(m.key)) {
        this.judged.add(m);
        continue;
      }
      if (final) {
        this.judged.add(m);
        // Not yet past its tolerance and the noise × attempts at the end: it may still come.
        if (m.t + deliveryTolerance(m, ctx, this.t) + noise * this.chain(m) >= now) ctx.inconclusive(missing(m, ctx));
        else found.push(missing(m, ctx));
      }
    }
    if (final) {
      for (const p of this.pending.splice(0)) {
        if (p.fits(ctx.noiseUs())) ctx.inconclusive(p.v);
        else found.push(p.v);
      }
    }
    if (found.length === 0) return undefined;
    return found.reduce((a, b) => (b.t < a.t ? b : a));
  }

  /**
   * PUSH-4 on the wall clock: a first attempt well before the ETA the add asked for (less what the
   * harness does not know of that ETA on the queue's clock). True when it is (the verdict waits for
   * the end of the run, against all the noise measured).
   */
  private beforeEta(s: Seen): boolean {
    const e = this.ctx.book.get(s.key!)!;
    const eta = Math.max(e.eta, e.addedAt);
    const slack = this.t.earlyUs + this.ctx.etaWindow(s.key!);
    if (s.t >= eta - slack) return false;
    const task = this.ctx.book.label(s.key);
    const v = violation(
      'PUSH-4',
      s.t,
      `delivery 1 of ${task} came before its ETA`,
      `not before t=${(eta / US_PER_S).toFixed(6)}s (less ${ms(slack)})`,
      `at t=${(s.t / US_PER_S).toFixed(6)}s`,
      task,
    );
    this.pending.push({ v, fits: (n) => s.t >= eta - slack - n });
    return true;
  }
}
