/**
 * One fuzz run against a queue on the wall clock (`controlsClock: false`). The harness cannot move
 * the queue's clock, so it follows it: `advance` is a real, bounded wait; the model (a reference
 * engine in the harness, still on virtual time) is advanced to the wall time the harness reads before
 * everything it does; the queue's deliveries are timed by the harness on arrival. The wall clock is
 * read here and in the handler (side.ts), never in src/model.
 *
 * The wall clock's RunClock (clock.ts): what differs from virtual time (clock-virtual.ts):
 *  - an operation goes to the queue first, then to the model at the instant the queue's answer came
 *    back (T1): whatever the queue did before the operation, the model did too;
 *  - operations whose result depends on the instant (lease, modify, delete, pause, a named add) wait
 *    for a quiet moment: nothing they touch happens on the model within `guardUs` of now (bounded by
 *    `quietWaitUs`, else the operation is skipped and the log says so); an operation whose round
 *    trip took longer than `slowOpUs` is ambiguous: the tasks it touched are tainted, neither compared
 *    nor judged from then on (the log says so), unless it is a lease and nothing it depends on changed
 *    within the round trip (mayChangeWithin);
 *  - the handler's answers are chosen by (task, attempt) against a schedule of behaviours, so the
 *    model and the queue answer each attempt alike however late either makes it;
 *  - deliveries are matched per (task, attempt) within the tolerances of tolerance.ts;
 *  - the drain first gives each queue the model holds paused a task, waits, and resumes them (the
 *    resume then owes a dispatch: PUSH-8); then it runs the model to idle at once, waits until the
 *    queue has made every delivery (or is past tolerance), then watches it for a quiet spell (the
 *    longest backoff + `quietAfterUs`);
 *  - the INV checkers judge the queue's trace without INV-ETA and INV-RATE.
 */
import { FuzzFailure } from './violation.js';
import type { InvariantId } from '../invariants/index.js';
import type { Micros } from '../sim/time.js';
import { US_PER_MS, US_PER_S } from '../sim/time.js';
import { HEALTHY, type Behaviour } from './behaviour.js';
import { LatenessMeter, describeLateness, type Lateness } from './calibration.js';
import type { RunClock } from './clock.js';
import type { Lockstep, Pair, Touch } from './lockstep.js';
import type { BuildOptions } from './observed-trace.js';
import type { Seen } from './side.js';
import {
  TolerantMatcher,
  WALL_CLOCK_SKIPPED_INVARIANTS,
  WALL_CLOCK_TOLERANCE,
  deliveryTolerance,
  type MatchContext,
} from './tolerance.js';
import { WallTimeline } from './wall-timeline.js';

/** How the harness paces itself on the wall clock (waits, not tolerances; every wait is bounded). */
export const WALL_CLOCK_TIMING = Object.freeze({
  /** The longest wait for a quiet moment before an operation; past it the operation is skipped. */
  quietWaitUs: 300 * US_PER_MS,
  /** An operation whose round trip took longer than this came at an ambiguous instant. */
  slowOpUs: 25 * US_PER_MS,
  /** The longest `advance` (a real wait). */
  maxAdvanceUs: 1 * US_PER_S,
  /**
   * The drain's wait with the queues the model holds paused still paused, each holding a fresh task,
   * before it resumes them (Lockstep.resumePausedQueues): past a first delivery's tolerance at the
   * rates a wall-clock run draws (100 ms + 20 ms + two tokens at 50/s = 160 ms) and the usual noise,
   * so a queue that ignored the pause is seen dispatching that task before the model does.
   */
  drainPausedUs: 300 * US_PER_MS,
  /** How far past the last command the model may run in the drain. */
  drainLimitUs: 3 * US_PER_S,
  /** Watched for extra deliveries after everything matched: this, plus the longest max_backoff. */
  quietAfterUs: 100 * US_PER_MS,
  /** How often a wait looks again. */
  pollUs: 10 * US_PER_MS,
  /** A quiet moment older than this when the operation would go out is looked for again. */
  freshUs: 5 * US_PER_MS,
});

interface Switch {
  b: Behaviour;
  /** Per task: the first attempt the behaviour answers (attempts either side had made by then, + 1). */
  from: Map<number, number>;
}

export class WallRunClock implements RunClock {
  readonly outages = false; // an outage's edge races every delivery: outages are judged in virtual time
  readonly skippedInvariants: ReadonlySet<InvariantId> = new Set<InvariantId>(WALL_CLOCK_SKIPPED_INVARIANTS);
  private zero = 0;
  private readonly tainted = new Set<number>();
  private readonly switches: Switch[] = [];
  private readonly addWindows = new Map<number, Micros>();
  private readonly leaseCalls = new Map<string, Micros[]>();
  private readonly matcher: TolerantMatcher;
  private readonly ctx: MatchContext;
  private lastWindow = 0;
  /** The round trip of the queue's reset: its zero (the instant absolute ETAs count from) is somewhere in it. */
  private zeroWindow = 0;
  private lastSent = 0;
  private readonly meter = new LatenessMeter();
  /** Calls to the queue out now, and when the last came back (a delivery may overtake an add's answer). */
  private callsOut = 0;
  /** Set while an answer is being recorded (until the step's check), then when it was. */
  private recording = false;
  private settledAtMs = 0;
  /** Answers of the queue's deliveries already measured (calibration). */
  private measured = 0;
  /** When asked (LockstepOptions.timeline): the run as the harness lived it. */
  private readonly tl: WallTimeline | undefined;

  constructor(private readonly run: Lockstep) {
    const ctx: MatchContext = {
      book: this.run.book,
      model: this.run.modelState,
      modelLog: this.run.model.log,
      sutLog: this.run.sut.log,
      sutLogAtResume: this.run.sutLogAtResume,
      config: this.run.config,
      epochUs: this.run.epochUs,
      ...(this.run.caps.events ? { sut: this.run.sutState } : {}),
      tainted: this.tainted,
      etaWindow: (k) => (this.addWindows.get(k) ?? 0) + this.zeroWindow,
      noiseUs: () => this.noiseUs,
      inconclusive: (v) => this.run.noteInconclusive(v),
    };
    ctx.tolerance = (s: Seen) => deliveryTolerance(s, ctx);
    this.ctx = ctx;
    this.matcher = new TolerantMatcher(this.run.model.log, this.run.sut.log, ctx);
    if (run.recordsTimeline) this.tl = new WallTimeline(run.book);
  }

  /** Wall µs since the queue's reset. */
  wallNow(): Micros {
    return Math.round((performance.now() - this.zero) * US_PER_MS);
  }

  now(): Micros {
    return this.wallNow();
  }

  behaviourFor(key: number, nth: number): Behaviour {
    for (let i = this.switches.length - 1; i >= 0; i--) {
      const sw = this.switches[i];
      if (nth >= (sw.from.get(key) ?? 1)) return sw.b;
    }
    return HEALTHY;
  }

  /**
   * The new behaviour answers, for each task, the attempts neither side has been answered for yet:
   * either side may be a few ms ahead of the other, and each attempt must get one answer on both.
   */
  async setBehaviour(b: Behaviour): Promise<void> {
    await this.syncModel(this.wallNow());
    const from = new Map<number, number>();
    for (const e of this.run.book.tasks)
      from.set(e.key, Math.max(this.run.model.seen(e.key), this.run.sut.seen(e.key)) + 1);
    this.switches.push({ b, from });
    this.run.behaviour = b;
  }

  isTainted(key: number | undefined): boolean {
    return key !== undefined && this.tainted.has(key);
  }

  taint(keys: Iterable<number>, why: string): void {
    const fresh = [...new Set(keys)].filter((k) => !this.tainted.has(k));
    if (fresh.length === 0) return;
    for (const k of fresh) this.tainted.add(k);
    this.note(`${fresh.map((k) => this.run.book.label(k)).join(', ')} not compared from here: ${why}`);
  }

  /**
   * A pull task is leased oldest first (PULL-2/6): by its ETA, or the end of its last lease. The
   * harness knows each on the queue's clock only to within the round trip of the call that set it
   * (the add's, or how far the two sides' lease ends came apart), and the two clocks' zeros and the
   * harness's own lateness to within the measured noise: two tasks closer than that may be taken in
   * either order.
   */
  orderAmbiguous(q: string, keys: readonly number[], among?: readonly number[]): boolean {
    if (keys.length === 0) return false;
    const live = this.liveTasks(q);
    const others = among ?? live;
    const ms = this.run.modelState;
    const order = (k: number): Micros => {
      const e = this.run.book.get(k)!;
      return ms.leased.has(k) ? (ms.leaseUntil.get(k) ?? 0) : Math.max(e.eta, e.addedAt);
    };
    const unsure = (k: number): Micros => {
      const h = this.run.held.filter((x) => x.key === k).pop();
      return (this.addWindows.get(k) ?? 0) + (h ? Math.abs(h.until.model - h.until.sut) : 0);
    };
    return keys.every(
      (k) =>
        live.includes(k) &&
        others.some(
          (j) => live.includes(j) && j !== k && Math.abs(order(k) - order(j)) <= unsure(k) + unsure(j) + this.noiseUs,
        ),
    );
  }

  callsSettleAtMs(): number {
    return this.callsOut > 0 || this.recording ? Infinity : this.settledAtMs;
  }

  get leaseToleranceUs(): Micros {
    return WALL_CLOCK_TOLERANCE.leaseEndUs;
  }

  get noiseUs(): Micros {
    return this.meter.noiseUs;
  }

  timeline(): string[] | undefined {
    return this.tl?.read();
  }

  /** What the harness measured of its own lateness in this run (calibration.ts). */
  lateness(): Lateness {
    return this.meter.read();
  }

  /** A real wait; how late its timer fired is the harness's own lateness. */
  private async sleepUs(us: Micros): Promise<void> {
    const want = Math.max(0, us);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, want / US_PER_MS));
    this.meter.lag(Math.round((performance.now() - t0) * US_PER_MS) - want);
  }

  /** The guard, widened by the measured noise. */
  private get guardUs(): Micros {
    return WALL_CLOCK_TOLERANCE.guardUs + this.noiseUs;
  }

  close(): void {
    this.meter.stop();
  }

  get sentAt(): Micros {
    return this.lastSent;
  }

  added(key: number): void {
    this.addWindows.set(key, this.lastWindow);
  }

  traceOptions(): BuildOptions {
    return { byAttempt: true, exclude: this.tainted, etaFromTrace: true };
  }

  // ---- the run ---------------------------------------------------------------------------------

  async start(): Promise<void> {
    const setup = { config: this.run.config, seed: this.run.seed, epochUs: this.run.epochUs };
    await this.run.modelQueue.reset({ ...setup, handler: this.run.model.handler });
    const t0 = performance.now();
    await this.run.sut.queue.reset({ ...setup, handler: this.run.sut.handler });
    this.zero = performance.now();
    // The queue's zero is somewhere in its reset's round trip: its clock runs ahead of the harness's
    // by up to that, and an absolute ETA falls due that much earlier (tolerance.ts etaWindow).
    this.zeroWindow = Math.round((this.zero - t0) * US_PER_MS);
    this.meter.roundTrip(this.zeroWindow);
    this.tl?.note(
      0,
      `reset answered after ${(this.zeroWindow / US_PER_MS).toFixed(1)} ms: the queue's zero is within it`,
    );
    this.run.now = 0;
    await this.check();
  }

  async pair<M, S>(touch: Touch, model: () => Promise<M>, sut: () => Promise<S>): Promise<Pair<M, S> | undefined> {
    if (!(await this.waitQuiet(touch))) {
      this.note(`skipped: no quiet moment within ${WALL_CLOCK_TIMING.quietWaitUs / US_PER_MS} ms`);
      await this.check();
      return undefined;
    }
    const t0 = this.wallNow();
    this.callsOut++;
    this.recording = true;
    let s: S;
    try {
      s = await sut();
    } finally {
      this.callsOut--;
    }
    const t1 = this.wallNow();
    this.meter.roundTrip(t1 - t0);
    await this.syncModel(t1);
    this.run.now = t1;
    this.lastWindow = t1 - t0;
    this.lastSent = t0;
    this.tl?.note(t0, `sent: ${this.run.log.at(-1) ?? 'an operation'}; answered at ${(t1 / US_PER_MS).toFixed(1)} ms`);
    if (touch.leasesOf !== undefined) {
      const calls = this.leaseCalls.get(touch.leasesOf) ?? [];
      calls.push(t1);
      this.leaseCalls.set(touch.leasesOf, calls);
    }
    let unsure = false;
    if (t1 - t0 > WALL_CLOCK_TIMING.slowOpUs && this.mayChangeWithin(touch, t0, t1)) {
      const keys = this.touched(touch);
      unsure = keys.length > 0 || touch.leasesOf !== undefined;
      this.taint(keys, `the call took ${((t1 - t0) / US_PER_MS).toFixed(1)} ms, its instant is ambiguous`);
    }
    const m = await model();
    return { m, s, unsure };
  }

  async advance(us: Micros): Promise<void> {
    const from = this.wallNow();
    await this.sleepUs(Math.min(Math.round(us), WALL_CLOCK_TIMING.maxAdvanceUs));
    this.tl?.note(from, `advance ${us / US_PER_MS} ms: waited ${((this.wallNow() - from) / US_PER_MS).toFixed(1)} ms`);
    await this.check();
  }

  async setOutage(_on: boolean): Promise<boolean> {
    return false;
  }

  async endStep(_deliver: boolean): Promise<void> {
    await this.check();
  }

  async finish(): Promise<void> {
    await this.setBehaviour(HEALTHY);
    // PUSH-8: a resume that answers OK and leaves the queue paused is seen only where the resume owes
    // a dispatch; here a paused queue seldom holds a task by the drain, so it is given one.
    await this.run.resumePausedQueues(WALL_CLOCK_TIMING.drainPausedUs, true);
    const start = this.wallNow();
    const limit = start + WALL_CLOCK_TIMING.drainLimitUs;
    const idle = await this.run.modelQueue.runToIdle(limit);
    const settleBy = Math.min(idle.atUs, limit) + this.longestTolerance();
    this.tl?.note(
      start,
      `drain: the model ${idle.idle ? 'idle' : 'at its limit'} at ${idle.atUs / US_PER_MS} ms; the queue waited for until ${settleBy / US_PER_MS} ms`,
    );
    // Until the queue has made every delivery the model made (or is past its tolerance) …
    for (;;) {
      await this.check();
      const now = this.wallNow();
      if (now >= settleBy || this.matcher.allModelMatched()) break;
      await this.sleepUs(Math.min(WALL_CLOCK_TIMING.pollUs, settleBy - now));
    }
    // … then a quiet spell: anything the queue still delivers is extra (a retry past the limit, a
    // redelivery after success).
    const longestBackoff = Math.max(...this.run.config.queues.map((q) => q.retry.maxBackoffUs));
    await this.sleepUs(
      WALL_CLOCK_TIMING.quietAfterUs + this.noiseUs + Math.min(longestBackoff, WALL_CLOCK_TIMING.maxAdvanceUs),
    );
    this.meter.sample();
    this.tl?.note(this.wallNow(), `final judgement; ${describeLateness(this.meter.read())}`);
    await this.check(true, idle.idle);
    const found = await this.run.invariants(idle.idle ? 'idle' : 'time-limit');
    if (found.length > 0) throw new FuzzFailure(found);
  }

  // ---- comparing -------------------------------------------------------------------------------

  /**
   * Brings the model to the wall clock, records what the queue delivered, and judges every delivery
   * that is settled (final: all of them).
   */
  private async check(final = false, modelIdle = true): Promise<void> {
    if (this.recording) {
      // Whatever the last call made is in the book now.
      this.recording = false;
      this.settledAtMs = performance.now();
    }
    this.meter.sample();
    const now = this.wallNow();
    await this.syncModel(now);
    if (this.run.caps.events) {
      const sent = this.wallNow();
      await this.run.sut.queue.advance(0); // on the wall clock: only collects the queue's events
      const events = await this.run.sut.queue.takeEvents();
      // A call like any other: a harness starved of CPU (or a stalled queue) is slow here as it is
      // on a delivery's way to the handler, where no one can time it.
      const took = this.wallNow() - sent;
      this.meter.roundTrip(took);
      if (took > WALL_CLOCK_TIMING.slowOpUs)
        this.tl?.note(sent, `collecting the queue's events took ${(took / US_PER_MS).toFixed(1)} ms`);
      this.tl?.queueEvents(now, events);
      this.run.sutState.absorb(events, this.run.trace.currentStep);
    }
    const made = this.run.model.step().arrival;
    const { arrival } = this.run.sut.step();
    if (this.tl) {
      for (const s of made) this.tl.delivery('model', s);
      for (const s of arrival) this.tl.delivery('queue', s);
    }
    for (const s of arrival) if (s.key !== undefined) this.run.trace.delivery(s, this.run.book.get(s.key)!.q);
    this.measureAnswers();
    const v = this.matcher.check(now, this.run.modelQueue.nowUs, final, modelIdle);
    this.run.now = Math.max(this.run.now, now);
    this.run.trace.closeStep(now);
    if (v) await this.run.fail(v);
  }

  /** Advances the model to `t` (never back), answering its deliveries, and takes in its events. */
  private async syncModel(t: Micros): Promise<void> {
    const cur = this.run.modelQueue.nowUs;
    if (t > cur) await this.run.modelQueue.advance(t - cur);
    this.run.modelState.absorb(this.run.modelQueue.takeEventsNow(), this.run.trace.currentStep);
  }

  /** How much longer than intended the handler took to answer the queue's deliveries (in order; stops at one still answering). */
  private measureAnswers(): void {
    const log = this.run.sut.log;
    while (this.measured < log.length && log[this.measured].answeredAt !== undefined) {
      const s = log[this.measured++];
      this.meter.answerOverrun(s.answeredAt! - s.t - s.answer.latencyUs);
    }
  }

  /** The widest tolerance of any model delivery, with the noise per attempt (as the matcher judges). */
  private longestTolerance(): Micros {
    let most = WALL_CLOCK_TOLERANCE.deliveryUs + this.noiseUs;
    for (const s of this.run.model.log)
      if (s.key !== undefined)
        most = Math.max(most, deliveryTolerance(s, this.ctx) + this.noiseUs * this.matcher.chain(s));
    return most;
  }

  private note(text: string): void {
    this.tl?.note(this.wallNow(), text);
    if (this.run.log.length === 0) this.run.log.push(`(${text})`);
    else this.run.log[this.run.log.length - 1] += ` — ${text}`;
  }

  // ---- quiet moments ---------------------------------------------------------------------------

  /**
   * Waits (bounded) until nothing `touch` touches happens within the guard of now; false: none came.
   * A quiet moment found is used at once: if the harness itself was held up past `freshUs` before it
   * could send (a GC pause), it looks again.
   */
  private async waitQuiet(touch: Touch): Promise<boolean> {
    const began = this.wallNow();
    const deadline = began + WALL_CLOCK_TIMING.quietWaitUs;
    for (;;) {
      const now = this.wallNow();
      await this.syncModel(now);
      const busy = this.busyUntil(touch, now);
      if (busy === undefined) {
        if (this.wallNow() - now > WALL_CLOCK_TIMING.freshUs) continue;
        if (now - began > US_PER_MS)
          this.tl?.note(began, `waited ${((now - began) / US_PER_MS).toFixed(1)} ms for a quiet moment`);
        return true;
      }
      if (busy > deadline) return false;
      await this.sleepUs(busy - now);
    }
  }

  /** Undefined when quiet; else when to look again. */
  private busyUntil(touch: Touch, now: Micros): Micros | undefined {
    let until: Micros | undefined;
    const more = (t: Micros | undefined): void => {
      if (t !== undefined) until = Math.max(until ?? t, t);
    };
    for (const k of touch.keys ?? []) more(this.taskBusy(k, now, true));
    if (touch.dispatchesOf !== undefined && !this.paused(touch.dispatchesOf)) {
      // Finished tasks too: the queue may still owe attempts the model made before finishing them.
      for (const e of this.run.book.tasks) if (e.q === touch.dispatchesOf) more(this.taskBusy(e.key, now, false));
    }
    if (touch.leasesOf !== undefined) {
      for (const k of this.liveTasks(touch.leasesOf)) more(this.taskBusy(k, now, true));
      more(this.leaseWindowBusy(touch.leasesOf, now));
    }
    return until;
  }

  /**
   * Whether what a slow call touched may have changed on the queue while it was out, so that its
   * instant matters. A lease alone (PULL-2/3/9) depends only on when its queue's tasks become
   * available (an ETA, the end of a lease on either side) and on its queue's calls-per-second window:
   * if none of those falls within the call's round trip (widened by the guard), the lease answers the
   * same at any instant of it. Anything else is taken as changed.
   */
  private mayChangeWithin(touch: Touch, t0: Micros, t1: Micros): boolean {
    const q = touch.leasesOf;
    if (q === undefined || touch.keys?.length || touch.dispatchesOf !== undefined) return true;
    const G = this.guardUs;
    const within = (t: Micros): boolean => t >= t0 - G && t <= t1 + G;
    for (const k of this.liveTasks(q)) {
      const e = this.run.book.get(k)!;
      if (e.mode !== 'pull' || this.pullBounds(k).some(within)) return true;
      if (this.run.held.some((h) => h.key === k && within(h.until.sut))) return true;
    }
    const calls = this.leaseCalls.get(q) ?? [];
    const boundary = (t: Micros): Micros => t - (t % US_PER_S);
    const crossesSecond = boundary(t0 - G) !== boundary(t1 + G);
    return crossesSecond && calls.filter((t) => t > t0 - US_PER_S - G).length >= 9;
  }

  /** What `touch` covers, for tainting. */
  private touched(touch: Touch): number[] {
    const keys = [...(touch.keys ?? [])];
    if (touch.dispatchesOf !== undefined) keys.push(...this.liveTasks(touch.dispatchesOf));
    if (touch.leasesOf !== undefined) keys.push(...this.liveTasks(touch.leasesOf));
    return keys;
  }

  private liveTasks(q: string): number[] {
    return this.run.book.tasks
      .filter((e) => e.q === q && (this.run.modelState.phase.get(e.key) ?? 'live') === 'live')
      .map((e) => e.key);
  }

  private paused(q: string): boolean {
    const cfg = this.run.config.queues.find((c) => c.name === q);
    return this.run.modelState.paused.has(q) || cfg?.ratePerSec === 0;
  }

  /**
   * When task `key` is next quiet for an operation at `now`: undefined if nothing of it happens on the
   * model within the guard (its end, its last attempt and answer, its next ETA, its lease ends).
   */
  private taskBusy(key: number, now: Micros, endsCount: boolean): Micros | undefined {
    if (this.tainted.has(key)) return undefined;
    const G = this.guardUs;
    const e = this.run.book.get(key);
    if (!e) return undefined;
    const ms = this.run.modelState;
    const near = (t: Micros): boolean => Math.abs(t - now) <= G;
    const phase = ms.phase.get(key) ?? 'live';
    const poll = now + WALL_CLOCK_TIMING.pollUs;
    if (e.mode === 'push') {
      // Both sides must have made the same attempts, and the queue been answered a guard ago: a
      // queue held up past the guard (a pause of its process) is waited for, not raced. This holds
      // for a finished task too: the model may be done with it while the queue still owes attempts.
      if (this.run.model.seen(key) !== this.run.sut.seen(key)) return poll;
      const sutLast = this.run.sut.last(key);
      if (sutLast) {
        if (sutLast.answeredAt === undefined) return poll;
        if (sutLast.answeredAt + G >= now) return sutLast.answeredAt + G + 1;
      }
    }
    if (phase !== 'live') {
      if (!endsCount) return undefined;
      const f = ms.phaseAt.get(key) ?? 0;
      return f + G >= now ? f + G + 1 : undefined;
    }
    if (e.mode === 'pull') {
      let until: Micros | undefined;
      for (const b of this.pullBounds(key)) if (near(b)) until = Math.max(until ?? 0, b + G + 1);
      return until;
    }
    const last = this.run.model.last(key);
    if (last) {
      const answered = last.t + last.answer.latencyUs;
      if (answered + G >= now) return answered + G + 1;
    }
    if (this.run.model.seen(key) < ms.etaCount(key) && !this.paused(e.q)) {
      // Its next attempt is scheduled: due (waiting for a token or a slot) or due soon.
      const eta = ms.eta.get(key) ?? 0;
      if (eta <= now + G) return Math.max(eta, now) + WALL_CLOCK_TIMING.pollUs;
    }
    return undefined;
  }

  /** When a pull task's availability changes on the model: at its ETA and at every end of a lease on it (PULL-3/4/10). */
  private pullBounds(key: number): Micros[] {
    const e = this.run.book.get(key)!;
    return [Math.max(e.eta, e.addedAt), ...this.run.held.filter((h) => h.key === key).map((h) => h.until.model)];
  }

  /** PULL-9: near a second's boundary with ten calls in the last second, the call's window is ambiguous. */
  private leaseWindowBusy(q: string, now: Micros): Micros | undefined {
    const G = this.guardUs;
    const into = now % US_PER_S;
    if (into > G && US_PER_S - into > G) return undefined;
    const recent = (this.leaseCalls.get(q) ?? []).filter((t) => t > now - US_PER_S - G).length;
    if (recent < 9) return undefined;
    const boundary = into <= G ? now - into : now + (US_PER_S - into);
    return boundary + G + 1;
  }
}
