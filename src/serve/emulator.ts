/**
 * The Cloud Tasks emulator's state: the engine (driven by the reference driver, on the wall clock or
 * on a clock the test moves), the queues as the API names them, and each live task as `GetTask`
 * shows it (CT-3), built from the engine's own trace events (DESIGN: the trace is the truth).
 * Every method is synchronous against the engine and throws ApiError for refusals (CT-6).
 */
import type { ProfileOptions, QueueConfig, QueueMode, ResolvedConfig } from '../model/config.js';
import type { Delivery, NewTask } from '../model/types.js';
import type { PushAnswer } from '../sim/exchange.js';
import type { PushRequest } from '../adapters/contract.js';
import { ReferenceQueue } from '../adapters/reference.js';
import type { Engine } from '../model/engine.js';
import type { TraceEvent } from '../sim/events.js';
import { NdjsonWriter, serialize } from '../sim/trace.js';
import { US_PER_M, US_PER_MS, US_PER_S, type Micros } from '../sim/time.js';
import { ApiError, REFUSAL_STATUS, engineCall, invalid, notFound, precondition } from './errors.js';
import { rpcStatusOf } from './wire.js';
import type { LocationName, QueueName, TaskName } from './resources.js';
import { mergeSettings, queueConfigOf, settingsOf, type QueueSettings } from './queue-settings.js';
import { renameSync } from 'node:fs';
import { status } from '@grpc/grpc-js';

export type QueueState = 'RUNNING' | 'PAUSED' | 'DISABLED';
export type TaskKind = 'appengine' | 'http' | 'pull';

export interface QueueEntry {
  /** The queue id: the engine's queue name and X-*-QueueName (HDR-1). */
  id: string;
  /** Where the API created it; undefined for queue.yaml queues, which answer under any project and location. */
  where?: LocationName;
  mode: QueueMode;
  state: QueueState;
  purgeTimeUs?: Micros;
  /** Kept and shown back; deliveries all go to --appengine-host. */
  routingOverride?: unknown;
}

export interface AttemptView {
  /** µs since the Unix epoch. */
  scheduleUs: Micros;
  dispatchUs: Micros;
  responseUs?: Micros;
  status?: { code: number; message: string };
}

/** What the creating app asked for. */
export interface TaskRequest {
  kind: TaskKind;
  method: string;
  /** http: the task's URL; appengine: the relative URI. */
  url: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  routing?: unknown;
  tag?: string;
  /** CT-2: the deadline asked for, if any. */
  dispatchDeadlineUs?: Micros;
}

export interface TaskView {
  id: number;
  queue: string;
  name: string;
  request: TaskRequest;
  createUs: Micros;
  /** The next attempt's ETA (or, leased, the lease's end: CT-7), µs since the Unix epoch. */
  scheduleUs: Micros;
  /** The deadline each attempt gets (CT-2), µs. */
  deadlineUs: Micros;
  dispatchCount: number;
  responseCount: number;
  firstAttempt?: AttemptView;
  lastAttempt?: AttemptView;
}

export interface NewTaskInput {
  /** The short name; omitted → a system name (HDR-2). */
  name?: string;
  request: TaskRequest;
  /** µs since the Unix epoch. */
  scheduleUs?: Micros;
}

export interface EmulatorOptions {
  /** Queues from queue.yaml (or CFG-2's default queue) and the profile's options (§10). */
  config: ResolvedConfig;
  clock: 'real' | 'virtual';
  /** Where App Engine tasks go, e.g. http://127.0.0.1:8080. */
  appEngineHost: string;
  /** The PushHandler that makes deliveries (real HTTP in serve). */
  send: (req: PushRequest) => Promise<PushAnswer>;
  traceFile?: string;
  seed?: number;
  /** The Unix time (µs) of the engine's zero; default: now. */
  epochUs?: Micros;
}

/** CT-2: HTTP targets 15 s to 30 min (default 10 min); App Engine targets 15 s to 24 h (default DEADLINE-1). */
const HTTP_DEADLINE = { min: 15 * US_PER_S, max: 30 * US_PER_M, dflt: 10 * US_PER_M };
const APPENGINE_DEADLINE = { min: 15 * US_PER_S, max: 24 * 60 * US_PER_M };

const USER_AGENT: Record<Exclude<TaskKind, 'pull'>, string> = {
  appengine: 'AppEngine-Google; (+http://code.google.com/appengine)',
  http: 'Google-Cloud-Tasks',
};

/**
 * The reference driver (src/adapters/reference.ts) with serve's two hooks: every trace event comes
 * to the emulator, and every request is dressed as Cloud Tasks sends it. It moves the engine on the
 * wall clock (catching up on a timer and on every call) or, virtual, only when told.
 */
class Driver extends ReferenceQueue {
  constructor(
    private readonly forward: (ev: TraceEvent) => void,
    private readonly dress: (d: Delivery, req: PushRequest) => PushRequest,
  ) {
    super('serve');
  }

  get core(): Engine {
    return this.engine;
  }

  protected override observe(ev: TraceEvent): void {
    this.forward(ev);
  }

  protected override request(d: Delivery): PushRequest {
    return this.dress(d, super.request(d));
  }

  /**
   * On the virtual clock a handler answers in no virtual time (a missed deadline still takes the
   * deadline): the clock moves only when the test moves it, so the same calls give the same trace.
   */
  protected override toResult(answer: PushAnswer, d: Delivery): PushAnswer {
    const r = super.toResult(answer, d);
    if (answer.retryAfterUs !== undefined) r.retryAfterUs = answer.retryAfterUs; // CT-5: the engine keeps it for a 429 or 503 only
    return this.onWall || r.outcome === 'deadline' ? r : { ...r, latencyUs: 0 };
  }

  /** Wall clock: the engine caught up with real time (a no-op on the virtual clock). */
  sync(): void {
    this.catchUp();
  }

  driveUntil(t: Micros): Promise<void> {
    return this.driveTo(t);
  }
}

export class CloudTasksEmulator {
  readonly epochUs: Micros;
  readonly virtual: boolean;
  private readonly queues = new Map<string, QueueEntry>();
  private readonly tasks = new Map<number, TaskView>();
  /** Per queue: task name → id, for the live tasks. */
  private readonly byName = new Map<string, Map<string, number>>();
  private readonly trace: NdjsonWriter | undefined;
  /** Virtual clock: drives run one after another. */
  private drive: Promise<void> = Promise.resolve();
  private closed = false;

  private readonly driver: Driver;

  private constructor(private readonly opts: EmulatorOptions) {
    this.driver = new Driver(
      (ev) => this.observe(ev),
      (d, req) => this.request(d, req),
    );
    this.epochUs = opts.epochUs ?? Math.round(Date.now() * US_PER_MS);
    this.virtual = opts.clock === 'virtual';
    // Written beside its place and renamed into it when serve stops: a trace file is always whole.
    this.trace = opts.traceFile !== undefined ? new NdjsonWriter(`${opts.traceFile}.partial`) : undefined;
  }

  static async start(opts: EmulatorOptions): Promise<CloudTasksEmulator> {
    const em = new CloudTasksEmulator(opts);
    if (!em.virtual) em.driver.onWallClock({ tickMs: 10 });
    for (const q of opts.config.queues) {
      em.queues.set(q.name, { id: q.name, mode: q.mode, state: q.ratePerSec === 0 ? 'PAUSED' : 'RUNNING' });
      em.byName.set(q.name, new Map());
    }
    await em.driver.reset({ config: opts.config, seed: opts.seed ?? 0, epochUs: em.epochUs, handler: opts.send });
    return em;
  }

  private get engine(): Engine {
    return this.driver.core;
  }

  private catchUp(): void {
    this.driver.sync();
  }

  get options(): ProfileOptions {
    return this.engine.config.options;
  }

  /** Now, µs since the Unix epoch (the wall clock caught up first, when it is real). */
  nowEpochUs(): Micros {
    this.catchUp();
    return this.epochUs + this.engine.now;
  }

  // ---- the trace: every event, to the file and into the task views ---------------------------------

  private observe(ev: TraceEvent): void {
    this.trace?.onEvent(ev, serialize(ev));
    const at = this.epochUs + ev.t;
    switch (ev.e) {
      case 'retry':
        this.view(ev.id, (v) => (v.scheduleUs = this.epochUs + ev.eta));
        break;
      case 'run':
        this.view(ev.id, (v) => (v.scheduleUs = at));
        break;
      case 'dispatch':
        if (ev.dup) break;
        this.view(ev.id, (v) => {
          v.dispatchCount++;
          v.lastAttempt = { scheduleUs: v.scheduleUs, dispatchUs: at };
          v.firstAttempt ??= { scheduleUs: v.scheduleUs, dispatchUs: at };
        });
        break;
      case 'response':
        this.view(ev.id, (v) => {
          if (v.lastAttempt === undefined || v.dispatchCount !== ev.n) return; // a duplicate's answer
          if (ev.out === 'ok' || ev.out === 'error') v.responseCount++; // CT-3: attempts that got a response
          v.lastAttempt.responseUs = at;
          v.lastAttempt.status = rpcStatusOf(ev.status, ev.out);
        });
        break;
      case 'lease':
        this.view(ev.id, (v) => {
          v.dispatchCount = ev.n;
          v.scheduleUs = this.epochUs + ev.until;
          v.lastAttempt = { scheduleUs: v.scheduleUs, dispatchUs: at };
          v.firstAttempt ??= v.lastAttempt;
        });
        break;
      case 'modify':
        this.view(ev.id, (v) => (v.scheduleUs = this.epochUs + ev.until));
        break;
      case 'expire':
        this.view(ev.id, (v) => (v.scheduleUs = at));
        break;
      case 'success':
      case 'exhaust':
      case 'delete':
        this.forgetTask(ev.id);
        break;
      default:
        break;
    }
  }

  private view(id: number, fn: (v: TaskView) => void): void {
    const v = this.tasks.get(id);
    if (v) fn(v);
  }

  private forgetTask(id: number): void {
    const v = this.tasks.get(id);
    if (!v) return;
    this.tasks.delete(id);
    this.byName.get(v.queue)?.delete(v.name);
  }

  // ---- the engine's deliveries as Cloud Tasks sends them (CT-2) -----------------------------------

  private request(d: Delivery, req: PushRequest): PushRequest {
    req.deadlineUs = d.deadlineUs; // CT-2 dispatchDeadline or DEADLINE-1: serve's HTTP deliveries wait this long
    const view = this.tasks.get(d.id);
    const kind = view?.request.kind ?? 'appengine';
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(d.headers)) {
      // CT-2: HTTP targets get the same headers named X-CloudTasks-*.
      headers[kind === 'http' ? k.replace(/^X-AppEngine-/i, 'X-CloudTasks-') : k] = v;
    }
    if (kind !== 'pull' && !Object.keys(headers).some((h) => h.toLowerCase() === 'user-agent'))
      headers['User-Agent'] = USER_AGENT[kind];
    req.headers = headers;
    return req;
  }

  // ---- queues (CT-1, CT-4) ------------------------------------------------------------------------

  /** The queue the name points at; queue.yaml queues answer under any project and location. */
  queue(name: QueueName): QueueEntry {
    const q = this.queues.get(name.queue);
    if (!q || (q.where && (q.where.project !== name.project || q.where.location !== name.location))) {
      throw notFound(`queue ${name.queue} does not exist in projects/${name.project}/locations/${name.location}`);
    }
    return q;
  }

  queueConfig(id: string): QueueConfig {
    return this.engine.config.queues.find((q) => q.name === id)!;
  }

  listQueues(where: LocationName): QueueEntry[] {
    return [...this.queues.values()].filter(
      (q) => !q.where || (q.where.project === where.project && q.where.location === where.location),
    );
  }

  createQueue(name: QueueName, mode: QueueMode, settings: QueueSettings, routingOverride?: unknown): QueueEntry {
    this.catchUp();
    if (this.queues.has(name.queue)) {
      throw new ApiError(status.ALREADY_EXISTS, `queue ${name.queue} already exists`, 'CT-6');
    }
    const old = this.engine.config.queues.find((q) => q.name === name.queue);
    if (old && old.mode !== mode) {
      throw precondition(
        `queue ${name.queue} was deleted as a ${old.mode} queue; its name cannot come back as a ${mode} queue`,
        'CT-4',
      );
    }
    const cfg = queueConfigOf(name.queue, mode, settings, this.options);
    engineCall(() => this.engine.putQueue(cfg));
    const entry: QueueEntry = {
      id: name.queue,
      where: { project: name.project, location: name.location },
      mode,
      state: 'RUNNING',
      routingOverride,
    };
    if (old && mode === 'push') engineCall(() => this.engine.resumeQueue(name.queue)); // a deleted queue's name, reused
    this.queues.set(name.queue, entry);
    this.byName.set(name.queue, this.byName.get(name.queue) ?? new Map());
    return entry;
  }

  /** UpdateQueue with its field mask; a queue that does not exist is created (as the API does). */
  updateQueue(
    name: QueueName,
    mode: QueueMode | undefined,
    given: QueueSettings,
    paths: string[] | undefined,
    routingOverride?: unknown,
  ): QueueEntry {
    this.catchUp();
    if (!this.queues.has(name.queue))
      return this.createQueue(name, mode ?? 'push', mergeSettings({}, given, paths), routingOverride);
    const entry = this.queue(name);
    if (mode !== undefined && mode !== entry.mode)
      throw invalid(`queue ${entry.id} is a ${entry.mode} queue; its type cannot change`, 'CT-1');
    const settings = mergeSettings(settingsOf(this.queueConfig(entry.id), this.options), given, paths);
    engineCall(() => this.engine.putQueue(queueConfigOf(entry.id, entry.mode, settings, this.options)));
    if (routingOverride !== undefined) entry.routingOverride = routingOverride;
    this.afterChange();
    return entry;
  }

  /** PUSH-8 / CT-4: a paused push queue dispatches nothing; a paused pull queue leases nothing. */
  pauseQueue(name: QueueName): QueueEntry {
    this.catchUp();
    const entry = this.queue(name);
    if (entry.mode === 'push') engineCall(() => this.engine.pauseQueue(entry.id));
    entry.state = 'PAUSED';
    return entry;
  }

  resumeQueue(name: QueueName): QueueEntry {
    this.catchUp();
    const entry = this.queue(name);
    if (entry.mode === 'push') engineCall(() => this.engine.resumeQueue(entry.id));
    entry.state = 'RUNNING';
    this.afterChange();
    return entry;
  }

  /** CT-4: PurgeQueue deletes every task. */
  purgeQueue(name: QueueName): QueueEntry {
    this.catchUp();
    const entry = this.queue(name);
    this.deleteAll(entry.id);
    entry.purgeTimeUs = this.epochUs + this.engine.now;
    return entry;
  }

  /** CT-4: DeleteQueue deletes the queue and its tasks. The engine keeps the queue, paused and empty. */
  deleteQueue(name: QueueName): void {
    this.catchUp();
    const entry = this.queue(name);
    this.deleteAll(entry.id);
    if (entry.mode === 'push') engineCall(() => this.engine.pauseQueue(entry.id));
    this.queues.delete(entry.id);
  }

  private deleteAll(queue: string): void {
    for (const id of [...(this.byName.get(queue)?.values() ?? [])]) {
      const v = this.tasks.get(id);
      if (v) engineCall(() => this.engine.deleteTask(queue, v.name));
    }
  }

  // ---- tasks (CT-2, CT-3, CT-4, CT-6) ------------------------------------------------------------

  createTask(name: QueueName, input: NewTaskInput): TaskView {
    this.catchUp();
    const entry = this.queue(name);
    const r = input.request;
    if ((r.kind === 'pull') !== (entry.mode === 'pull')) {
      throw invalid(
        `a ${r.kind === 'pull' ? 'pull' : 'push'} task cannot be added to ${entry.mode} queue ${entry.id}`,
        'PULL-1',
      );
    }
    const deadlineUs = this.deadlineFor(r);
    const t: NewTask = { method: r.method, headers: r.headers };
    if (input.name !== undefined) t.name = input.name;
    if (r.body !== undefined && r.body.byteLength > 0) t.payload = r.body;
    if (r.kind === 'pull') {
      if (r.tag !== undefined && r.tag !== '') t.tag = r.tag;
    } else {
      t.url = r.kind === 'http' ? r.url : this.opts.appEngineHost.replace(/\/+$/, '') + r.url;
      if (r.dispatchDeadlineUs !== undefined || r.kind === 'http') t.deadlineUs = deadlineUs;
    }
    if (input.scheduleUs !== undefined) t.etaUs = input.scheduleUs - this.epochUs;
    const [result] = engineCall(() => this.engine.addTasks(entry.id, [t]));
    if (!result.ok) {
      throw new ApiError(REFUSAL_STATUS[result.code ?? 'INVALID_ARGUMENT'], result.error ?? 'refused', result.rule);
    }
    const id = result.id!;
    const nowUs = this.epochUs + this.engine.now;
    const view: TaskView = {
      id,
      queue: entry.id,
      name: result.name!,
      request: r,
      createUs: nowUs,
      scheduleUs: Math.max(nowUs, input.scheduleUs ?? nowUs),
      deadlineUs,
      dispatchCount: 0,
      responseCount: 0,
    };
    this.tasks.set(id, view);
    this.byName.get(entry.id)!.set(view.name, id);
    this.afterChange();
    return view;
  }

  /** CT-2: the deadline asked for, within the bounds of the task's target. */
  private deadlineFor(r: TaskRequest): Micros {
    const bounds = r.kind === 'http' ? HTTP_DEADLINE : APPENGINE_DEADLINE;
    const asked = r.dispatchDeadlineUs;
    if (asked === undefined) return r.kind === 'http' ? HTTP_DEADLINE.dflt : this.engine.config.deadlineUs;
    if (asked < bounds.min || asked > bounds.max) {
      throw invalid(
        `dispatchDeadline must be between ${bounds.min / US_PER_S}s and ${bounds.max / US_PER_S}s for ${r.kind === 'http' ? 'HTTP' : 'App Engine'} targets, got ${asked / US_PER_S}s`,
        'CT-2',
      );
    }
    return asked;
  }

  task(name: TaskName): TaskView {
    this.catchUp();
    const entry = this.queue(name);
    const id = this.byName.get(entry.id)?.get(name.task);
    const v = id === undefined ? undefined : this.tasks.get(id);
    if (!v) throw notFound(`task ${name.task} does not exist in queue ${entry.id} (or is done, deleted or exhausted)`);
    return v;
  }

  listTasks(name: QueueName): TaskView[] {
    this.catchUp();
    const entry = this.queue(name);
    const out = [...(this.byName.get(entry.id)?.values() ?? [])].map((id) => this.tasks.get(id)!);
    return out.sort((a, b) => a.scheduleUs - b.scheduleUs || a.id - b.id);
  }

  deleteTask(name: TaskName): void {
    const v = this.task(name);
    engineCall(() => this.engine.deleteTask(v.queue, v.name));
  }

  /** CT-4: one attempt now; FAILED_PRECONDITION on a paused queue; NOT_FOUND once the task is gone. */
  runTask(name: TaskName): TaskView {
    const v = this.task(name);
    const entry = this.queues.get(v.queue)!;
    if (entry.mode === 'pull') throw precondition(`RunTask cannot run pull task ${v.name}`, 'PULL-1');
    if (entry.state !== 'RUNNING')
      throw precondition(`queue ${entry.id} is ${entry.state.toLowerCase()}: RunTask needs a running queue`, 'CT-6');
    engineCall(() => this.engine.runTask(v.queue, v.name));
    this.afterChange();
    return v;
  }

  // ---- pull queues over v2beta2 (CT-7, PULL-2…10) ------------------------------------------------

  leaseTasks(name: QueueName, leaseUs: Micros, maxTasks: number, filter: string): TaskView[] {
    this.catchUp();
    const entry = this.queue(name);
    if (entry.mode !== 'pull')
      throw precondition(`queue ${entry.id} is a push queue: LeaseTasks needs a pull queue`, 'PULL-1');
    if (entry.state !== 'RUNNING') throw precondition(`queue ${entry.id} is ${entry.state.toLowerCase()}`, 'PUSH-8');
    const f = parseFilter(filter);
    const r = engineCall(() =>
      this.engine.leaseTasks(entry.id, { worker: 'api', leaseSeconds: leaseUs / US_PER_S, maxTasks, ...f }),
    );
    if (!r.ok) throw new ApiError(status.UNAVAILABLE, `leasing failed transiently: ${r.error}`, r.rule);
    return r.tasks.map((t) => this.tasks.get(t.id)).filter((v): v is TaskView => v !== undefined);
  }

  /** CT-7: the caller proves it holds the lease with the schedule time LeaseTasks (or RenewLease) gave it. */
  private held(name: TaskName, scheduleUs: Micros): TaskView {
    const v = this.task(name);
    if (this.queues.get(v.queue)!.mode !== 'pull') throw precondition(`task ${v.name} is not a pull task`, 'PULL-1');
    const now = this.epochUs + this.engine.now;
    if (v.scheduleUs !== scheduleUs)
      throw precondition(`scheduleTime does not match task ${v.name}'s current lease`, 'CT-7');
    if (now >= v.scheduleUs) throw precondition(`the lease of task ${v.name} has expired`, 'PULL-2');
    return v;
  }

  acknowledgeTask(name: TaskName, scheduleUs: Micros): void {
    const v = this.held(name, scheduleUs);
    engineCall(() => this.engine.deleteTask(v.queue, v.name));
  }

  renewLease(name: TaskName, scheduleUs: Micros, leaseUs: Micros): TaskView {
    const v = this.held(name, scheduleUs);
    engineCall(() => this.engine.modifyLease(v.queue, v.name, scheduleUs - this.epochUs, leaseUs / US_PER_S));
    return v;
  }

  cancelLease(name: TaskName, scheduleUs: Micros): TaskView {
    const v = this.held(name, scheduleUs);
    engineCall(() => this.engine.modifyLease(v.queue, v.name, scheduleUs - this.epochUs, 0));
    return v;
  }

  // ---- the clock -----------------------------------------------------------------------------------

  /** After a change that may make deliveries due now: send them (wall clock) or drive to now (virtual). */
  private afterChange(): void {
    if (this.virtual) void this.serially(() => this.driver.advance(0));
    else this.catchUp();
  }

  private serially(fn: () => Promise<unknown>): Promise<void> {
    const next = this.drive.then(async () => {
      if (!this.closed) await fn();
    });
    this.drive = next.catch(() => {});
    return next;
  }

  /** Virtual clock: moves it `us` forward, delivering everything due on the way. */
  advanceBy(us: Micros): Promise<void> {
    return this.serially(() => this.driver.advance(us));
  }

  /** Virtual clock: runs until nothing is left to do, or until `limitUs` (µs since the Unix epoch). */
  async runUntilIdle(limitEpochUs: Micros): Promise<boolean> {
    let idle = false;
    await this.serially(async () => {
      idle = (await this.driver.runToIdle(Math.max(this.engine.now, limitEpochUs - this.epochUs))).idle;
    });
    return idle;
  }

  /** Virtual clock: moves it to `epochUs`, delivering everything due on the way. */
  runUntil(epochUs: Micros): Promise<void> {
    return this.serially(() => this.driver.driveUntil(Math.max(this.engine.now, epochUs - this.epochUs)));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.drive;
    await this.driver.close();
    if (this.trace) {
      this.trace.close();
      renameSync(this.trace.path, this.opts.traceFile!);
    }
  }
}

/** CT-7's filters: `tag=…` (quotes allowed) or `oldest_tag()`; empty leases any task. */
function parseFilter(filter: string): { tag?: string; byTag?: boolean } {
  const f = filter.trim();
  if (f === '') return {};
  if (/^oldest_tag\(\)$/.test(f)) return { byTag: true };
  const m = /^tag\s*=\s*(?:"([^"]*)"|(\S+))$/.exec(f);
  if (m) return { tag: m[1] ?? m[2], byTag: true };
  throw invalid(`filter ${JSON.stringify(filter)} must be tag=TAG or oldest_tag()`, 'CT-7');
}
