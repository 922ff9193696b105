/**
 * The engine: the whole Task Queue as one pure, deterministic state machine on a virtual clock
 * (DESIGN: one pure core). No I/O, no wall clock, no Math.random: time is `now`, chance is `rng`,
 * and everything that happens is emitted to the trace sinks.
 */
import type { ResolvedConfig, QueueConfig } from './config.js';
import type { Core } from './core.js';
import type { PushAnswer } from '../sim/exchange.js';
import type { AddResult, Delivery, LeaseRequest, LeaseResult, NewTask, ServiceModel } from './types.js';
import { UNLIMITED_SERVICE } from './types.js';
import { byteLength, defaultTaskUrl, taskSize, toBytes } from './task.js';
import { Refusal, TaskQueueError } from './errors.js';
import { LIMITS, Tombstones, systemTaskId, systemTaskName, taskNameRefusal } from './names.js';
import type { RuleId } from '../rules/index.js';
import { InstancePool } from './instances.js';
import { PushQueue, type Attempt, type AttemptRunner } from './push-queue.js';
import { PullQueue, type PullOptions } from './pull-queue.js';
import { sampleServiceTime, StatusMix } from './service.js';
import { FAIL_FAST_TEXT, decimalText, deliveryHeaders, retryCountText, retryReason, toHttpHeaders } from './headers.js';
import {
  outcomeOfStatus,
  type DeliveryHeaders,
  type Outcome,
  type ResponseEvent,
  type TraceEvent,
} from '../sim/events.js';
import { type FieldSink, isFieldSink, serialize, type TraceSink } from '../sim/trace.js';
import { giveBackReadyQueue, giveBackTaskTable, takeReadyQueue, takeTaskTable } from './spares.js';
import { Random } from '../sim/random.js';
import { DEFAULT_EPOCH_US, US_PER_D, type Micros } from '../sim/time.js';

export interface EngineOptions {
  config: ResolvedConfig;
  seed: number;
  /** The virtual clock's zero as µs since the Unix epoch (for the ETA header, HDR-5). */
  epochUs?: Micros;
  sinks?: TraceSink[];
  /** The service behind push targets (instances, and for scripted runs, behaviour). */
  service?: ServiceModel;
  /** Deliveries go out through `takeDeliveries`/`complete` instead of the scripted service model. */
  external?: boolean;
  /**
   * External mode: time waits for outstanding answers (default true, for lockstep drivers). A driver
   * on the wall clock sets false: time moves on while requests are out, and an answer reported late
   * lands when it is reported (`complete` never schedules into the past).
   */
  holdForAnswers?: boolean;
  pull?: Partial<PullOptions>;
  /** Deliberate breakage, for mutants only (src/adapters/mutants); absent in every faithful run. */
  hooks?: EngineHooks;
}

/**
 * The engine's explicit hooks: behaviour a broken variant changes that no configuration reaches.
 * They exist so mutants never reach into the engine's private state.
 */
export interface EngineHooks {
  /** TASK-2 broken: a name is never tombstoned (a gone task's name can be added again at once). */
  noTombstones?: boolean;
}

/** CT-5: Retry-After counts only on a 429 or 503, whole µs, at most PUSH-4's 30 days. */
function retryAfterOf(r: PushAnswer): Micros | undefined {
  const ra = r.retryAfterUs;
  if (ra === undefined || !(ra > 0) || (r.status !== 429 && r.status !== 503)) return undefined;
  return Math.min(Math.round(ra), MAX_ETA_AHEAD_US);
}

/** The scripted target's answer lands: the attempt carries its queue, status and outcome. */
function answerAttempt(attempt: Attempt): void {
  const queue = attempt.queue!;
  queue.respond(attempt, attempt.answer, attempt.outcome);
  queue.recycle(attempt); // answered: nothing refers to it any more
}

export type RunResult = 'idle' | 'blocked' | 'time-limit' | 'event-limit';

/** A reservation beyond this many tasks is taken as this many: a hint must not cost a huge allocation. */
const MAX_RESERVED_TASKS = 1 << 20;

/** PUSH-4: an ETA may be at most 30 days ahead. */
export const MAX_ETA_AHEAD_US = 30 * US_PER_D;

export class Engine implements Core {
  /**
   * The virtual clock. It lives in a typed array: a number past 2^31 µs (36 virtual minutes) kept in
   * an object field is a heap box, and a new box on every job was a good part of a long run's garbage.
   */
  private readonly clock = new Float64Array(1);
  get now(): Micros {
    return this.clock[0];
  }
  private set now(t: Micros) {
    this.clock[0] = t;
  }
  readonly rng: Random;
  /** Replaced (never mutated) when a queue is added or changed while running (putQueue). */
  config: ResolvedConfig;
  readonly epochUs: Micros;
  /** Trace events emitted so far. */
  events = 0;

  private readonly sinks: TraceSink[];
  private readonly needLine: boolean;
  /**
   * The sinks, when every one takes the commonest events as fields (FieldSink): then those events are
   * never made as objects. Undefined when some sink needs the objects (a trace file, a memory trace,
   * checkers in this thread) or deliveries go to an outside target (it needs their headers object).
   */
  private readonly fieldSinks: FieldSink[] | undefined;
  /**
   * Scheduled jobs: slots in `jobRuns`/`jobArgs`, ordered by (time, seq) as plain numbers. A job is a
   * shared function and its argument: no closure and no job object per event. Jobs come in streams
   * whose times only grow (answers a fixed service time after dispatch, the pump's next token), so
   * they wait in a ReadyQueue's lanes rather than a heap.
   */
  private readonly jobs = takeReadyQueue();
  private readonly jobRuns: (((arg: unknown) => void) | undefined)[] = [];
  private readonly jobArgs: unknown[] = [];
  private readonly freeSlots: number[] = [];
  private seq = 0;
  private ids = 0;
  private readonly push = new Map<string, PushQueue>();
  private readonly pull = new Map<string, PullQueue>();
  /** Every task's state by id (ids are dense). */
  readonly tasks = takeTaskTable();
  /** Queues by index, as the task table records them. */
  private readonly queueNames: string[] = [];
  private readonly queueIndex = new Map<string, number>();
  /** Live user-named tasks by name, per queue. */
  private readonly named = new Map<string, Map<string, number>>();
  /**
   * What an add reads of its queue, by queue index (one lookup of the index per task, not one map
   * lookup per thing): its live user-named tasks, its push queue or pull queue, and the byte length
   * of PUSH-1's default URL (TASK-3 counts it), made once.
   */
  private readonly namedOf: Map<string, number>[] = [];
  private readonly queueOf: (PushQueue | PullQueue)[] = [];
  private readonly defaultUrlBytesOf: number[] = [];
  /** Live tasks per queue, by queue index. */
  private readonly liveCounts: number[] = [];
  private readonly tombstones = new Map<string, Tombstones>();
  private readonly pool: InstancePool;
  private readonly outbox: Delivery[] = [];
  private readonly awaiting = new Map<number, { queue: PushQueue; attempt: Attempt }>();
  private nextDeliveryKey = 1;
  private ended = false;
  /** Its parts went back to the spares (recycle). */
  private recycled = false;
  private readonly holdForAnswers: boolean;
  /** Deliveries go to an outside target: only then can answers be outstanding. */
  private readonly external: boolean;
  private readonly makeQueue: (q: QueueConfig) => void;

  constructor(opts: EngineOptions) {
    this.config = opts.config;
    this.rng = new Random(opts.seed);
    this.epochUs = opts.epochUs ?? DEFAULT_EPOCH_US;
    this.sinks = opts.sinks ?? [];
    this.needLine = this.sinks.some((s) => s.wantsLines);
    this.holdForAnswers = opts.holdForAnswers !== false;
    this.external = opts.external === true;
    this.fieldSinks = !this.external && this.sinks.every(isFieldSink) ? (this.sinks as FieldSink[]) : undefined;
    const service = opts.service ?? UNLIMITED_SERVICE;
    this.pool = new InstancePool(service, this);
    const runner = opts.external ? this.externalRunner() : this.scriptedRunner(service);
    const pullOptions: PullOptions = { visibilityDelayUs: 0, transientErrorRate: 0, ...opts.pull };
    this.emit({ t: 0, e: 'config', seed: opts.seed, epochUs: this.epochUs, config: this.config });
    // Bound through a local, not assigned as a literal to the field: V8 allocates a closure written
    // straight into a constructor's field in the old generation, and that closure holds the engine,
    // so a finished engine outlived young collections until the next full one (a fuzz campaign's
    // engines were most of its garbage-collection time).
    const makeQueue = (q: QueueConfig): void => {
      const index = this.queueNames.length;
      this.queueIndex.set(q.name, index);
      this.queueNames.push(q.name);
      this.liveCounts.push(0);
      const onDone = (task: number): void => this.forget(index, task);
      const queue =
        q.mode === 'push'
          ? new PushQueue(q, this, this.pool, runner, onDone, service.duplicateRate)
          : new PullQueue(q, this, pullOptions, onDone);
      if (queue instanceof PushQueue) this.push.set(q.name, queue);
      else this.pull.set(q.name, queue);
      this.queueOf.push(queue);
      const named = new Map<string, number>();
      this.named.set(q.name, named);
      this.namedOf.push(named);
      this.defaultUrlBytesOf.push(byteLength(defaultTaskUrl(q.name)));
      this.tombstones.set(q.name, new Tombstones(opts.hooks?.noTombstones ? 0 : this.config.options.tombstoneUs));
    };
    this.makeQueue = makeQueue;
    for (const q of this.config.queues) makeQueue(q);
    for (const w of service.outages) {
      this.schedule(w.startUs, () => this.setOutage(true));
      this.schedule(w.endUs, () => this.setOutage(false));
    }
  }

  // ---- Core -------------------------------------------------------------------------------------

  emit(ev: TraceEvent): void {
    this.events++;
    // An indexed loop: for…of over the sinks showed as a tenth of this per-event call.
    const sinks = this.sinks;
    if (this.needLine) {
      const line = serialize(ev);
      for (let i = 0; i < sinks.length; i++) sinks[i].onEvent(ev, line);
    } else {
      for (let i = 0; i < sinks.length; i++) sinks[i].onEvent(ev);
    }
  }

  // The commonest events: to the sinks as fields when all take them (fieldSinks), else as objects.
  // Each object path is the event's one literal, fields in the schema's order (events.ts).

  emitAdd(
    id: number,
    q: string,
    name: string | undefined,
    eta: Micros,
    size: number,
    tag: string | undefined,
    failFast: boolean,
    dl: Micros | undefined,
  ): void {
    const t = this.now;
    const sinks = this.fieldSinks;
    if (sinks === undefined) {
      const ev: TraceEvent = {
        t,
        e: 'add',
        id,
        q,
        name: name ?? systemTaskName(id),
        named: name !== undefined,
        eta,
        size,
      };
      if (tag !== undefined) ev.tag = tag;
      if (failFast) ev.ff = true;
      if (dl !== undefined) ev.dl = dl;
      return this.emit(ev);
    }
    this.events++;
    const ff = failFast ? true : undefined;
    for (let i = 0; i < sinks.length; i++) sinks[i].onAdd(t, id, q, name, eta, size, tag, ff, dl);
  }

  /**
   * A dispatch and its X-AppEngine headers (HDR-1…8, built by headers.ts); `name` undefined for a
   * system name. Returns the headers object when one was made (always for an outside target).
   */
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
  ): DeliveryHeaders | undefined {
    const t = this.now;
    const sinks = this.fieldSinks;
    if (sinks === undefined) {
      const tn = name ?? systemTaskName(id);
      const h = deliveryHeaders(q, tn, n, executionCount, etaEpochUs, prevStatus, prevOutcome, failFast);
      this.emit(dup ? { t, e: 'dispatch', id, q, n, h, dup: true } : { t, e: 'dispatch', id, q, n, h });
      return h;
    }
    this.events++;
    // The texts deliveryHeaders would give, without its object (the ETA as its µs: FieldSink).
    const rc = retryCountText(n);
    const ec = decimalText(executionCount);
    const pr = prevOutcome === null ? undefined : decimalText(prevStatus);
    const rr = prevOutcome === null ? undefined : retryReason(prevOutcome);
    const ff = failFast ? FAIL_FAST_TEXT : undefined;
    const isDup = dup ? true : undefined;
    for (let i = 0; i < sinks.length; i++)
      sinks[i].onDispatch(t, id, q, n, name, rc, ec, etaEpochUs, pr, rr, ff, isDup);
    return undefined;
  }

  emitResponse(
    id: number,
    q: string,
    n: number,
    status: number,
    out: Outcome,
    lat: Micros,
    ra: Micros | undefined,
  ): void {
    const t = this.now;
    const sinks = this.fieldSinks;
    if (sinks === undefined) {
      const ev: ResponseEvent = { t, e: 'response', id, q, n, status, out, lat };
      if (ra !== undefined) ev.ra = ra;
      return this.emit(ev);
    }
    this.events++;
    for (let i = 0; i < sinks.length; i++) sinks[i].onResponse(t, id, q, n, status, out, lat, ra);
  }

  emitRetry(id: number, q: string, n: number, eta: Micros): void {
    const t = this.now;
    const sinks = this.fieldSinks;
    if (sinks === undefined) return this.emit({ t, e: 'retry', id, q, n, eta });
    this.events++;
    for (let i = 0; i < sinks.length; i++) sinks[i].onRetry(t, id, q, n, eta);
  }

  emitSuccess(id: number, q: string, n: number): void {
    const t = this.now;
    const sinks = this.fieldSinks;
    if (sinks === undefined) return this.emit({ t, e: 'success', id, q, n });
    this.events++;
    for (let i = 0; i < sinks.length; i++) sinks[i].onSuccess(t, id, q, n);
  }

  emitExhaust(id: number, q: string, n: number, rule: RuleId): void {
    const t = this.now;
    const sinks = this.fieldSinks;
    if (sinks === undefined) return this.emit({ t, e: 'exhaust', id, q, n, rule });
    this.events++;
    for (let i = 0; i < sinks.length; i++) sinks[i].onExhaust(t, id, q, n, rule);
  }

  schedule(t: Micros, run: () => void): void {
    this.scheduleCall(t, run, undefined);
  }

  scheduleCall<A>(t: Micros, run: (arg: A) => void, arg: A): void {
    const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.jobRuns.length;
    this.jobRuns[slot] = run as (arg: unknown) => void;
    this.jobArgs[slot] = arg;
    this.jobs.push(slot, Math.max(t, this.now), this.seq++);
  }

  nextId(): number {
    return ++this.ids;
  }

  nextSeq(): number {
    return this.seq++;
  }

  // ---- Adding tasks (TASK-1…4, PUSH-4) ------------------------------------------------------------

  /** Adds up to 100 tasks (TASK-3); each result says whether that task was added. */
  addTasks(queueName: string, tasks: NewTask[]): AddResult[] {
    const queue = this.batchQueue(queueName, tasks);
    return tasks.map((t): AddResult => {
      const r = this.addOrReject(queue, t);
      return typeof r === 'number'
        ? { ok: true, name: t.name ?? systemTaskName(r), id: r }
        : { ok: false, name: t.name, rule: r.rule, code: r.code, error: r.message };
    });
  }

  /**
   * As `addTasks`, for a caller that needs only how many were added (a simulated workload, whose
   * trace says the rest): no result object per task.
   */
  addTasksCounted(queueName: string, tasks: NewTask[]): number {
    const queue = this.batchQueue(queueName, tasks);
    let added = 0;
    for (let i = 0; i < tasks.length; i++) if (typeof this.addOrReject(queue, tasks[i]) === 'number') added++;
    return added;
  }

  /**
   * Room in the task table and in the queue's ready queue for `count` more tasks, for a caller about
   * to add that many (a burst): a hint, which changes nothing but how often they grow.
   */
  reserveTasks(queueName: string, count: number): void {
    if (!(count > 0)) return;
    const rows = Math.floor(Math.min(count, MAX_RESERVED_TASKS));
    this.tasks.reserve(this.ids + rows);
    this.push.get(queueName)?.reserve(rows);
  }

  /** The queue of an add call, which may carry at most 100 tasks (TASK-3). */
  private batchQueue(queueName: string, tasks: NewTask[]): QueueConfig {
    const queue = this.queueConfig(queueName);
    if (tasks.length > LIMITS.tasksPerAdd) {
      throw new TaskQueueError('TASK-3', `at most ${LIMITS.tasksPerAdd} tasks per add call, got ${tasks.length}`);
    }
    return queue;
  }

  /** The new task's id, or the refusal (already in the trace as a `reject` event). */
  private addOrReject(queue: QueueConfig, t: NewTask): number | Refusal {
    const r = this.addOne(queue, t);
    if (typeof r === 'number') return r;
    this.emit({
      t: this.now,
      e: 'reject',
      q: queue.name,
      ...(t.name ? { name: t.name } : {}),
      reason: r.message,
      rule: r.rule,
    });
    return r;
  }

  /**
   * Adds one task (TASK-1…4, PUSH-4) and returns its id, or the refusal as a value: a fuzz run's
   * adds are refused by the dozen, and an error made and thrown for each was a cost of its own.
   */
  private addOne(queue: QueueConfig, t: NewTask): number | Refusal {
    const now = this.now;
    const index = this.queueIndex.get(queue.name)!;
    const size = t.size ?? byteLength(t.payload);
    // TASK-3: payload, URL and header bytes count together; a push task goes to its URL or the default one.
    const counted =
      t.url === undefined && queue.mode === 'push'
        ? size + this.defaultUrlBytesOf[index] + taskSize(0, undefined, t.headers)
        : taskSize(size, t.url, t.headers);
    const limit = queue.mode === 'push' ? LIMITS.pushTaskBytes : LIMITS.pullTaskBytes;
    if (counted > limit) {
      return new Refusal(
        'TASK-3',
        `a ${queue.mode} task is at most ${limit} bytes (payload, URL and headers), got ${counted}`,
      );
    }
    if (t.url !== undefined && t.url.length > LIMITS.urlChars) {
      return new Refusal('TASK-3', `URL is at most ${LIMITS.urlChars} characters, got ${t.url.length}`);
    }
    if (t.tag !== undefined && byteLength(t.tag) > LIMITS.tagBytes) {
      return new Refusal('TASK-3', `tag is at most ${LIMITS.tagBytes} bytes`);
    }
    const eta = Math.round(t.etaUs ?? now + (t.countdownUs ?? 0)); // whole µs (HDR-5)
    if (eta > now + MAX_ETA_AHEAD_US) return new Refusal('PUSH-4', 'ETA may be at most 30 days ahead');
    const named = this.namedOf[index];
    let id: number;
    if (t.name !== undefined) {
      const invalid = taskNameRefusal(t.name);
      if (invalid) return invalid;
      if (named.has(t.name) || this.liveSystemTask(queue.name, t.name)) {
        return new Refusal('TASK-2', `task ${t.name} already exists`, 'ALREADY_EXISTS');
      }
      const tombstoned = this.tombstones.get(queue.name)!.refusal(t.name, now);
      if (tombstoned) return tombstoned;
      id = this.nextId();
    } else {
      // HDR-2: a system name must be unique; skip an id whose name a user took.
      do id = this.nextId();
      while (named.size > 0 && named.has(systemTaskName(id)));
    }
    const tasks = this.tasks;
    const extra =
      t.payload !== undefined || t.method || t.url || t.headers || t.tag !== undefined || t.deadlineUs !== undefined
        ? {
            payload: toBytes(t.payload),
            method: t.method,
            url: t.url,
            headers: t.headers,
            tag: t.tag,
            deadlineUs: t.deadlineUs,
          }
        : null;
    const taskEta = Math.max(eta, now);
    const failFast = t.failFast === true;
    tasks.add(id, index, t.name ?? null, now, taskEta, size, failFast, extra);
    if (t.name !== undefined) named.set(t.name, id);
    this.liveCounts[index]++;
    this.emitAdd(id, queue.name, t.name, taskEta, size, t.tag, failFast, t.deadlineUs);
    this.queueOf[index].enqueue(id);
    return id;
  }

  /** A task is gone for good: it leaves the live count and its name is tombstoned (TASK-2). */
  private forget(index: number, task: number): void {
    this.liveCounts[index]--;
    const name = this.tasks.userName(task);
    if (name !== undefined) {
      const queue = this.queueNames[index];
      this.named.get(queue)!.delete(name);
      this.tombstones.get(queue)!.bury(name, this.now);
    }
  }

  /** The live task of `queue` whose system-generated name is `name`, if any. */
  private liveSystemTask(queue: string, name: string): number | undefined {
    const id = systemTaskId(name);
    const tasks = this.tasks;
    if (id === undefined || id > this.ids || !tasks.isLive(id)) return undefined;
    return tasks.userName(id) === undefined && tasks.queue[id] === this.queueIndex.get(queue) ? id : undefined;
  }

  private queueConfig(name: string): QueueConfig {
    const q = this.config.queues.find((c) => c.name === name);
    if (!q) throw new TaskQueueError('CFG-1', `unknown queue ${JSON.stringify(name)}`, 'UNKNOWN_QUEUE');
    return q;
  }

  private task(queue: string, name: string): number {
    const task = this.taskOrRefusal(queue, name);
    if (typeof task !== 'number') throw task.error();
    return task;
  }

  /** The live task `name` of `queue`, or PULL-7's NOT_FOUND as a value (an unknown queue still throws). */
  private taskOrRefusal(queue: string, name: string): number | Refusal {
    this.queueConfig(queue);
    const task = this.named.get(queue)!.get(name) ?? this.liveSystemTask(queue, name);
    if (task === undefined)
      return new Refusal('PULL-7', `no task ${JSON.stringify(name)} in queue ${queue}`, 'NOT_FOUND');
    return task;
  }

  // ---- Queue control (PUSH-8) and deletes (PULL-7) ---------------------------------------------

  pauseQueue(name: string): void {
    this.pushQueue(name).pause();
  }

  resumeQueue(name: string): void {
    this.pushQueue(name).resume();
  }

  deleteTask(queue: string, name: string): void {
    const refused = this.tryDeleteTask(queue, name);
    if (refused) throw refused.error();
  }

  /** As `deleteTask`, with the refusal (PULL-7 NOT_FOUND: the commonest) returned, not thrown. */
  tryDeleteTask(queue: string, name: string): Refusal | undefined {
    const task = this.taskOrRefusal(queue, name);
    if (typeof task !== 'number') return task;
    this.emit({ t: this.now, e: 'delete', id: task, q: queue });
    if (this.push.has(queue)) this.push.get(queue)!.delete(task);
    else this.pull.get(queue)!.delete(task);
    return undefined;
  }

  private pushQueue(name: string): PushQueue {
    const q = this.push.get(name);
    if (!q)
      throw new TaskQueueError(
        'PUSH-8',
        `${name} is not a push queue`,
        this.pull.has(name) ? 'WRONG_MODE' : 'UNKNOWN_QUEUE',
      );
    return q;
  }

  // ---- Queues and tasks through the Cloud Tasks API (CT-1, CT-4) --------------------------------

  /**
   * CT-1 CreateQueue / UpdateQueue: adds a queue, or gives an existing one new settings (its mode
   * stays). The whole new configuration goes into the trace as another `config` event.
   */
  putQueue(cfg: QueueConfig): void {
    const queues = this.config.queues;
    const i = queues.findIndex((q) => q.name === cfg.name);
    if (i >= 0 && queues[i].mode !== cfg.mode) {
      throw new TaskQueueError(
        'CT-1',
        `queue ${cfg.name} is a ${queues[i].mode} queue and stays one`,
        'INVALID_ARGUMENT',
      );
    }
    this.config = { ...this.config, queues: i >= 0 ? queues.map((q, j) => (j === i ? cfg : q)) : [...queues, cfg] };
    if (i < 0) this.makeQueue(cfg);
    else if (cfg.mode === 'push') this.push.get(cfg.name)!.reconfigure(cfg);
    else this.pull.get(cfg.name)!.cfg = cfg;
    this.emit({ t: this.now, e: 'config', seed: this.rng.seed, epochUs: this.epochUs, config: this.config });
  }

  /** CT-4 RunTask: one attempt of a push task now; it replaces the task's pending dispatch. */
  runTask(queue: string, name: string): void {
    const task = this.task(queue, name);
    this.pushQueue(queue).runNow(task);
  }

  // ---- Pull queues (PULL-1…10) ------------------------------------------------------------------

  leaseTasks(queue: string, req: LeaseRequest): LeaseResult {
    const q = this.pull.get(queue);
    if (!q) {
      this.queueConfig(queue);
      throw new TaskQueueError('PULL-1', `cannot lease from push queue ${queue}`, 'WRONG_MODE');
    }
    return q.lease(req);
  }

  /** PULL-5: returns the new lease end. `heldUntilUs` is the lease end the caller was given. */
  modifyLease(queue: string, name: string, heldUntilUs: Micros, seconds: number): Micros {
    const q = this.pull.get(queue);
    if (!q) throw new TaskQueueError('PULL-1', `${queue} is not a pull queue`, 'WRONG_MODE');
    return q.modify(this.task(queue, name), heldUntilUs, seconds);
  }

  // ---- Targets ---------------------------------------------------------------------------------

  /** Scripted: the service model draws a service time and a status for each attempt. */
  private scriptedRunner(service: ServiceModel): AttemptRunner {
    const statuses = new StatusMix(service);
    return {
      start: (queue, attempt, readyAt) => {
        const serviceUs = sampleServiceTime(service.serviceTime, this.rng);
        const status = statuses.sample(this.rng);
        const deadlineAt = attempt.dispatchedAt + this.config.deadlineUs;
        const doneAt = readyAt + serviceUs;
        attempt.queue = queue;
        if (doneAt > deadlineAt) {
          attempt.answer = 0;
          attempt.outcome = 'deadline'; // DEADLINE-2
          this.scheduleCall(deadlineAt, answerAttempt, attempt);
        } else {
          attempt.answer = status;
          attempt.outcome = outcomeOfStatus(status);
          this.scheduleCall(doneAt, answerAttempt, attempt);
        }
      },
    };
  }

  /** External: the attempt waits in the outbox until the driver reports what the target said. */
  private externalRunner(): AttemptRunner {
    return {
      start: (queue, attempt) => {
        const key = this.nextDeliveryKey++;
        this.awaiting.set(key, { queue, attempt });
        const task = attempt.task;
        const extra = this.tasks.extra(task);
        // HDR-9: the queue strips X-AppEngine-* headers a task carries and sets its own.
        const own = Object.entries(extra?.headers ?? {}).filter(([h]) => !h.toLowerCase().startsWith('x-appengine-'));
        const headers = { ...Object.fromEntries(own), ...toHttpHeaders(attempt.headers!) };
        if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
          headers['Content-Type'] = 'application/octet-stream'; // HANDLER-6
        }
        this.outbox.push({
          key,
          id: task,
          queue: queue.cfg.name,
          name: this.tasks.nameOf(task),
          attempt: attempt.n,
          method: extra?.method ?? 'POST',
          url: extra?.url ?? defaultTaskUrl(queue.cfg.name),
          headers,
          body: extra?.payload,
          deadlineUs: this.deadlineOf(task),
          duplicate: this.tasks.isDup(task),
        });
      },
    };
  }

  /** DEADLINE-1, or the task's own dispatch deadline (CT-2). */
  private deadlineOf(task: number): Micros {
    return this.tasks.extra(task)?.deadlineUs ?? this.config.deadlineUs;
  }

  /** Deliveries dispatched since the last call (external targets only). */
  takeDeliveries(): Delivery[] {
    return this.outbox.splice(0, this.outbox.length);
  }

  /** Reports the outcome of a delivery; the response lands at dispatch time + latency. */
  complete(key: number, result: PushAnswer): void {
    const pending = this.awaiting.get(key);
    if (!pending) throw new Error(`unknown or completed delivery ${key}`);
    this.awaiting.delete(key);
    const { queue, attempt } = pending;
    const deadline = this.deadlineOf(attempt.task);
    const latencyUs = Math.max(0, Math.round(result.latencyUs)); // virtual time stays whole µs (HDR-5)
    // The request went out when an instance took it (INST-3); the deadline runs from the dispatch.
    const deadlineAt = attempt.dispatchedAt + deadline;
    const late = attempt.startedAt + latencyUs > deadlineAt || result.outcome === 'deadline';
    const at = late ? deadlineAt : attempt.startedAt + latencyUs; // the queue stops waiting at the deadline
    if (late) this.schedule(at, () => queue.respond(attempt, 0, 'deadline'));
    else this.schedule(at, () => queue.respond(attempt, result.status, result.outcome, retryAfterOf(result)));
  }

  /** Deliveries handed out and not yet completed. */
  get outstanding(): number {
    return this.awaiting.size;
  }

  // ---- Instances -------------------------------------------------------------------------------

  /** Starts or ends an outage now: no instance is available while it lasts (INST-2). */
  setOutage(on: boolean): void {
    this.pool.outage = on;
    this.emit({ t: this.now, e: 'outage', on });
  }

  // ---- Running ---------------------------------------------------------------------------------

  /** Runs `fn` at virtual time `t`: how workloads and workers act inside the simulation. */
  at(t: Micros, fn: (engine: Engine) => void): void {
    this.scheduleCall(Math.round(t), fn, this);
  }

  /**
   * Processes events in (time, seq) order. Stops when nothing is left ('idle'), when external
   * deliveries must be answered before time can move on ('blocked'), or at a limit.
   */
  run(limits: { untilUs?: Micros; maxEvents?: number } = {}): RunResult {
    const until = limits.untilUs ?? Infinity;
    const maxEvents = limits.maxEvents ?? Infinity;
    const jobs = this.jobs;
    const runs = this.jobRuns;
    const args = this.jobArgs;
    for (;;) {
      const slot = jobs.peek();
      const t = jobs.peekT();
      if (this.external && (this.outbox.length > 0 || (this.holdForAnswers && this.awaiting.size > 0))) {
        if (slot < 0 || t > this.now) return 'blocked';
      }
      if (slot < 0) return 'idle';
      if (t > until) {
        this.now = until;
        return 'time-limit';
      }
      if (this.events >= maxEvents) return 'event-limit';
      jobs.pop();
      this.now = t;
      const run = runs[slot]!;
      const arg = args[slot];
      runs[slot] = undefined; // the slot is free before the job runs, to be taken by what it schedules
      args[slot] = undefined;
      this.freeSlots.push(slot);
      run(arg);
    }
  }

  /** Moves the clock forward to `t` (processing everything due on the way). */
  advanceTo(t: Micros): RunResult {
    const r = this.run({ untilUs: t });
    if (r === 'idle' && this.now < t) this.now = t;
    return r === 'idle' ? 'time-limit' : r;
  }

  /** Writes the `end` event and closes the sinks. */
  async end(reason: 'idle' | 'time-limit' | 'event-limit' | 'stopped'): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.emit({ t: this.now, e: 'end', reason });
    for (const s of this.sinks) await s.close?.();
  }

  /**
   * The engine is finished for good: its ready queues, heaps and task table are emptied and kept for
   * the next engine of this thread (spares.ts). Its owner calls this only when nothing will read or
   * drive the engine again (the fuzzer, between runs); a second call does nothing.
   */
  recycle(): void {
    if (this.recycled) return;
    this.recycled = true;
    giveBackReadyQueue(this.jobs);
    for (const q of this.push.values()) q.giveBackParts();
    for (const q of this.pull.values()) q.giveBackParts();
    giveBackTaskTable(this.tasks);
  }

  /** Live tasks per queue (for reports and the fuzzer's model). */
  liveCount(queue: string): number {
    const index = this.queueIndex.get(queue);
    return index === undefined ? 0 : this.liveCounts[index];
  }
}
