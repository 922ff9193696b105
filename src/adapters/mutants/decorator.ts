/**
 * A mutant is a decorator over the reference queue: the reference, built with the mutant's
 * `ReferenceHooks` (and through them the engine's `EngineHooks`), wrapped in a queue that may answer
 * some contract calls itself. Nothing reaches into private state, and mutants combine by merging
 * their parts: two that change the same hook or call are refused (the combination would be neither).
 */
import type { Micros } from '../../sim/time.js';
import type { TraceEvent } from '../../sim/events.js';
import type {
  AddOutcome,
  Capabilities,
  LeaseOutcome,
  LeaseSpec,
  ModifyOutcome,
  OpOutcome,
  QueueUnderTest,
  RunSetup,
  TaskSpec,
} from '../contract.js';
import { ReferenceQueue, type ReferenceHooks, type WallClockOptions } from '../reference.js';

/** What a contract call a mutant answers itself can see: the reference under it and this run's setup. */
export interface CallContext {
  readonly reference: ReferenceQueue;
  readonly setup: RunSetup;
}

/** Contract calls a mutant answers itself (usually by calling the reference and changing the answer). */
export interface CallOverrides {
  deleteTask?(ctx: CallContext, queue: string, name: string): Promise<OpOutcome>;
  pauseQueue?(ctx: CallContext, queue: string): Promise<OpOutcome>;
  resumeQueue?(ctx: CallContext, queue: string): Promise<OpOutcome>;
  leaseTasks?(ctx: CallContext, queue: string, spec: LeaseSpec): Promise<LeaseOutcome>;
  runTask?(ctx: CallContext, queue: string, name: string): Promise<OpOutcome>;
}

/** One mutant's defect: hooks into the reference, calls it answers itself, or both. */
export interface MutantParts {
  hooks?: ReferenceHooks;
  calls?: CallOverrides;
}

export class OverlappingMutants extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OverlappingMutants';
  }
}

/**
 * The parts of several mutants as one. `reset` and `observe` only listen, so each mutant's runs in
 * turn; every other hook or call changes a value, and may come from one mutant only.
 */
export function mergeParts(named: readonly { name: string; parts: MutantParts }[]): MutantParts {
  const hooks: Record<string, unknown> = {};
  const calls: Record<string, unknown> = {};
  const owner = new Map<string, string>();
  const resets: NonNullable<ReferenceHooks['reset']>[] = [];
  const observers: NonNullable<ReferenceHooks['observe']>[] = [];
  for (const { name, parts } of named) {
    const { reset, observe, ...changing } = parts.hooks ?? {};
    if (reset) resets.push(reset);
    if (observe) observers.push(observe);
    for (const [into, from] of [
      [hooks, changing],
      [calls, parts.calls ?? {}],
    ] as const) {
      for (const [key, value] of Object.entries(from)) {
        if (owner.has(key))
          throw new OverlappingMutants(
            `mutants ${owner.get(key)} and ${name} both change ${key}; they cannot be combined`,
          );
        owner.set(key, name);
        into[key] = value;
      }
    }
  }
  const merged = hooks as ReferenceHooks;
  if (resets.length > 0) merged.reset = () => resets.forEach((r) => r());
  if (observers.length > 0) merged.observe = (ev, sendLater) => observers.forEach((o) => o(ev, sendLater));
  return { hooks: merged, calls: calls as CallOverrides };
}

export class MutantQueue implements QueueUnderTest {
  /** Its queue lives in this object: `tasksim fuzz --jobs` may run one per worker side by side. */
  readonly parallelSafe = true;
  private readonly reference: ReferenceQueue;
  private readonly calls: CallOverrides;
  private setup: RunSetup | undefined;

  constructor(
    readonly name: string,
    parts: MutantParts,
  ) {
    this.reference = new ReferenceQueue(name, parts.hooks ?? {});
    this.calls = parts.calls ?? {};
  }

  /** The reference under it on the wall clock (ReferenceQueue.onWallClock); returns this queue. */
  onWallClock(opts: WallClockOptions = {}): this {
    this.reference.onWallClock(opts);
    return this;
  }

  /** The clock, µs since the run's zero. */
  get nowUs(): Micros {
    return this.reference.nowUs;
  }

  private context(): CallContext {
    if (!this.setup) throw new Error(`${this.name}: called before reset`);
    return { reference: this.reference, setup: this.setup };
  }

  describe(): Promise<Capabilities> {
    return this.reference.describe();
  }

  reset(setup: RunSetup): Promise<void> {
    this.setup = setup;
    return this.reference.reset(setup);
  }

  addTasks(queue: string, tasks: TaskSpec[]): Promise<AddOutcome[]> {
    return this.reference.addTasks(queue, tasks);
  }

  deleteTask(queue: string, name: string): Promise<OpOutcome> {
    return this.calls.deleteTask
      ? this.calls.deleteTask(this.context(), queue, name)
      : this.reference.deleteTask(queue, name);
  }

  pauseQueue(queue: string): Promise<OpOutcome> {
    return this.calls.pauseQueue ? this.calls.pauseQueue(this.context(), queue) : this.reference.pauseQueue(queue);
  }

  resumeQueue(queue: string): Promise<OpOutcome> {
    return this.calls.resumeQueue ? this.calls.resumeQueue(this.context(), queue) : this.reference.resumeQueue(queue);
  }

  leaseTasks(queue: string, spec: LeaseSpec): Promise<LeaseOutcome> {
    return this.calls.leaseTasks
      ? this.calls.leaseTasks(this.context(), queue, spec)
      : this.reference.leaseTasks(queue, spec);
  }

  modifyLease(queue: string, name: string, heldUntilUs: Micros, seconds: number): Promise<ModifyOutcome> {
    return this.reference.modifyLease(queue, name, heldUntilUs, seconds);
  }

  advance(us: Micros): Promise<void> {
    return this.reference.advance(us);
  }

  runTask(queue: string, name: string): Promise<OpOutcome> {
    return this.calls.runTask ? this.calls.runTask(this.context(), queue, name) : this.reference.runTask(queue, name);
  }

  setOutage(on: boolean): Promise<void> {
    return this.reference.setOutage(on);
  }

  takeEvents(): Promise<TraceEvent[]> {
    return this.reference.takeEvents();
  }

  close(): Promise<void> {
    return this.reference.close();
  }
}
