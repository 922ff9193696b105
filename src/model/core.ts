/** What the queues see of the engine: the clock, chance, the trace, and the event heap. */
import type { Random } from '../sim/random.js';
import type { TraceEvent } from '../sim/events.js';
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
  /** Runs `job` at virtual time `t` (never earlier than now); ties run in scheduling order. */
  schedule(t: Micros, job: () => void): void;
  /** As `schedule`, calling `job(arg)`: one shared function per kind of job, not a closure per job. */
  scheduleCall<A>(t: Micros, job: (arg: A) => void, arg: A): void;
  /** A fresh task id and heap sequence number. */
  nextId(): number;
  nextSeq(): number;
}
