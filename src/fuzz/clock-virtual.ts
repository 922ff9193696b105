/**
 * A run in virtual time (the queue lets the harness move its clock): both sides get each operation
 * at the same virtual instant, the model first; every step's deliveries are compared exactly (to
 * TIME_TOLERANCE_US); the drain resumes paused queues, runs time until the model is idle, then a
 * quiet hour, and every INV checker judges the queue's trace.
 */
import type { InvariantId } from '../invariants/index.js';
import { US_PER_D, US_PER_MS, type Micros } from '../sim/time.js';
import type { ImmediateCalls, QueueUnderTest } from '../adapters/contract.js';
import type { TraceEvent } from '../sim/events.js';
import { RESOLVED, after, asPromise, toPromise } from './at-once.js';
import { HEALTHY, type Behaviour } from './behaviour.js';
import type { RunClock } from './clock.js';
import { diffDeliveries, type DiffContext } from './differences.js';
import type { Lockstep, Pair, Touch } from './lockstep.js';
import type { Seen } from './side.js';
import type { BuildOptions } from './observed-trace.js';
import { FuzzFailure } from './violation.js';

/** How long the drain may run in virtual time before the run ends undecided. */
const DRAIN_LIMIT_US = 2 * US_PER_D;
/** How long the queue is watched after the model went idle. */
const QUIET_MS = 3_600_000;
/** A step with no deliveries. */
const NONE: Seen[] = [];
const QUIET: { arrival: Seen[]; sorted: Seen[] } = { arrival: NONE, sorted: NONE };

export class VirtualRunClock implements RunClock {
  readonly leaseToleranceUs = 0;
  readonly noiseUs = 0;
  readonly skippedInvariants: ReadonlySet<InvariantId> = new Set();

  /** The queue's calls without promises, when it answers every call at once (a queue in this process). */
  readonly immediate: ImmediateCalls | undefined;

  /** What every step's comparison reads: the same for the whole run, made at its first delivery. */
  private diffContext?: DiffContext;

  constructor(private readonly run: Lockstep) {
    this.immediate = run.sut.queue.immediate?.();
  }

  get outages(): boolean {
    return this.run.caps.outages;
  }

  get sentAt(): Micros {
    return this.run.now;
  }

  now(): Micros {
    return this.run.now;
  }

  /** The behaviour that answers every delivery: the current one. */
  behaviourFor(): Behaviour {
    return this.run.behaviour;
  }

  setBehaviour(b: Behaviour): Promise<void> {
    this.run.behaviour = b;
    return RESOLVED;
  }

  taint(): void {}

  isTainted(): boolean {
    return false;
  }

  orderAmbiguous(): boolean {
    return false;
  }

  added(): void {}

  traceOptions(): BuildOptions {
    return {};
  }

  lateness(): undefined {
    return undefined;
  }

  /** The run is over: an in-process queue may reuse what it built for it (ImmediateCalls.endRun). */
  close(): void {
    this.immediate?.endRun?.();
  }

  /** The model's engine is recycled once the run is closed (spares.ts): nothing reads it after. */
  readonly recyclesModel = true;

  start(): Promise<void> {
    const r = this.run;
    const setup = { config: r.config, seed: r.seed, epochUs: r.epochUs };
    const sut = this.immediate;
    if (sut) {
      return asPromise(() => {
        r.modelQueue.resetNow({ ...setup, handler: r.model.handler });
        sut.resetNow({ ...setup, handler: r.sut.handler });
        return this.step(true);
      });
    }
    return r.modelQueue
      .reset({ ...setup, handler: r.model.handler })
      .then(() => r.sut.queue.reset({ ...setup, handler: r.sut.handler }))
      .then(() => this.endStep(true));
  }

  /**
   * Both sides at the same virtual instant, the model first (the queue's call starts once the
   * model's answer has settled). Chained, not an async function: no frame per operation.
   */
  pair<M, S>(_touch: Touch, model: () => Promise<M>, sut: () => Promise<S>): Promise<Pair<M, S> | undefined> {
    try {
      return model().then((m) => sut().then((s): Pair<M, S> => ({ m, s, unsure: false })));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  advance(us: Micros): Promise<void> {
    const r = this.run;
    try {
      // The model answers at once: usually nothing to wait for on its side, nor on an in-process queue's.
      const moved = after(r.modelQueue.advanceNow(us), () => advanceQueue(r.sut.queue, us));
      return toPromise(
        after(moved, () => {
          r.now += Math.round(us);
          return this.step(false);
        }),
      );
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async setOutage(on: boolean): Promise<boolean> {
    const r = this.run;
    if (!r.caps.outages || r.outage === on) return false;
    r.outage = on;
    await r.modelQueue.setOutage(on);
    await r.sut.queue.setOutage(on);
    r.trace.outage(r.now, on);
    await this.endStep(true);
    return true;
  }

  /**
   * Lets both sides deliver what the step made due (advance(0)), compares the deliveries, and records
   * the queue's in its trace.
   */
  endStep(deliver: boolean): Promise<void> {
    try {
      return toPromise(this.step(deliver));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * `endStep`, synchronous while both sides answer at once (the model always does; a queue with
   * advanceNow and takeEventsNow may): a promise only where one side gave one.
   */
  private step(deliver: boolean): Promise<void> | undefined {
    const r = this.run;
    if (!deliver) return this.compare();
    const model = r.modelQueue.advanceNow(0);
    if (model !== undefined) {
      return after(
        model.then(() => advanceQueue(r.sut.queue, 0)),
        () => this.compare(),
      );
    }
    // Every operation ends here: no closure at all while both sides answer at once.
    const sut = advanceQueue(r.sut.queue, 0);
    return sut === undefined ? this.compare() : sut.then(() => this.compare());
  }

  private compare(): Promise<void> | undefined {
    const r = this.run;
    // Most steps deliver nothing on either side: then there is nothing to sort, record or compare.
    const quiet = r.model.mark === r.model.log.length && r.sut.mark === r.sut.log.length;
    const expected = quiet ? NONE : r.model.step().sorted;
    const { arrival, sorted: actual } = quiet ? QUIET : r.sut.step();
    for (const s of arrival) if (s.key !== undefined) r.trace.delivery(s, r.book.get(s.key)!.q);
    const step = r.trace.currentStep;
    r.modelState.absorb(r.modelQueue.takeEventsNow(), step);
    if (!r.caps.events) return this.judge(quiet, expected, actual);
    const events = takeQueueEvents(r.sut.queue);
    if (Array.isArray(events)) {
      r.sutState.absorb(events, step);
      return this.judge(quiet, expected, actual);
    }
    return events.then((evs) => {
      r.sutState.absorb(evs, step);
      return this.judge(quiet, expected, actual);
    });
  }

  /** Compares the step's deliveries (both sides' events absorbed) and closes the step. */
  private judge(quiet: boolean, expected: Seen[], actual: Seen[]): Promise<void> | undefined {
    const r = this.run;
    const v = quiet ? undefined : diffDeliveries(expected, actual, this.context());
    r.trace.closeStep(r.now);
    return v ? r.fail(v) : undefined;
  }

  private context(): DiffContext {
    const r = this.run;
    this.diffContext ??= {
      book: r.book,
      model: r.modelState,
      modelLog: r.model.log,
      sutLog: r.sut.log,
      sutLogAtResume: r.sutLogAtResume,
      config: r.config,
      epochUs: r.epochUs,
      ...(r.caps.events ? { sut: r.sutState } : {}),
    };
    return this.diffContext;
  }

  /**
   * Handler healthy, outage over, a quiet hour with any paused queue still paused and then each
   * resumed (Lockstep.resumePausedQueues), time runs until the model is idle, then a quiet hour; then
   * every INV checker.
   */
  async finish(): Promise<void> {
    const r = this.run;
    r.behaviour = HEALTHY;
    await this.setOutage(false);
    await r.resumePausedQueues(QUIET_MS * US_PER_MS);
    const idle = await r.modelQueue.runToIdle(r.now + DRAIN_LIMIT_US);
    const target = Math.max(idle.atUs, r.now);
    if (target > r.now) await r.sut.queue.advance(target - r.now);
    r.now = target;
    await this.step(false);
    // A quiet hour: the model does nothing more, so anything the queue still delivers is extra
    // (a retry past the limit, a redelivery after success).
    await this.advance(QUIET_MS * US_PER_MS);
    const found = await r.invariants(idle.idle ? 'idle' : 'time-limit');
    if (found.length > 0) throw new FuzzFailure(found);
  }
}

/** The queue's advance, without a promise when it can answer at once (QueueUnderTest.advanceNow). */
function advanceQueue(q: QueueUnderTest, us: Micros): Promise<void> | undefined {
  return q.advanceNow ? q.advanceNow(us) : q.advance(us);
}

/** The queue's takeEvents, likewise: the array itself from a queue in this process. */
function takeQueueEvents(q: QueueUnderTest): TraceEvent[] | Promise<TraceEvent[]> {
  return q.takeEventsNow ? q.takeEventsNow() : q.takeEvents();
}
