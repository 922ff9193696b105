/** What the queues see of the engine: the clock, chance, the trace, and the event heap. */
import type { Random } from '../sim/random.js';
import type { DeliveryHeaders, Outcome, TraceEvent } from '../sim/events.js';
import type { RuleId } from '../rules/index.js';
import type { Micros } from '../sim/time.js';
import type { ResolvedConfig } from './config.js';
import type { TaskTable } from './task.js';

export interface Core {
  readonly now: Micros;
  readonly rng: Random;
  readonly config: ResolvedConfig;
  readonly epochUs: Micros;
  /** Every task's state, by id. */
  readonly tasks: TaskTable;
  emit(ev: TraceEvent): void;
  // The commonest events, at `now`: made as objects only when some sink needs them (engine.ts).
  emitAdd(
    id: number,
    q: string,
    name: string | undefined,
    eta: Micros,
    size: number,
    tag: string | undefined,
    failFast: boolean,
    dl: Micros | undefined,
  ): void;
  /** Returns the delivery's headers object when one was made (always when deliveries go to an outside target). */
  emitDispatch(
    id: number,
    q: string,
    n: number,
    name: string | undefined,
    executionCount: number,
    etaEpochUs: Micros,
    prevStatus: number,
    prevOutcome: Outcome | null,
    failFast: boolean,
    dup: boolean,
  ): DeliveryHeaders | undefined;
  emitResponse(
    id: number,
    q: string,
    n: number,
    status: number,
    out: Outcome,
    lat: Micros,
    ra: Micros | undefined,
  ): void;
  emitRetry(id: number, q: string, n: number, eta: Micros): void;
  emitSuccess(id: number, q: string, n: number): void;
  emitExhaust(id: number, q: string, n: number, rule: RuleId): void;
  /** Runs `job` at virtual time `t` (never earlier than now); ties run in scheduling order. */
  schedule(t: Micros, job: () => void): void;
  /** As `schedule`, calling `job(arg)`: one shared function per kind of job, not a closure per job. */
  scheduleCall<A>(t: Micros, job: (arg: A) => void, arg: A): void;
  /** A fresh task id and heap sequence number. */
  nextId(): number;
  nextSeq(): number;
}
