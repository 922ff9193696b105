/**
 * A run in virtual time (the queue lets the harness move its clock): both sides get each operation
 * at the same virtual instant, the model first; every step's deliveries are compared exactly (to
 * TIME_TOLERANCE_US); the drain runs time until the model is idle, then a quiet hour, and every INV
 * checker judges the queue's trace.
 */
import type { InvariantId } from '../invariants/index.js';
import { US_PER_D, US_PER_MS, type Micros } from '../sim/time.js';
import { HEALTHY, type Behaviour } from './behaviour.js';
import type { RunClock } from './clock.js';
import { diffDeliveries } from './differences.js';
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

export class VirtualRunClock implements RunClock {
  readonly leaseToleranceUs = 0;
  readonly noiseUs = 0;
  readonly skippedInvariants: ReadonlySet<InvariantId> = new Set();

  constructor(private readonly run: Lockstep) {}

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

  async setBehaviour(b: Behaviour): Promise<void> {
    this.run.behaviour = b;
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

  close(): void {}

  async start(): Promise<void> {
    const r = this.run;
    const setup = { config: r.config, seed: r.seed, epochUs: r.epochUs };
    await r.modelQueue.reset({ ...setup, handler: r.model.handler });
    await r.sut.queue.reset({ ...setup, handler: r.sut.handler });
    await this.endStep(true);
  }

  /** Both sides at the same virtual instant, the model first. */
  async pair<M, S>(_touch: Touch, model: () => Promise<M>, sut: () => Promise<S>): Promise<Pair<M, S> | undefined> {
    const m = await model();
    const s = await sut();
    return { m, s, unsure: false };
  }

  async advance(us: Micros): Promise<void> {
    const r = this.run;
    const model = r.modelQueue.advanceNow(us); // the model answers at once: usually nothing to await
    if (model) await model;
    await r.sut.queue.advance(us);
    r.now += Math.round(us);
    await this.endStep(false);
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
  async endStep(deliver: boolean): Promise<void> {
    const r = this.run;
    if (deliver) {
      const model = r.modelQueue.advanceNow(0);
      if (model) await model;
      await r.sut.queue.advance(0);
    }
    // Most steps deliver nothing on either side: then there is nothing to sort, record or compare.
    const quiet = r.model.mark === r.model.log.length && r.sut.mark === r.sut.log.length;
    const expected = quiet ? NONE : r.model.step().sorted;
    const { arrival, sorted: actual } = quiet ? { arrival: NONE, sorted: NONE } : r.sut.step();
    for (const s of arrival) if (s.key !== undefined) r.trace.delivery(s, r.book.get(s.key)!.q);
    const step = r.trace.currentStep;
    r.modelState.absorb(r.modelQueue.takeEventsNow(), step);
    if (r.caps.events) r.sutState.absorb(await r.sut.queue.takeEvents(), step);
    const v = quiet
      ? undefined
      : diffDeliveries(expected, actual, {
          book: r.book,
          model: r.modelState,
          modelLog: r.model.log,
          config: r.config,
          epochUs: r.epochUs,
          ...(r.caps.events ? { sut: r.sutState } : {}),
        });
    r.trace.closeStep(r.now);
    if (v) await r.fail(v);
  }

  /** Handler healthy, outage over, time runs until the model is idle, then a quiet hour; then every INV checker. */
  async finish(): Promise<void> {
    const r = this.run;
    r.behaviour = HEALTHY;
    await this.setOutage(false);
    const idle = await r.modelQueue.runToIdle(r.now + DRAIN_LIMIT_US);
    const target = Math.max(idle.atUs, r.now);
    if (target > r.now) await r.sut.queue.advance(target - r.now);
    r.now = target;
    await this.endStep(false);
    // A quiet hour: the model does nothing more, so anything the queue still delivers is extra
    // (a retry past the limit, a redelivery after success).
    await this.advance(QUIET_MS * US_PER_MS);
    const found = await r.invariants(idle.idle ? 'idle' : 'time-limit');
    if (found.length > 0) throw new FuzzFailure(found);
  }
}
