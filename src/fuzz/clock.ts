/**
 * The clock of a campaign, as a strategy chosen once (the way VOPR picks its options builder): a
 * queue that lets the harness move its clock is fuzzed in virtual time, one that does not on the
 * wall clock. The strategy holds everything that differs between the two — the generators (queue
 * configurations, commands), the defaults, the tolerances — and makes each run's RunClock, which
 * holds the rest: how an operation is paired on both sides, how a step ends, how time passes, the
 * drain, and which invariants are judged. Lockstep itself is one class for both.
 */
import type fc from 'fast-check';
import type { Capabilities, ImmediateCalls } from '../adapters/contract.js';
import type { InvariantId } from '../invariants/index.js';
import type { ResolvedConfig } from '../model/config.js';
import type { Micros } from '../sim/time.js';
import type { Behaviour } from './behaviour.js';
import type { Lateness } from './calibration.js';
import { VirtualRunClock } from './clock-virtual.js';
import { commandArbs, type FuzzModel } from './commands.js';
import { configArb, fitConfig, wallClockConfigArb } from './config-arb.js';
import type { Lockstep, Pair, Touch } from './lockstep.js';
import type { BuildOptions } from './observed-trace.js';
import { WALL_CLOCK_TOLERANCE, type WallClockTolerance } from './tolerance.js';
import { WallRunClock } from './wall-clock.js';

/** One run's clock: everything Lockstep does differently in virtual and in real time. */
export interface RunClock {
  /** Resets both sides and takes the first step. */
  start(): Promise<void>;
  /**
   * Virtual time, a queue that answers every call at once (QueueUnderTest.immediate): its calls. Then
   * an operation goes to both sides at once, model first, with no promise, in place of `pair`.
   */
  readonly immediate?: ImmediateCalls;
  /** Runs one operation on both sides; undefined when it was skipped (no quiet moment, wall clock). */
  pair<M, S>(touch: Touch, model: () => Promise<M>, sut: () => Promise<S>): Promise<Pair<M, S> | undefined>;
  /** After an operation: deliveries made due go out, and are compared. */
  endStep(deliver: boolean): Promise<void>;
  /** Moves both sides `us` microseconds forward (on the wall clock: waits that long, within a bound). */
  advance(us: Micros): Promise<void>;
  /** false when there is nothing to do (already so, or not on this clock). */
  setOutage(on: boolean): Promise<boolean>;
  readonly outages: boolean;
  setBehaviour(b: Behaviour): Promise<void>;
  behaviourFor(key: number, nth: number): Behaviour;
  /** Wall clock: Infinity while a call to the queue is out and its result not yet recorded, else when the last one was (performance.now() ms). */
  callsSettleAtMs?(): number;
  /** The harness's clock, for deliveries that carry no time. */
  now(): Micros;
  taint(keys: Iterable<number>, why: string): void;
  isTainted(key: number | undefined): boolean;
  /**
   * Wall clock: true when each of `keys` (tasks of pull queue `q`) is available at an instant the
   * harness knows only within its measured uncertainty, as close to another live task's of `q` (of
   * `among`, when given): PULL-2/6 lease the oldest first, and their order is ambiguous. Always
   * false in virtual time.
   */
  orderAmbiguous(q: string, keys: readonly number[], among?: readonly number[]): boolean;
  /** How far lease ends may differ. */
  readonly leaseToleranceUs: Micros;
  /** The harness's measured lateness: a difference inside it is inconclusive. */
  readonly noiseUs: Micros;
  /** When the last operation went out (an add's first delivery may come before its answer). */
  readonly sentAt: Micros;
  added(key: number): void;
  traceOptions(): BuildOptions;
  readonly skippedInvariants: ReadonlySet<InvariantId>;
  /** Drains, then judges the queue's trace. */
  finish(): Promise<void>;
  lateness(): Lateness | undefined;
  /** Wall clock, when the run records one (LockstepOptions.timeline): its timeline so far. */
  timeline?(): string[] | undefined;
  close(): void;
  /** The model's engine may be recycled after the run's `close` (virtual time: nothing reads it after). */
  readonly recyclesModel?: boolean;
}

type Cmd = fc.AsyncCommand<FuzzModel, Lockstep>;

export interface ClockStrategy {
  readonly name: 'virtual' | 'wall';
  /** Runs and the longest command sequence when the user gives none. */
  readonly runs: number;
  readonly maxCommands: number;
  /** Wall clock: the stated tolerances (widened by what is measured). */
  readonly tolerance?: WallClockTolerance;
  configArb(caps: Capabilities): fc.Arbitrary<ResolvedConfig>;
  commandArbs(caps: Capabilities): fc.Arbitrary<Cmd>[];
  /** The run's zero as Unix µs: a fixed fake epoch in virtual time, now on the wall clock. */
  epochUs(): Micros | undefined;
  createClock(run: Lockstep): RunClock;
}

export const VIRTUAL_TIME: ClockStrategy = {
  name: 'virtual',
  runs: 200,
  maxCommands: 30,
  configArb: (caps) => configArb.map((c) => fitConfig(c, caps)),
  commandArbs: (caps) => commandArbs({ outages: caps.outages, realTime: false, caps }),
  epochUs: () => undefined,
  createClock: (run) => new VirtualRunClock(run),
};

/** On the wall clock a run takes about a second of real time: fewer and shorter runs by default. */
export const WALL_CLOCK: ClockStrategy = {
  name: 'wall',
  runs: 20,
  maxCommands: 12,
  tolerance: WALL_CLOCK_TOLERANCE,
  configArb: (caps) => wallClockConfigArb.map((c) => fitConfig(c, caps)),
  commandArbs: (caps) => commandArbs({ outages: caps.outages, realTime: true, caps }),
  // The zero is a real instant: the queue's ETA headers (HDR-5) follow its own clock.
  epochUs: () => Math.round((performance.timeOrigin + performance.now()) * 1000),
  createClock: (run) => new WallRunClock(run),
};

/** Chosen once per campaign, from what the adapter says of its clock. */
export function clockFor(caps: Capabilities): ClockStrategy {
  return caps.controlsClock ? VIRTUAL_TIME : WALL_CLOCK;
}
