/**
 * `reference`: the engine itself behind the adapter contract. It runs in external mode, so every
 * push delivery goes to the harness's handler and the handler's answer (status, outcome, latency)
 * comes back through `Engine.complete`. We chose that over scripted outcomes because the same code
 * then serves as the fuzzer's model, the in-process reference, the HTTP reference server, and the
 * base class of every mutant: the harness alone decides what the handler says, for all of them.
 *
 * Mutants change it only through `ReferenceHooks` (config, service model, task, request, answer, events)
 * and the engine's own `EngineHooks`, wrapped in a decorator (src/adapters/mutants): none reaches into
 * private state.
 *
 * On the wall clock (`onWallClock()`, `controlsClock: false`): the engine follows real time from each
 * reset. A timer brings it up to the wall clock every millisecond or so, as does every call; each
 * delivery is sent at once and concurrently (the engine does not hold its clock for answers), and its
 * answer lands when it really comes back, with the latency really measured. `advance` then moves
 * nothing: it only catches up. This is the real-time reference the fuzzer's wall-clock mode is tested
 * against (serveReferenceOverHttp({ realTime: true })); every mutant runs on it unchanged.
 */
import type { ResolvedConfig } from '../model/config.js';
import { Engine, type EngineHooks } from '../model/engine.js';
import { TaskQueueError, type Refusal, type RefusalCode } from '../model/errors.js';
import type { Delivery, NewTask, ServiceModel } from '../model/types.js';
import { UNLIMITED_SERVICE } from '../model/types.js';
import type { TraceEvent } from '../sim/events.js';
import type { TraceSink } from '../sim/trace.js';
import type { Micros } from '../sim/time.js';
import { US_PER_MS } from '../sim/time.js';
import type {
  AddError,
  AddOutcome,
  Capabilities,
  ImmediateCalls,
  LeaseOutcome,
  LeaseSpec,
  ModifyError,
  ModifyOutcome,
  OpOutcome,
  PushAnswer,
  PushHandler,
  PushRequest,
  QueueUnderTest,
  RunSetup,
  TaskSpec,
} from './contract.js';

const EMPTY = new Uint8Array(0);
const NO_DELIVERIES: readonly Delivery[] = [];

export interface WallClockOptions {
  /** How often the engine is brought up to the wall clock, ms. Default 1. */
  tickMs?: number;
}

/**
 * The reference's explicit hooks: how a deliberately broken variant (a mutant) changes one behaviour.
 * Each hook gets the reference's own value and returns the one to use; absent hooks change nothing.
 */
export interface ReferenceHooks {
  /** The configuration the engine runs (the harness keeps judging by the one it asked for). */
  engineConfig?(config: ResolvedConfig): ResolvedConfig;
  /** The service behind push targets (instances, duplicate rate). */
  serviceModel?(service: ServiceModel): ServiceModel;
  /** Behaviour of the engine itself that no configuration reaches (see `EngineHooks`). */
  engine?: EngineHooks;
  /** A task as the engine is asked to add it. */
  task?(spec: TaskSpec): TaskSpec;
  /** The HTTP request a delivery becomes (PUSH-1, HDR-1…8). */
  request?(req: PushRequest, d: Delivery): PushRequest;
  /** What the engine is told about the handler's answer. */
  result?(result: PushAnswer, answer: PushAnswer, d: Delivery): PushAnswer;
  /** Every event the engine emits, in order; `sendLater` sends a request of the hook's own once the engine's are answered. */
  observe?(ev: TraceEvent, sendLater: (req: PushRequest) => void): void;
  /** At every reset, before the engine starts (a hook's own state starts over). */
  reset?(): void;
}

export class ReferenceQueue implements QueueUnderTest, ImmediateCalls {
  /** Its queue lives in this object: `tasksim fuzz --jobs` may run one per worker side by side. */
  readonly parallelSafe = true;
  protected engine!: Engine;
  protected handler!: PushHandler;
  /** The configuration the harness asked for (mutants may run the engine on another). */
  protected config!: ResolvedConfig;
  private events: TraceEvent[] = [];
  /** The current engine's way to this queue's `observe` (EventTap). */
  private tap: EventTap | undefined;
  /** Extra requests a mutant wants sent after the engine's own (see `sendLater`). */
  private extra: PushRequest[] = [];
  /** The engine of the run the harness last ended (endRun), to recycle at the next reset. */
  private endedRun: Engine | undefined;
  /** Set by onWallClock(): the engine follows real time. */
  private wallTickMs: number | undefined;
  /** performance.now() at the last reset (wall clock only). */
  private wallZero = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Deliveries sent and not yet answered (wall clock only). */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    readonly name: string = 'reference',
    private readonly hooks: ReferenceHooks = {},
  ) {}

  /**
   * From the next reset on, the queue runs on the wall clock and says so (`controlsClock: false`).
   * Returns the queue, so `findMutant(n)!.create()` can be put on the wall clock in one expression.
   */
  onWallClock(opts: WallClockOptions = {}): this {
    this.wallTickMs = Math.max(1, opts.tickMs ?? 1);
    return this;
  }

  get onWall(): boolean {
    return this.wallTickMs !== undefined;
  }

  async describe(): Promise<Capabilities> {
    return { controlsClock: !this.onWall, outages: true, events: true };
  }

  reset(setup: RunSetup): Promise<void> {
    return settled(() => this.resetNow(setup));
  }

  resetNow(setup: RunSetup): void {
    this.stopTimer();
    this.config = setup.config;
    this.handler = setup.handler;
    this.events = [];
    this.extra = [];
    this.hooks.reset?.();
    this.tap?.close();
    this.tap = new EventTap((ev) => this.observe(ev));
    // The run the harness ended (endRun) is over: its engine's parts serve the new one (spares.ts).
    if (this.engine !== undefined && this.engine === this.endedRun) this.engine.recycle();
    this.endedRun = undefined;
    this.engine = new Engine({
      config: this.engineConfig(setup.config),
      seed: setup.seed,
      epochUs: setup.epochUs,
      external: true,
      holdForAnswers: !this.onWall,
      service: this.serviceModel(),
      sinks: [this.tap],
      hooks: this.hooks.engine,
    });
    if (this.onWall) {
      this.wallZero = performance.now();
      this.tick();
    }
  }

  /** ImmediateCalls.endRun: the run's engine is recycled at the next reset (in virtual time; it is as it was until then). */
  endRun(): void {
    if (!this.onWall) this.endedRun = this.engine;
  }

  /**
   * The queue is done for good (the fuzzer's model, after its run and `close`): its engine's parts go
   * to the spares (Engine.recycle). In virtual time only; nothing may call the queue after.
   */
  recycle(): void {
    if (this.onWall || this.engine === undefined) return;
    this.engine.recycle();
    this.engine = undefined as unknown as Engine; // a call after this fails loudly, never on shared parts
  }

  /** The clock, µs since the run's zero. */
  get nowUs(): Micros {
    return this.engine.now;
  }

  // ---- the pipeline a delivery goes through (serve's driver overrides it; mutants use the hooks) -----

  protected engineConfig(config: ResolvedConfig): ResolvedConfig {
    return this.hooks.engineConfig ? this.hooks.engineConfig(config) : config;
  }

  protected serviceModel(): ServiceModel {
    return this.hooks.serviceModel ? this.hooks.serviceModel(UNLIMITED_SERVICE) : UNLIMITED_SERVICE;
  }

  protected toNewTask(given: TaskSpec): NewTask {
    const spec = this.hooks.task ? this.hooks.task(given) : given;
    // Every field present (undefined when not given): one shape for every task the engine reads.
    return {
      name: spec.name,
      etaUs: spec.etaUs,
      countdownUs: spec.countdownUs,
      payload: spec.payload,
      method: spec.method,
      url: spec.url,
      tag: spec.tag,
    };
  }

  /** The HTTP request a delivery becomes (PUSH-1, HDR-1…8). */
  protected request(d: Delivery): PushRequest {
    const req: PushRequest = {
      method: d.method,
      url: d.url,
      headers: d.headers,
      body: d.body ?? EMPTY,
      atUs: this.engine.now,
    };
    return this.hooks.request ? this.hooks.request(req, d) : req;
  }

  /** What the engine is told about the handler's answer. */
  protected toResult(answer: PushAnswer, d: Delivery): PushAnswer {
    const r: PushAnswer = { status: answer.status, outcome: answer.outcome, latencyUs: answer.latencyUs };
    return this.hooks.result ? this.hooks.result(r, answer, d) : r;
  }

  /** Every event the engine emits, in order. */
  protected observe(ev: TraceEvent): void {
    this.events.push(ev);
    this.hooks.observe?.(ev, this.sendLater);
  }

  /** A request of a hook's own, sent to the handler once the engine's are answered. */
  private readonly sendLater = (req: PushRequest): void => {
    this.extra.push(req);
  };

  // ---- the contract -----------------------------------------------------------------------------
  // Each call is answered at once: a settled promise (a throw as a rejection), with no async function's
  // frame per call (the fuzzer makes a hundred calls per run on each side); and each answer itself
  // from its `…Now` namesake (ImmediateCalls), for a harness in this process.

  /**
   * This queue's calls without promises, while each contract call is the reference's own: a subclass
   * (or an instance) that answers one its own way, as a test's refusing queue does, is asked through it.
   */
  immediate(): ImmediateCalls | undefined {
    // Each call by name (a loop over their names made a keyed lookup of each, once per run).
    const own = ReferenceQueue.prototype;
    const same =
      this.reset === own.reset &&
      this.addTasks === own.addTasks &&
      this.deleteTask === own.deleteTask &&
      this.pauseQueue === own.pauseQueue &&
      this.resumeQueue === own.resumeQueue &&
      this.leaseTasks === own.leaseTasks &&
      this.modifyLease === own.modifyLease &&
      this.runTask === own.runTask &&
      this.setOutage === own.setOutage;
    return same ? this : undefined;
  }

  addTasks(queue: string, tasks: TaskSpec[]): Promise<AddOutcome[]> {
    return settled(() => this.addTasksNow(queue, tasks));
  }

  addTasksNow(queue: string, tasks: TaskSpec[]): AddOutcome[] {
    this.catchUp();
    let results;
    try {
      results = this.engine.addTasks(
        queue,
        tasks.map((t) => this.toNewTask(t)),
      );
    } catch (err) {
      return tasks.map(() => refusal(err));
    }
    return results.map(
      (r): AddOutcome =>
        r.ok ? { ok: true, name: r.name! } : { ok: false, error: addErrorKind(r.code), rule: r.rule, message: r.error },
    );
  }

  deleteTask(queue: string, name: string): Promise<OpOutcome> {
    return settled(() => this.deleteTaskNow(queue, name));
  }

  deleteTaskNow(queue: string, name: string): OpOutcome {
    // The refusal as a value: deletes of gone tasks are common.
    return this.op(() => this.engine.tryDeleteTask(queue, name));
  }

  pauseQueue(queue: string): Promise<OpOutcome> {
    return settled(() => this.pauseQueueNow(queue));
  }

  pauseQueueNow(queue: string): OpOutcome {
    return this.op(() => this.engine.pauseQueue(queue));
  }

  resumeQueue(queue: string): Promise<OpOutcome> {
    return settled(() => this.resumeQueueNow(queue));
  }

  resumeQueueNow(queue: string): OpOutcome {
    return this.op(() => this.engine.resumeQueue(queue));
  }

  /** CT-4: one attempt now; refused (FAILED_PRECONDITION) on a paused queue or a task in flight. */
  runTask(queue: string, name: string): Promise<OpOutcome> {
    return settled(() => this.runTaskNow(queue, name));
  }

  runTaskNow(queue: string, name: string): OpOutcome {
    return this.op(() => this.engine.runTask(queue, name));
  }

  leaseTasks(queue: string, spec: LeaseSpec): Promise<LeaseOutcome> {
    return settled(() => this.leaseTasksNow(queue, spec));
  }

  leaseTasksNow(queue: string, spec: LeaseSpec): LeaseOutcome {
    this.catchUp();
    let out: LeaseOutcome;
    try {
      const r = this.engine.leaseTasks(queue, spec);
      out = r.ok
        ? { ok: true, tasks: r.tasks.map((t) => ({ name: t.name, leaseUntilUs: t.leaseUntilUs })), capped: r.capped }
        : { ok: false, error: r.error, message: r.rule };
    } catch (err) {
      out = { ok: false, error: errorCode(err), message: (err as Error).message };
    }
    return out;
  }

  modifyLease(queue: string, name: string, heldUntilUs: Micros, seconds: number): Promise<ModifyOutcome> {
    return settled(() => this.modifyLeaseNow(queue, name, heldUntilUs, seconds));
  }

  modifyLeaseNow(queue: string, name: string, heldUntilUs: Micros, seconds: number): ModifyOutcome {
    this.catchUp();
    let out: ModifyOutcome;
    try {
      out = { ok: true, leaseUntilUs: this.engine.modifyLease(queue, name, heldUntilUs, seconds) };
    } catch (err) {
      out = { ok: false, error: modifyErrorKind(err), message: (err as Error).message };
    }
    return out;
  }

  /** On the wall clock, catches up with real time and moves nothing further (the harness cannot). */
  advance(us: Micros): Promise<void> {
    try {
      return this.advanceNow(us) ?? RESOLVED;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * `advance` for a caller in the same process: a promise only when a handler's answer was one (on
   * the virtual clock the harness answers at once, so a step usually needs no await at all).
   */
  advanceNow(us: Micros): Promise<void> | undefined {
    if (this.onWall) {
      this.catchUp();
      return undefined;
    }
    return this.driveToNow(this.engine.now + Math.round(us));
  }

  setOutage(on: boolean): Promise<void> {
    return settled(() => this.setOutageNow(on));
  }

  setOutageNow(on: boolean): void {
    this.catchUp();
    this.engine.setOutage(on);
  }

  takeEvents(): Promise<TraceEvent[]> {
    return Promise.resolve(this.takeEventsNow());
  }

  takeEventsNow(): TraceEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  async close(): Promise<void> {
    this.stopTimer();
    if (this.engine) await this.engine.end('stopped');
    if (this.pending.size > 0) await Promise.allSettled([...this.pending]); // wall clock only
  }

  // ---- driving the engine -----------------------------------------------------------------------

  /** Runs `fn` at the queue's now; a refusal it returns or throws is the answer. */
  private op(fn: () => Refusal | undefined | void): OpOutcome {
    this.catchUp();
    try {
      const refused = fn();
      return refused ? opRefusal(refused, refused.code) : { ok: true };
    } catch (err) {
      return opRefusal(err as Error, errorCode(err));
    }
  }

  /** Runs the engine to `t`, handing each delivery to the handler and its answer back to the engine. */
  protected async driveTo(t: Micros): Promise<void> {
    const waiting = this.driveToNow(t);
    if (waiting) await waiting;
  }

  /** `driveTo`, synchronous until a handler answers with a promise (then the rest follows it). */
  private driveToNow(t: Micros): Promise<void> | undefined {
    for (;;) {
      const r = this.engine.advanceTo(t);
      const out = this.takeDeliveries();
      const waiting = out.length > 0 || this.extra.length > 0 ? this.deliverNow(out, 0) : undefined;
      if (waiting) return waiting.then(() => (r === 'blocked' ? this.driveTo(t) : undefined));
      if (r !== 'blocked') return undefined;
    }
  }

  /**
   * Runs until nothing is left to do (or `limitUs`), for the harness's drain. Returns the time of the
   * last thing that happened, and whether the engine went idle.
   */
  async runToIdle(limitUs: Micros): Promise<{ atUs: Micros; idle: boolean }> {
    for (;;) {
      const r = this.engine.run({ untilUs: limitUs });
      const out = this.takeDeliveries();
      const waiting = out.length > 0 || this.extra.length > 0 ? this.deliverNow(out, 0) : undefined;
      if (waiting) await waiting;
      if (r === 'blocked') continue;
      return { atUs: this.engine.now, idle: r === 'idle' };
    }
  }

  // ---- the wall clock ---------------------------------------------------------------------------

  /** Wall µs since the last reset. */
  private wallUs(): Micros {
    return Math.round((performance.now() - this.wallZero) * US_PER_MS);
  }

  private tick = (): void => {
    this.catchUp();
    this.timer = setTimeout(this.tick, this.wallTickMs);
    this.timer.unref();
  };

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Wall clock: runs the engine up to now, sending every delivery that falls due on the way. */
  protected catchUp(): void {
    if (!this.onWall || !this.engine) return;
    const t = Math.max(this.wallUs(), this.engine.now);
    for (;;) {
      const r = this.engine.advanceTo(t);
      this.sendOutbox();
      if (r !== 'blocked') return;
    }
  }

  /** Wall clock: each delivery goes out now, concurrently; its answer lands when it comes. */
  private sendOutbox(): void {
    const engine = this.engine;
    for (const d of engine.takeDeliveries()) {
      const sentAt = engine.now;
      const handler = this.handler; // this run's, even if the answer comes after the next reset
      const req = this.request(d); // the headers as of the dispatch
      const answer = Promise.resolve()
        .then(() => handler(req))
        .catch((): PushAnswer => ({ status: 0, outcome: 'net', latencyUs: 0 }));
      this.track(
        answer.then((a) => {
          if (engine !== this.engine) return; // an answer to a run that has ended
          this.catchUp();
          // The latency is what it really was; the response lands now.
          engine.complete(d.key, { ...this.toResult(a, d), latencyUs: Math.max(0, engine.now - sentAt) });
          this.catchUp();
        }),
      );
    }
    while (this.extra.length > 0) {
      const req = this.extra.shift()!;
      const handler = this.handler;
      this.track(
        Promise.resolve()
          .then(() => handler(req))
          .then(
            () => {},
            () => {},
          ),
      );
    }
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /**
   * The deliveries the engine dispatched since the last call. Every one waits for its answer
   * (`outstanding`) from its dispatch on, so with none outstanding there is none to take: most
   * steps dispatch nothing, and then no array is made.
   */
  private takeDeliveries(): readonly Delivery[] {
    return this.engine.outstanding > 0 ? this.engine.takeDeliveries() : NO_DELIVERIES;
  }

  /**
   * Hands out[from…] (just taken from the engine) to the handler, one after another, each answer to
   * the engine before the next request; then a hook's extra requests. Synchronous while the handler
   * answers at once; from the first answer that is a promise on, the rest follows it.
   */
  private deliverNow(out: readonly Delivery[], from: number): Promise<void> | undefined {
    for (let i = from; i < out.length; i++) {
      const d = out[i];
      const given = this.handler(this.request(d));
      if (isPromise(given)) return given.then((answer) => this.answered(out, i, answer));
      this.engine.complete(d.key, this.toResult(given, d));
    }
    while (this.extra.length > 0) {
      const given = this.handler(this.extra.shift()!);
      if (isPromise(given)) return given.then(() => this.deliverNow(out, out.length));
    }
    return undefined;
  }

  private answered(out: readonly Delivery[], i: number, answer: PushAnswer): Promise<void> | undefined {
    this.engine.complete(out[i].key, this.toResult(answer, out[i]));
    return this.deliverNow(out, i + 1);
  }
}

/**
 * The engine's sink: hands each event to the queue until the engine ends or is replaced, then lets
 * go of it. A finished engine is not freed at once: V8 keeps it through young-generation collections
 * until the next full one (its own closures hold it), and through this sink it held the queue, and
 * through the queue's handler the fuzzer's whole run — every run's objects were copied and promoted
 * to the old generation, most of a fuzz campaign's garbage-collection time.
 */
class EventTap implements TraceSink {
  constructor(private observe: ((ev: TraceEvent) => void) | undefined) {}

  onEvent(ev: TraceEvent): void {
    this.observe?.(ev);
  }

  close(): void {
    this.observe = undefined;
  }
}

/** What an async method would return: the value, settled, or its throw as a rejection. */
function settled<T>(answer: () => T): Promise<T> {
  try {
    return Promise.resolve(answer());
  } catch (err) {
    return Promise.reject(err);
  }
}

const RESOLVED: Promise<void> = Promise.resolve();

function isPromise<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

function errorCode(err: unknown): RefusalCode {
  if (err instanceof TaskQueueError) return err.code;
  throw err;
}

/** An operation's refusal as the contract answers it (NOT_FOUND and FAILED_PRECONDITION kept, the rest INVALID). */
function opRefusal(refused: { message: string }, code: RefusalCode): OpOutcome {
  return {
    ok: false,
    error: code === 'NOT_FOUND' || code === 'FAILED_PRECONDITION' ? code : 'INVALID',
    message: refused.message,
  };
}

function refusal(err: unknown): AddOutcome {
  const e = err as TaskQueueError;
  return { ok: false, error: 'INVALID', rule: e.rule, message: (errorCode(err), e.message) };
}

/** TASK-2's two refusals keep their engine codes; everything else is INVALID. */
function addErrorKind(code: RefusalCode | undefined): AddError {
  return code === 'ALREADY_EXISTS' || code === 'TOMBSTONED' ? code : 'INVALID';
}

function modifyErrorKind(err: unknown): ModifyError {
  const code = errorCode(err);
  return code === 'LEASE_EXPIRED' || code === 'LEASE_MISMATCH' || code === 'NOT_FOUND' ? code : 'INVALID';
}
