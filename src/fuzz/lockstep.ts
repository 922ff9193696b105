/**
 * One fuzz run: the model (a fresh reference engine) and the queue under test receive the same
 * operations at the same virtual instants; after each, their answers and the deliveries the handler
 * saw are compared (differences.ts). At the end the run drains (handler healthy, outage over, time
 * runs until the model is idle) and the queue's trace (observed-trace.ts) goes through every INV
 * checker. The first difference, or any invariant violation, fails the run with FuzzFailure.
 *
 * One class for both clocks: what differs between virtual time and the wall clock (pairing an
 * operation on both sides, ending a step, time passing, the drain, tolerances, skipped invariants)
 * is the run's RunClock, made by the campaign's ClockStrategy, chosen once (clock.ts).
 */
import type {
  AddOutcome,
  Capabilities,
  ImmediateCalls,
  LeaseOutcome,
  LeaseSpec,
  ModifyOutcome,
  OpOutcome,
  QueueUnderTest,
  TaskSpec,
} from '../adapters/contract.js';
import { AdapterProtocolError, lacks } from '../adapters/contract.js';
import { ReferenceQueue } from '../adapters/reference.js';
import { checkTrace, type InvariantId } from '../invariants/index.js';
import type { ResolvedConfig } from '../model/config.js';
import { byteLength } from '../model/task.js';
import type { RuleId } from '../rules/index.js';
import type { TraceEvent } from '../sim/events.js';
import { DEFAULT_EPOCH_US, formatDuration, type Micros } from '../sim/time.js';
import { RESOLVED, asPromise, whenHere, type Later } from './at-once.js';
import { VIRTUAL_TIME, type ClockStrategy, type RunClock } from './clock.js';
import { HEALTHY, type Behaviour } from './behaviour.js';
import { SideState, type KeyedEvent } from './model-state.js';
import { ObservedTrace, type BuildOptions } from './observed-trace.js';
import { resumeNotTaken, type ResumeScene } from './differences.js';
import { Side, type HandlerContext } from './side.js';
import { TaskBook, type TaskEntry } from './task-book.js';
import { FuzzFailure, at, violation, type FuzzViolation } from './violation.js';

/** Invariant examples kept per failed run. */
const MAX_INV_EXAMPLES = 5;

export interface LockstepOptions {
  config: ResolvedConfig;
  seed: number;
  sut: QueueUnderTest;
  caps: Capabilities;
  /** The run's zero as Unix µs (default: the strategy's). */
  epochUs?: Micros;
  /** How the run follows the queue's clock (default: virtual time). */
  strategy?: ClockStrategy;
  /** Wall clock: record the run's timeline (wall-timeline.ts), for its failure's report. */
  timeline?: boolean;
}

export interface Held {
  key: number;
  q: string;
  until: { model: Micros; sut: Micros };
}

/** What an operation touches: on the wall clock, what must be quiet for its result to be certain. */
export interface Touch {
  /** Tasks whose next event could race the operation (delete, modify, a named add). */
  keys?: number[];
  /** A push queue whose dispatches the operation stops (pause). */
  dispatchesOf?: string;
  /** A pull queue whose leasable tasks the operation reads (lease). */
  leasesOf?: string;
}

/** Both sides' answers to one operation. `unsure`: on the wall clock, its timing was ambiguous (not compared). */
export interface Pair<M, S> {
  m: M;
  s: S;
  unsure: boolean;
}

export class Lockstep {
  readonly book = new TaskBook();
  readonly config: ResolvedConfig;
  readonly pushQueues: string[];
  readonly pullQueues: string[];
  /**
   * The commands run so far, each as printed in a counterexample or as a line that prints it when
   * asked: most runs pass, and nobody reads their lines (see `note`, `log`).
   */
  private readonly lines: (string | (() => string))[] = [];
  /** How many of `lines` are printed already. */
  private printed = 0;
  behaviour: Behaviour = HEALTHY;
  now: Micros = 0;
  outage = false;
  readonly held: Held[] = [];
  /** Per push queue, how many deliveries the queue had made when it last answered a resume OK (PUSH-8). */
  readonly sutLogAtResume = new Map<string, number>();
  /** Differences beyond a tolerance but inside the harness's measured noise (wall clock): reported, not failing. */
  readonly inconclusive: FuzzViolation[] = [];

  readonly seed: number;
  readonly epochUs: Micros;
  readonly recordsTimeline: boolean;
  readonly caps: Capabilities;
  readonly modelQueue = new ReferenceQueue();
  readonly model: Side;
  readonly sut: Side;
  readonly modelState: SideState;
  /** The queue's own decisions, when it reports them (Capabilities.events). */
  readonly sutState: SideState;
  readonly trace: ObservedTrace;
  /** Everything that differs between virtual time and the wall clock. */
  readonly clock: RunClock;

  constructor(opts: LockstepOptions) {
    this.config = opts.config;
    this.seed = opts.seed;
    this.caps = opts.caps;
    this.recordsTimeline = opts.timeline === true;
    const strategy = opts.strategy ?? VIRTUAL_TIME;
    const wall = strategy.name === 'wall';
    this.epochUs = opts.epochUs ?? strategy.epochUs() ?? DEFAULT_EPOCH_US;
    this.pushQueues = opts.config.queues.filter((q) => q.mode === 'push').map((q) => q.name);
    this.pullQueues = opts.config.queues.filter((q) => q.mode === 'pull').map((q) => q.name);
    const ctx: HandlerContext = {
      seed: opts.seed,
      deadlineUs: opts.config.deadlineUs,
      realTime: wall,
      instantAnswers: !wall && lacks(opts.caps, 'latency'),
      behaviour: (key, nth) => this.clock.behaviourFor(key, nth),
      wallNow: () => this.clock.now(),
      callsSettleAtMs: () => this.clock.callsSettleAtMs?.() ?? 0,
    };
    this.model = new Side('model', this.modelQueue, this.book, ctx);
    this.sut = new Side('sut', opts.sut, this.book, ctx, { wall });
    this.modelState = new SideState('model', this.book);
    this.sutState = new SideState('sut', this.book);
    this.trace = new ObservedTrace(opts.config, opts.seed, this.epochUs);
    this.clock = strategy.createClock(this);
  }

  /** The commands run so far, as printed in a counterexample (the same array each time: a caller may append to it). */
  get log(): string[] {
    const lines = this.lines;
    for (let i = this.printed; i < lines.length; i++) {
      const line = lines[i];
      if (typeof line !== 'string') lines[i] = line();
    }
    this.printed = lines.length;
    return lines as string[];
  }

  /**
   * Logs a command as run. `line` may be a function printing it, called only if the log is read: it
   * must print from values fixed by then (the command's own, a task's label), not from state that moves on.
   */
  note(line: string | (() => string)): void {
    this.lines.push(line);
  }

  get supportsOutages(): boolean {
    return this.clock.outages;
  }

  /** The handler answers `b` from now on (the drain sets it healthy). */
  setBehaviour(b: Behaviour): Promise<void> {
    return this.clock.setBehaviour(b);
  }

  isTainted(key: number | undefined): boolean {
    return this.clock.isTainted(key);
  }

  /** Notes a difference inside the measured noise (reported, not failing). */
  noteInconclusive(v: FuzzViolation): void {
    if (this.inconclusive.length < MAX_INV_EXAMPLES) this.inconclusive.push(v);
  }

  start(): Promise<void> {
    return this.clock.start();
  }

  // ---- operations ------------------------------------------------------------------------------

  // Each operation: both sides' answers (`both`), then what is compared and recorded, then the step's
  // end. Each part returns undefined when it is done at once (virtual time, a queue in this process),
  // else a promise to wait for (at-once.ts): most operations take no promise at all.

  add(q: string, specs: TaskSpec[], mode: 'push' | 'pull'): Promise<void> {
    return asPromise(() => {
      // The tasks an add may race (wall clock): earlier tasks of its names. Most adds name none.
      let earlier: number[] | undefined;
      for (const sp of specs) {
        const key = sp.name === undefined ? undefined : this.book.findByName(q, sp.name)?.key;
        if (key !== undefined) (earlier ??= []).push(key);
      }
      const r = this.both(
        { keys: earlier ?? [] },
        (x) => x.addTasksNow(q, specs),
        (x) => x.addTasks(q, specs),
      );
      return whenHere(r, (answers) => this.added(q, specs, mode, answers));
    });
  }

  private added(
    q: string,
    specs: TaskSpec[],
    mode: 'push' | 'pull',
    r: Pair<AddOutcome[], AddOutcome[]> | undefined,
  ): Promise<void> | undefined {
    if (!r) return undefined;
    const { m, s } = r;
    expectArray(s, specs.length, 'addTasks');
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i];
      const mi = m[i];
      const si = s[i];
      // Ambiguous (wall clock): an earlier task of this name was ending just then, or is not compared
      // from here (a RunTask or a slow call left when it ends unknown: the queue may still hold it
      // or hold its tombstone); not compared.
      const unsure = spec.name !== undefined && (r.unsure || this.isTainted(this.book.findByName(q, spec.name)?.key));
      if (!unsure && !(mi.ok && si.ok)) {
        const v = compareAdd(mi, si, spec, q, this.now, () => this.lingering(q, spec.name));
        if (v) return this.fail(v);
      }
      if (mi.ok || (unsure && si.ok)) {
        const size = byteLength(spec.payload);
        const eta = spec.etaUs ?? this.now + (spec.countdownUs ?? 0);
        const names: TaskEntry['names'] = {};
        if (mi.ok) names.model = mi.name;
        if (si.ok) names.sut = si.name;
        const e = this.book.add({
          q,
          mode,
          named: spec.name !== undefined,
          names,
          eta,
          addedAt: this.now,
          tag: spec.tag,
          size,
        });
        if (!mi.ok || !si.ok) {
          this.clock.taint(
            [e.key],
            `the add of ${this.book.label(e.key)} was answered differently at an ambiguous instant`,
          );
          continue;
        }
        this.clock.added(e.key);
        if (unsure)
          this.clock.taint([e.key], `${this.book.label(e.key)} was added as an earlier task of its name ended`);
        this.trace.add(this.clock.sentAt, e);
      } else if (!mi.ok) {
        this.trace.reject(this.now, q, spec.name, mi.message ?? mi.error, mi.rule ?? 'TASK-2');
      }
    }
    return this.clock.endStep(true);
  }

  /** Deletes the k-th unnamed task of `q`; false when there is none yet. */
  deleteUnnamed(q: string, k: number): Promise<boolean> {
    const e = this.book.unnamedIn(q, k);
    if (!e) return NOT_DONE;
    return done(this.deleteTask(e.q, e.names.model!, e.names.sut!, e.key));
  }

  /** Deletes by name (the task may not exist: then both sides must say NOT_FOUND). */
  deleteNamed(q: string, name: string): Promise<void> {
    const e = this.book.findByName(q, name);
    return this.deleteTask(q, e?.names.model ?? name, e?.names.sut ?? name, e?.key);
  }

  private deleteTask(q: string, modelName: string, sutName: string, key: number | undefined): Promise<void> {
    return asPromise(() =>
      whenHere(
        this.both(
          { keys: key === undefined ? [] : [key] },
          (x, sut) => x.deleteTaskNow(q, sut ? sutName : modelName),
          (x, sut) => x.deleteTask(q, sut ? sutName : modelName),
        ),
        (r) => this.deleted(q, modelName, key, r),
      ),
    );
  }

  private deleted(
    q: string,
    modelName: string,
    key: number | undefined,
    r: Pair<OpOutcome, OpOutcome> | undefined,
  ): Promise<void> | undefined {
    if (!r) return undefined;
    const { m, s } = r;
    if (!r.unsure && !this.isTainted(key) && !sameOutcome(m, s)) {
      const lingering = !m.ok && s.ok ? this.lingering(q, modelName) : undefined;
      return this.fail(
        violation(
          lingering ?? 'PULL-7',
          this.now,
          `delete ${key !== undefined ? this.book.label(key) : `${q}/${modelName}`}`,
          shownOp(m),
          shownOp(s),
        ),
      );
    }
    if (s.ok && key !== undefined) this.trace.delete(this.now, key, q);
    return this.clock.endStep(true);
  }

  /** CT-4: runs task `e` now (the command chose it among those the book knows). */
  runTaskOf(e: TaskEntry): Promise<void> {
    return asPromise(() => {
      const sut = this.sut.queue;
      if (!sut.runTask)
        throw new AdapterProtocolError(`${sut.name} has no RunTask call but did not declare it lacks runTask`);
      const modelName = e.names.model ?? '';
      const sutName = e.names.sut ?? '';
      const r = this.both(
        { keys: [e.key] },
        (x, isSut) => x.runTaskNow(e.q, isSut ? sutName : modelName),
        (_queue, isSut) => (isSut ? sut.runTask!(e.q, sutName) : this.modelQueue.runTask(e.q, modelName)),
      );
      return whenHere(r, (answers) => this.ran(e, answers));
    });
  }

  private ran(e: TaskEntry, r: Pair<OpOutcome, OpOutcome> | undefined): Promise<void> | undefined {
    if (!r) return undefined;
    const { m, s } = r;
    const { key, q } = e;
    if (!r.unsure && !this.isTainted(key)) {
      // Refused by the model for a pause the queue's own events never showed: the pause did not take (PUSH-8).
      const unpaused =
        !m.ok && s.ok && this.caps.events && this.modelState.paused.has(q) && !this.sutState.paused.has(q);
      // Refused by the queue as paused where the model had resumed (and ran the task, or no longer
      // had it): the resume did not take (PUSH-8).
      const resumedAt =
        !s.ok && s.error === 'FAILED_PRECONDITION' && (m.ok || m.error !== 'FAILED_PRECONDITION')
          ? resumeNotTaken(q, this.now, this.resumeScene())
          : undefined;
      const what = `run_task ${this.book.label(key)}`;
      const v = unpaused
        ? compareOp(m, s, 'PUSH-8', `${what} (the queue never reported its pause)`, this.now)
        : resumedAt !== undefined
          ? compareOp(
              m,
              s,
              'PUSH-8',
              `${what} (the queue stayed paused after the resume it answered OK at ${at(resumedAt)})`,
              this.now,
            )
          : compareOp(m, s, 'CT-4', what, this.now);
      if (v) return this.fail(v);
    }
    if (s.ok) {
      this.trace.run(this.clock.sentAt, key, q);
      // On the wall clock the queue may dispatch the task at any instant of the call's round trip,
      // before the model hears of the RunTask: its timing is ambiguous from here (a no-op in virtual time).
      this.clock.taint([key], `run_task ${this.book.label(key)} may dispatch it at any instant of the call`);
    }
    return this.clock.endStep(true);
  }

  /** What resumeNotTaken reads: the queue's own events when it reports them, else its deliveries. */
  private resumeScene(): ResumeScene {
    return {
      book: this.book,
      model: this.modelState,
      sutLog: this.sut.log,
      sutLogAtResume: this.sutLogAtResume,
      ...(this.caps.events ? { sut: this.sutState } : {}),
    };
  }

  pause(q: string, paused: boolean): Promise<void> {
    return asPromise(() =>
      whenHere(
        this.both(
          paused ? { dispatchesOf: q } : {},
          (x) => (paused ? x.pauseQueueNow(q) : x.resumeQueueNow(q)),
          (x) => (paused ? x.pauseQueue(q) : x.resumeQueue(q)),
        ),
        (r) => this.paused(q, paused, r),
      ),
    );
  }

  private paused(q: string, paused: boolean, r: Pair<OpOutcome, OpOutcome> | undefined): Promise<void> | undefined {
    if (!r) return undefined;
    const { m, s } = r;
    const v = compareOp(m, s, 'PUSH-8', `${paused ? 'pause' : 'resume'} ${q}`, this.now);
    if (v) return this.fail(v);
    if (!paused && s.ok) this.sutLogAtResume.set(q, this.sut.log.length);
    const cfg = this.config.queues.find((c) => c.name === q);
    // The engine emits nothing for a no-op pause/resume; the trace says what the queue is now.
    if (s.ok && cfg && cfg.ratePerSec > 0 && this.modelState.paused.has(q) !== paused)
      this.trace.pause(this.now, q, paused);
    return this.clock.endStep(true);
  }

  lease(q: string, spec: LeaseSpec): Promise<void> {
    return asPromise(() =>
      whenHere(
        this.both(
          { leasesOf: q },
          (x) => x.leaseTasksNow(q, spec),
          (x) => x.leaseTasks(q, spec),
        ),
        (r) => this.leased(q, spec, r),
      ),
    );
  }

  private leased(
    q: string,
    spec: LeaseSpec,
    r: Pair<LeaseOutcome, LeaseOutcome> | undefined,
  ): Promise<void> | undefined {
    if (!r) return undefined;
    const { m, s } = r;
    if (!s.ok || !m.ok) {
      if (m.ok !== s.ok || (!m.ok && !s.ok && m.error !== s.error)) {
        return this.fail(violation('PULL-2', this.now, `lease from ${q}`, describeLease(m), describeLease(s)));
      }
      return this.clock.endStep(true);
    }
    const mKeys = m.tasks.map((t) => this.book.keyOf('model', q, t.name));
    const sKeys = s.tasks.map((t) => this.book.keyOf('sut', q, t.name) ?? this.book.keyByNameOnly('sut', t.name));
    if (r.unsure) {
      // Wall clock: the call came at an ambiguous instant; what either side leased is not compared.
      this.clock.taint(
        [...mKeys, ...sKeys].filter((k): k is number => k !== undefined),
        `lease_tasks on ${q} came at an ambiguous instant`,
      );
    } else {
      const v = this.compareLease(q, spec, m, s, mKeys, sKeys);
      if (v && this.leaseOrderAmbiguous(q, spec, v, m, s, mKeys, sKeys)) {
        this.noteInconclusive(v);
        this.clock.taint(
          [...mKeys, ...sKeys].filter((k): k is number => k !== undefined),
          `lease_tasks on ${q} chose among tasks due within the measured noise of each other`,
        );
      } else if (v) return this.fail(v);
    }
    this.trace.leaseCall(this.now, q, spec.worker, spec.maxTasks, spec.leaseSeconds, spec.tag, s.tasks.length);
    s.tasks.forEach((t, i) => {
      const key = sKeys[i];
      if (key === undefined) return;
      const j = mKeys.indexOf(key);
      const mUntil = j >= 0 ? m.tasks[j].leaseUntilUs : t.leaseUntilUs;
      this.trace.lease(this.now, key, q, spec.worker, t.leaseUntilUs);
      this.held.push({ key, q, until: { model: mUntil, sut: t.leaseUntilUs } });
    });
    // A task only the model leased (tainted): the model's lease is the one a modify must prove.
    m.tasks.forEach((t, i) => {
      const key = mKeys[i];
      if (key !== undefined && !sKeys.includes(key))
        this.held.push({ key, q, until: { model: t.leaseUntilUs, sut: t.leaseUntilUs } });
    });
    return this.clock.endStep(true);
  }

  /** Modifies the latest lease taken on `task` (a harness key); false when it was never leased. */
  modify(task: number, seconds: number): Promise<boolean> {
    const h = this.held.filter((x) => x.key === task).pop();
    if (!h) return NOT_DONE;
    const e = this.book.get(h.key)!;
    const name = (sut: boolean): string => (sut ? (e.names.sut ?? '') : (e.names.model ?? ''));
    const until = (sut: boolean): Micros => (sut ? h.until.sut : h.until.model);
    return done(
      asPromise(() =>
        whenHere(
          this.both(
            { keys: [h.key] },
            (x, sut) => x.modifyLeaseNow(h.q, name(sut), until(sut), seconds),
            (x, sut) => x.modifyLease(h.q, name(sut), until(sut), seconds),
          ),
          (r) => this.modified(h, e.names.model, seconds, r),
        ),
      ),
    );
  }

  private modified(
    h: Held,
    modelName: string | undefined,
    seconds: number,
    r: Pair<ModifyOutcome, ModifyOutcome> | undefined,
  ): Promise<void> | undefined {
    if (!r) return undefined;
    const { m, s } = r;
    if (!r.unsure && !this.isTainted(h.key)) {
      const what = `modify the lease on ${this.book.label(h.key)} to ${seconds}s`;
      const v = compareModify(m, s, what, this.now, this.lingering(h.q, modelName), this.clock.leaseToleranceUs);
      if (
        v &&
        this.clock.noiseUs > 0 &&
        !compareModify(
          m,
          s,
          what,
          this.now,
          this.lingering(h.q, modelName),
          this.clock.leaseToleranceUs + this.clock.noiseUs,
        )
      )
        this.noteInconclusive(v);
      else if (v) return this.fail(v);
    }
    if (m.ok && s.ok) {
      h.until = { model: m.leaseUntilUs, sut: s.leaseUntilUs };
      this.trace.modify(this.now, h.key, h.q, s.leaseUntilUs);
    }
    return this.clock.endStep(true);
  }

  /**
   * Both sides' answers to one operation, the model's first: at once when the clock pairs the queue's
   * calls so (RunClock.immediate), else through the clock's `pair`. `sut` says which side is asked.
   */
  private both<T>(
    touch: Touch,
    now: (q: ImmediateCalls, sut: boolean) => T,
    later: (q: QueueUnderTest, sut: boolean) => Promise<T>,
  ): Later<Pair<T, T> | undefined> {
    const immediate = this.clock.immediate;
    if (immediate) {
      const m = now(this.modelQueue, false);
      return { m, s: now(immediate, true), unsure: false };
    }
    return this.clock.pair(
      touch,
      () => later(this.modelQueue, false),
      () => later(this.sut.queue, true),
    );
  }

  advance(us: Micros): Promise<void> {
    return this.clock.advance(us);
  }

  setOutage(on: boolean): Promise<boolean> {
    return this.clock.setOutage(on);
  }

  /** How the model ended the task now holding `name` in `q` (for compareAdd). */
  lingering(q: string, name: string | undefined): RuleId | undefined {
    const key = name === undefined ? undefined : this.book.keyOf('model', q, name);
    const phase = key === undefined ? undefined : this.modelState.phase.get(key);
    return phase === 'deleted'
      ? 'PULL-7'
      : phase === 'exhausted'
        ? 'RETRY-5'
        : phase === 'succeeded'
          ? 'HANDLER-1'
          : undefined;
  }

  // ---- the end ---------------------------------------------------------------------------------

  /**
   * The drain's first step (PUSH-8): when the model holds push queues paused, time runs `pausedUs`
   * with them paused (a queue that ignored the pause dispatches what they hold by then, as it would
   * have in the drain), then each is resumed, so the dispatches a resume owes are compared: a queue
   * that answers a resume OK and stays paused is seen even when no command resumed it.
   *
   * `probe` (wall clock): each paused queue first gets an unnamed task due at once, so its resume
   * owes a dispatch even when the queue holds nothing the model has not finished, as is usual there
   * (ETAs of at most 200 ms, runs of at most 12 commands: what was added before the pause is gone).
   */
  async resumePausedQueues(pausedUs: Micros, probe = false): Promise<void> {
    const paused = this.pushQueues.filter((q) => this.modelState.paused.has(q));
    if (paused.length === 0) return;
    if (probe) {
      for (const q of paused) {
        this.note(`(drain) ${q} is paused: add to ${q}: (unnamed); after ${formatDuration(pausedUs)}, resume ${q}`);
        await this.add(q, [{}], 'push');
      }
    }
    await this.advance(pausedUs);
    for (const q of paused) await this.pause(q, false);
  }

  /** Drains, then judges the queue's whole trace with every INV checker (not those the clock skips). */
  finish(): Promise<void> {
    return this.clock.finish();
  }

  /** The queue's trace as built so far (for the INV checkers, reports and debugging). */
  observedTrace(reason: 'idle' | 'time-limit' | 'stopped' = 'stopped'): TraceEvent[] {
    const decisions: KeyedEvent[] = this.caps.events ? this.sutState.events : this.modelState.events;
    return this.trace.build(decisions, { t: this.now, reason }, this.clock.traceOptions());
  }

  /** The model's own trace so far, as its engine wrote it (ids are the engine's). */
  modelTrace(): TraceEvent[] {
    return this.modelState.events.map((k) => k.ev);
  }

  async close(): Promise<void> {
    this.clock.close();
    await this.modelQueue.close();
    if (this.clock.recyclesModel) this.modelQueue.recycle();
  }

  // ---- comparing -------------------------------------------------------------------------------

  /** Compares two lease sets; tasks whose timing became ambiguous (wall clock) are left out first. */
  private compareLease(
    q: string,
    spec: LeaseSpec,
    m0: LeaseOutcome & { ok: true },
    s0: LeaseOutcome & { ok: true },
    mKeys0: (number | undefined)[],
    sKeys0: (number | undefined)[],
  ): FuzzViolation | undefined {
    const keep = (k: number | undefined): boolean => k === undefined || !this.clock.isTainted(k);
    const { m, mKeys } = kept(m0, mKeys0, keep);
    const { m: s, mKeys: sKeys } = kept(s0, sKeys0, keep);
    const call = (): string =>
      `lease_tasks(${spec.leaseSeconds}s, max ${spec.maxTasks}${spec.tag !== undefined ? `, tag ${spec.tag}` : spec.byTag ? ', by the oldest tag' : ''}) on ${q}`;
    const names = (keys: (number | undefined)[]): string => `[${keys.map((k) => this.book.label(k)).join(', ')}]`;
    if (s.tasks.length > spec.maxTasks)
      return violation(
        'PULL-2',
        this.now,
        `${call()} returned more than max_tasks`,
        `≤ ${spec.maxTasks} tasks`,
        `${s.tasks.length}`,
      );
    const unknown = sKeys.findIndex((k) => k === undefined);
    if (unknown >= 0)
      return violation(
        'PULL-2',
        this.now,
        `${call()} returned a task that was never added`,
        'tasks of this queue',
        JSON.stringify(s.tasks[unknown].name),
      );
    const ms = this.modelState;
    for (const k of sKeys as number[]) {
      if (mKeys.includes(k)) continue;
      const task = this.book.label(k);
      const v = (rule: RuleId, why: string): FuzzViolation =>
        violation(rule, this.now, `${call()} leased ${task} ${why}`, names(mKeys), names(sKeys), task);
      const phase = ms.phase.get(k);
      if (phase === 'deleted') return v('PULL-7', 'after it was deleted');
      if (phase === 'exhausted') return v('PULL-10', `after it was leased task_retry_limit times`);
      if ((ms.leaseUntil.get(k) ?? 0) > this.now)
        return v('PULL-3', `while another lease holds it until ${at(ms.leaseUntil.get(k)!)}`);
      if (m.capped) return v('PULL-9', 'past the 10 lease calls per second that may return tasks');
      if (spec.tag !== undefined || spec.byTag) return v('PULL-6', 'though its tag does not match');
      if ((ms.eta.get(k) ?? 0) > this.now) return v('PUSH-4', 'before its ETA');
      return v('PULL-2', 'beyond what the model leases');
    }
    for (const k of mKeys as number[]) {
      if (sKeys.includes(k)) continue;
      const task = this.book.label(k);
      const v = (rule: RuleId, why: string): FuzzViolation =>
        violation(rule, this.now, `${call()} did not lease ${task} ${why}`, names(mKeys), names(sKeys), task);
      if (ms.leased.has(k)) return v('PULL-4', 'though its earlier lease had ended');
      if (spec.tag !== undefined || spec.byTag) return v('PULL-6', 'though its tag matches');
      return v('PULL-2', 'though it was available');
    }
    for (let i = 0; i < s.tasks.length; i++) {
      const j = mKeys.indexOf(sKeys[i]);
      const want = m.tasks[j].leaseUntilUs;
      const off = Math.abs(s.tasks[i].leaseUntilUs - want);
      if (off > this.clock.leaseToleranceUs) {
        const v = violation(
          'PULL-2',
          this.now,
          `${call()}: lease end of ${this.book.label(sKeys[i])} (now + lease_seconds)`,
          at(want),
          at(s.tasks[i].leaseUntilUs),
        );
        if (off > this.clock.leaseToleranceUs + this.clock.noiseUs) return v;
        this.noteInconclusive(v);
      }
    }
    return undefined;
  }

  /**
   * Wall clock: the two sides leased different tasks only as the oldest-first order of tasks due
   * within the measured noise of each other would have them (PULL-2/6). Not a count the order cannot
   * explain: a plain or tagged lease differs by order only when both took max_tasks.
   */
  private leaseOrderAmbiguous(
    q: string,
    spec: LeaseSpec,
    v: FuzzViolation,
    m: { tasks: unknown[] },
    s: { tasks: unknown[] },
    mKeys: (number | undefined)[],
    sKeys: (number | undefined)[],
  ): boolean {
    if (v.rule !== 'PULL-2' && v.rule !== 'PULL-6') return false;
    if (sKeys.includes(undefined) || s.tasks.length > spec.maxTasks) return false;
    // By the oldest task's tag: the tags chosen differ only if the two oldest were that close.
    const [mFirst, sFirst] = [mKeys[0], sKeys[0]];
    if (
      spec.byTag &&
      mFirst !== undefined &&
      sFirst !== undefined &&
      this.book.get(mFirst)?.tag !== this.book.get(sFirst)?.tag
    ) {
      return this.clock.orderAmbiguous(q, [mFirst], [sFirst]);
    }
    if (m.tasks.length !== spec.maxTasks || s.tasks.length !== spec.maxTasks) return false;
    const differ = [...mKeys.filter((k) => !sKeys.includes(k)), ...sKeys.filter((k) => !mKeys.includes(k))].filter(
      (k): k is number => k !== undefined && !this.isTainted(k),
    );
    return differ.length > 0 && this.clock.orderAmbiguous(q, differ);
  }

  /** Fails the run with `first`, plus what the invariant checkers find in the trace so far. */
  async fail(first: FuzzViolation): Promise<never> {
    let more: FuzzViolation[] = [];
    try {
      more = await this.invariants('stopped');
    } catch {
      // The adapter may be the reason we are failing; the first violation says enough.
    }
    throw new FuzzFailure([first, ...more]);
  }

  async invariants(reason: 'idle' | 'time-limit' | 'stopped'): Promise<FuzzViolation[]> {
    const results = await checkTrace(this.observedTrace(reason));
    const skipped = this.clock.skippedInvariants;
    const out: FuzzViolation[] = [];
    for (const r of results) {
      if (r.status !== 'fail' || skipped.has(r.id)) continue;
      for (const x of r.examples.slice(0, MAX_INV_EXAMPLES)) {
        const task = x.id !== undefined ? this.book.label(x.id) : undefined;
        const message = x.message.startsWith(`${x.rule} `) ? x.message.slice(x.rule.length + 1) : x.message;
        out.push({
          check: r.id,
          rule: x.rule,
          t: x.t,
          ...(task ? { task } : {}),
          expected: x.expected,
          actual: x.actual,
          message,
        });
      }
    }
    return out;
  }
}

/** An operation that had nothing to do (false), and one done (true), as the ones done at once answer. */
const NOT_DONE: Promise<boolean> = Promise.resolve(false);
const DONE: Promise<boolean> = Promise.resolve(true);

/** `step` done, as true: the same promise for every step done at once. */
function done(step: Promise<void>): Promise<boolean> {
  return step === RESOLVED ? DONE : step.then(() => true);
}

/** A side's leases without those of tasks `keep` leaves out (the same objects when it leaves none out). */
function kept<L extends { tasks: unknown[] }>(
  m0: L,
  keys0: (number | undefined)[],
  keep: (k: number | undefined) => boolean,
): { m: L; mKeys: (number | undefined)[] } {
  if (keys0.every(keep)) return { m: m0, mKeys: keys0 };
  const idx = keys0
    .map((k, i) => [k, i] as const)
    .filter(([k]) => keep(k))
    .map(([, i]) => i);
  return { m: { ...m0, tasks: idx.map((i) => m0.tasks[i]) }, mKeys: idx.map((i) => keys0[i]) };
}

/**
 * `lingering`: when the model has tombstoned the name, the rule that should have ended the task
 * (a queue answering ALREADY_EXISTS still holds it: a delete or a finish that did not happen).
 */
function compareAdd(
  m: AddOutcome,
  s: AddOutcome,
  spec: TaskSpec,
  q: string,
  now: Micros,
  lingeringOf: () => RuleId | undefined,
): FuzzViolation | undefined {
  if (m.ok && s.ok) return undefined;
  if (!m.ok && !s.ok && m.error === s.error) return undefined;
  const what = `add ${spec.name !== undefined ? JSON.stringify(spec.name) : 'an unnamed task'} to ${q}`;
  const lingering = !m.ok && !s.ok && m.error === 'TOMBSTONED' && s.error === 'ALREADY_EXISTS' && lingeringOf();
  if (lingering) {
    return violation(
      lingering,
      now,
      `${what}: the queue still holds a task the model no longer has`,
      'refused TOMBSTONED',
      'refused ALREADY_EXISTS',
    );
  }
  if (m.ok && !s.ok) {
    const rule = s.error === 'INVALID' ? (s.rule ?? 'TASK-1') : 'TASK-2';
    return violation(rule, now, what, 'accepted', refusal(s));
  }
  if (!m.ok && s.ok) return violation(m.rule ?? 'TASK-2', now, what, refusal(m), 'accepted');
  if (!m.ok && !s.ok && m.error !== s.error) return violation(m.rule ?? 'TASK-2', now, what, refusal(m), refusal(s));
  return undefined;
}

function compareOp(m: OpOutcome, s: OpOutcome, rule: RuleId, what: string, now: Micros): FuzzViolation | undefined {
  return sameOutcome(m, s) ? undefined : violation(rule, now, what, shownOp(m), shownOp(s));
}

/** Both sides did it, or both refused it for the same reason. */
function sameOutcome(m: OpOutcome, s: OpOutcome): boolean {
  return m.ok === s.ok && (m.ok || (!s.ok && m.error === s.error));
}

function shownOp(o: OpOutcome): string {
  return o.ok ? 'ok' : refusal(o);
}

function compareModify(
  m: ModifyOutcome,
  s: ModifyOutcome,
  what: string,
  now: Micros,
  lingering?: RuleId,
  tolUs = 0,
): FuzzViolation | undefined {
  if (m.ok && s.ok)
    return Math.abs(m.leaseUntilUs - s.leaseUntilUs) <= tolUs
      ? undefined
      : violation('PULL-5', now, `${what}: new lease end (now + seconds)`, at(m.leaseUntilUs), at(s.leaseUntilUs));
  if (!m.ok && !s.ok && m.error === s.error) return undefined;
  if (!m.ok && m.error === 'NOT_FOUND' && s.ok && lingering) {
    return violation(
      lingering,
      now,
      `${what}: the queue still holds a task the model no longer has`,
      'refused NOT_FOUND',
      `ok, lease until ${at(s.leaseUntilUs)}`,
    );
  }
  const show = (o: ModifyOutcome): string => (o.ok ? `ok, lease until ${at(o.leaseUntilUs)}` : refusal(o));
  const rule = (!m.ok && m.error === 'LEASE_MISMATCH') || (!s.ok && s.error === 'LEASE_MISMATCH') ? 'PULL-3' : 'PULL-5';
  return violation(rule, now, what, show(m), show(s));
}

function describeLease(o: LeaseOutcome): string {
  return o.ok ? `${o.tasks.length} tasks` : `error ${o.error}${o.message ? ` (${o.message})` : ''}`;
}

/** A refusal as the verdict prints it: the error and, when the side gave one, its message. */
function refusal(o: { error: string; message?: string }): string {
  return `refused ${o.error}${o.message ? ` (${o.message})` : ''}`;
}

function expectArray(v: unknown, n: number, what: string): void {
  if (!Array.isArray(v) || v.length !== n)
    throw new AdapterProtocolError(
      `${what} answered ${Array.isArray(v) ? `${v.length} results` : 'no list'} for ${n} tasks`,
    );
}
