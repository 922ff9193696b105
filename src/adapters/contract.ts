/**
 * The contract of a *queue under test*: what `tasksim fuzz` needs from a task-queue implementation to
 * check it against the model. Small on purpose (DESIGN: contracts at the edges): add, delete,
 * pause/resume, lease/modify, move the clock, and push deliveries made to a handler the HARNESS hosts,
 * so the harness chooses every answer (2xx, 5xx, 503, 3xx, slow, reset, past the deadline).
 *
 * Implementations: `reference` (the engine itself), `mutant:<name>` (deliberately broken variants),
 * and `http://host:port` (any language, through the HTTP/JSON protocol in HTTP-JSON-PROTOCOL.md).
 */
import type { ResolvedConfig } from '../model/config.js';
import type { RuleId } from '../rules/index.js';
import type { TraceEvent } from '../sim/events.js';
import type { Micros } from '../sim/time.js';
import type { PushAnswer, PushRequest } from '../sim/exchange.js';

export interface Capabilities {
  /**
   * The harness moves the queue's clock (`advance`). Then everything is compared exactly in virtual
   * time. Without it the harness runs on the wall clock (src/fuzz/wall-clock.ts): `advance` only
   * catches up, deliveries come by themselves, and timing is compared within the tolerances in
   * src/fuzz/tolerance.ts.
   */
  controlsClock: boolean;
  /** `setOutage` works: no instance is available while an outage lasts (INST-2). */
  outages: boolean;
  /**
   * `takeEvents` reports the queue's own trace (src/sim/events.ts). The harness takes from it only the
   * decisions it cannot see from outside (retry, success, exhaust, expire, attempts that never reached
   * the handler); without it, those come from the model.
   */
  events: boolean;
  /**
   * Protocol /2: what else the queue lacks (a Cloud Tasks service has no pull queues, an emulator no
   * 503 throttling …). The generators never use a feature listed here; absent means none.
   */
  lacks?: readonly Feature[];
}

/**
 * Features a queue may lack (protocol /2 `lacks`). The first three mirror the booleans above;
 * `runTask`: CT-4 RunTask (`QueueUnderTest.runTask`). `latency`: on its virtual clock the queue
 * takes a handler's answer as instant (a Cloud Tasks emulator moved by a clock API cannot wait for
 * one), so the harness answers both sides at once. `queueYaml`: queues are made through the Cloud
 * Tasks API, not queue.yaml: the generators keep to CT-1's fields (the cloud-tasks profile, a burst
 * derived from the rate, no rate 0, no 0 where proto3 reads it as unset).
 */
export const FEATURES = [
  'virtualClock',
  'outages',
  'events',
  'pull',
  'runTask',
  '503',
  'deadlines',
  'taskAgeLimit',
  'latency',
  'queueYaml',
] as const;
export type Feature = (typeof FEATURES)[number];

/** Whether the queue lacks `f` (the booleans for the first three, `lacks` for the rest). */
export function lacks(c: Capabilities, f: Feature): boolean {
  if (f === 'virtualClock') return !c.controlsClock;
  if (f === 'outages') return !c.outages;
  if (f === 'events') return !c.events;
  return c.lacks?.includes(f) === true;
}

/** The features a queue lacks, in FEATURES order (for the CLI's note and reports). */
export function lackedFeatures(c: Capabilities): Feature[] {
  return FEATURES.filter((f) => lacks(c, f));
}

/**
 * A push delivery as the harness's handler receives it (PUSH-1, HDR-1…8, HANDLER-6), and its answer:
 * the one request and answer types (src/sim/exchange.ts). `url` is a path and query, e.g.
 * `/_ah/queue/default`; `atUs` is set by clock-controlled queues. The answer's `latencyUs` is how long
 * it took; clock-controlled queues apply it in virtual time.
 */
export type { PushAnswer, PushRequest } from '../sim/exchange.js';

/** @deprecated Use `PushAnswer`. Kept because queue adapters users wrote may name it. */
export type HandlerAnswer = PushAnswer;

export type PushHandler = (req: PushRequest) => PushAnswer | Promise<PushAnswer>;

export interface RunSetup {
  config: ResolvedConfig;
  seed: number;
  /** The virtual clock's zero as µs since the Unix epoch (HDR-5 prints ETAs from it). */
  epochUs: Micros;
  /** Where every push delivery goes, with its answer coming back. */
  handler: PushHandler;
  /**
   * Unique to this run (protocol /2): a queue that cannot forget (names never freed, queues never
   * deleted) keeps each run apart under it, e.g. as a location or a queue-name prefix.
   */
  namespace?: string;
}

/** A task to add (TASK-1…3, PUSH-1/4). Exactly what the fuzzer varies; nothing more. */
export interface TaskSpec {
  name?: string;
  /** Absolute ETA in µs since the run's zero, or a countdown from now (PUSH-4). */
  etaUs?: Micros;
  countdownUs?: Micros;
  /** UTF-8 text (HANDLER-6: arrives as the body). */
  payload?: string;
  method?: string;
  url?: string;
  /** Pull tasks (PULL-6). */
  tag?: string;
}

/** TASK-2: `ALREADY_EXISTS` while the task lives, `TOMBSTONED` for a while after; anything else refused is `INVALID`. */
export type AddError = 'ALREADY_EXISTS' | 'TOMBSTONED' | 'INVALID';
export type AddOutcome = { ok: true; name: string } | { ok: false; error: AddError; rule?: RuleId; message?: string };

export interface LeaseSpec {
  worker: string;
  leaseSeconds: number;
  maxTasks: number;
  /** PULL-6: lease only tasks with this tag; `byTag` without a tag → the oldest available task's tag. */
  tag?: string;
  byTag?: boolean;
}

export interface LeasedTaskInfo {
  name: string;
  /** The lease's end, µs since the run's zero (the proof of holding for `modifyLease`). */
  leaseUntilUs: Micros;
}

export type LeaseOutcome =
  | { ok: true; tasks: LeasedTaskInfo[]; capped?: boolean }
  | { ok: false; error: string; message?: string };

/** PULL-5 errors: the lease already ended, another lease holds the task, no such task. */
export type ModifyError = 'LEASE_EXPIRED' | 'LEASE_MISMATCH' | 'NOT_FOUND' | 'INVALID';
export type ModifyOutcome = { ok: true; leaseUntilUs: Micros } | { ok: false; error: ModifyError; message?: string };

/** FAILED_PRECONDITION: CT-4/CT-6, RunTask on a paused queue or on a task being dispatched. */
export type OpOutcome =
  | { ok: true }
  | { ok: false; error: 'NOT_FOUND' | 'INVALID' | 'FAILED_PRECONDITION'; message?: string };

/**
 * A queue under test. Only `advance` delivers: the other calls change the queue at its current
 * instant, and the deliveries they make due go out in the next `advance` (the harness calls
 * `advance(0)` after each of them), which returns once every delivery due up to the new instant has
 * been made and answered. Domain refusals are results (`ok: false`), never exceptions; exceptions
 * mean the adapter itself failed (AdapterUnreachable, AdapterProtocolError).
 */
export interface QueueUnderTest {
  readonly name: string;
  /**
   * Each instance keeps its own queue in this process (the reference, the mutants): instances made
   * in worker threads run side by side without sharing anything, so `tasksim fuzz --jobs N` may use
   * them. A queue reached over the network is one queue however many instances talk to it: absent.
   */
  readonly parallelSafe?: boolean;
  /** Once, before a campaign (an HTTP adapter asks the server; unreachable → AdapterUnreachable). */
  describe(): Promise<Capabilities>;
  /** Forgets everything and starts a new run on a fresh clock at 0. */
  reset(setup: RunSetup): Promise<void>;
  addTasks(queue: string, tasks: TaskSpec[]): Promise<AddOutcome[]>;
  deleteTask(queue: string, name: string): Promise<OpOutcome>;
  pauseQueue(queue: string): Promise<OpOutcome>;
  resumeQueue(queue: string): Promise<OpOutcome>;
  leaseTasks(queue: string, spec: LeaseSpec): Promise<LeaseOutcome>;
  /** PULL-5: `heldUntilUs` is the lease end the caller was given; seconds 0 releases the task. */
  modifyLease(queue: string, name: string, heldUntilUs: Micros, seconds: number): Promise<ModifyOutcome>;
  /**
   * Moves the clock `us` microseconds forward (0: stays), delivering everything due on the way (controlsClock).
   * On the wall clock it moves nothing: it returns at once (the harness calls it with 0 to collect
   * events).
   */
  advance(us: Micros): Promise<void>;
  /**
   * `advance` for a queue in this process that can answer at once: undefined when nothing is left to
   * wait for, else the promise `advance` would give. The virtual clock then takes no promise per step.
   * A queue that has it must make `advance` the same (as the reference does by calling it).
   */
  advanceNow?(us: Micros): Promise<void> | undefined;
  /** CT-4: one attempt of push task `name` now (queues that do not lack `runTask`). */
  runTask?(queue: string, name: string): Promise<OpOutcome>;
  /** outages: starts or ends an outage now. */
  setOutage(on: boolean): Promise<void>;
  /** events: the queue's trace events since the last call. */
  takeEvents(): Promise<TraceEvent[]>;
  /** `takeEvents` for a queue in this process: the events themselves, no promise. */
  takeEventsNow?(): TraceEvent[];
  /**
   * A queue in this process that answers every operation at once: its calls without a promise
   * (ImmediateCalls), or undefined when some call may not be answered at once. The virtual clock then
   * pairs each operation on both sides with no promise at all.
   */
  immediate?(): ImmediateCalls | undefined;
  close(): Promise<void>;
}

/**
 * The operations of QueueUnderTest answered at once: each returns exactly what its namesake's
 * promise settles to (and throws what it rejects with), with the same effects.
 */
export interface ImmediateCalls {
  resetNow(setup: RunSetup): void;
  addTasksNow(queue: string, tasks: TaskSpec[]): AddOutcome[];
  deleteTaskNow(queue: string, name: string): OpOutcome;
  pauseQueueNow(queue: string): OpOutcome;
  resumeQueueNow(queue: string): OpOutcome;
  leaseTasksNow(queue: string, spec: LeaseSpec): LeaseOutcome;
  modifyLeaseNow(queue: string, name: string, heldUntilUs: Micros, seconds: number): ModifyOutcome;
  runTaskNow(queue: string, name: string): OpOutcome;
  setOutageNow(on: boolean): void;
  /**
   * The harness is done with the run: nothing will read or drive what it built again, and the next
   * `resetNow` may reuse it rather than build anew. Optional; a queue may ignore it.
   */
  endRun?(): void;
}

/**
 * The adapter cannot be reached before the campaign starts (connection refused, DNS, timeout):
 * `tasksim fuzz` exits 3. Once it has answered, losing it is a protocol violation (a verdict).
 */
export class AdapterUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdapterUnreachable';
  }
}

/** The adapter answered something the protocol does not allow: a verdict on the adapter, never a stack trace. */
export class AdapterProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdapterProtocolError';
  }
}

/** A local mistake in how the adapter was set up (a handler host that cannot be bound): bad input, exit 2. */
export class AdapterSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdapterSetupError';
  }
}
