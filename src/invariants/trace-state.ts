/**
 * What every checker needs to know about the run, built from the trace alone: the resolved config
 * (from the first `config` event), the queues, and the shared per-task facts (queue, current ETA,
 * attempts so far, last response). The suite applies each event here *after* the checkers have
 * judged it, so during a hook these facts describe the moment just before the event.
 */
import type {
  AddEvent,
  ConfigEvent,
  DispatchEvent,
  Outcome,
  PauseEvent,
  ResponseEvent,
  RetryEvent,
  RunEvent,
} from '../sim/events.js';
import type { QueueConfig, QueueMode, ResolvedConfig } from '../model/config.js';
import { readingsOf, type Readings } from './readings.js';
import {
  DELETED,
  EXHAUSTED,
  F64Column,
  IN_FLIGHT,
  RESPONDED,
  SUCCEEDED,
  TaskTable,
  U8Column,
  U16Column,
  U32Column,
  WAITING,
  isLive,
} from './task-table.js';

export interface QueueInfo {
  index: number;
  name: string;
  mode: QueueMode;
  /** Undefined for a queue the config does not name: checkers that need its settings skip it. */
  cfg: QueueConfig | undefined;
  /** PUSH-8: paused by a `pause` event, or configured with rate 0. */
  paused: boolean;
}

// Outcome codes for the compact `lastOut` column.
export const OUT_NONE = 0;
export const OUT_OK = 1;
export const OUT_ERROR = 2;
export const OUT_NO_INSTANCE = 3;
export const OUT_DEADLINE = 4;
export const OUT_NET = 5;
const OUT_NAMES = ['none', 'ok', 'error', 'no-instance', 'deadline', 'net'];

export function outcomeCode(out: Outcome): number {
  switch (out) {
    case 'ok':
      return OUT_OK;
    case 'error':
      return OUT_ERROR;
    case 'no-instance':
      return OUT_NO_INSTANCE;
    case 'deadline':
      return OUT_DEADLINE;
    default:
      return OUT_NET;
  }
}

export function outcomeName(code: number): string {
  return OUT_NAMES[code] ?? 'unknown';
}

export class TraceState {
  readonly config: ResolvedConfig;
  /** The SPEC §10 readings the run was made under (the config's options over SPEC's defaults). */
  readonly readings: Readings;
  readonly epochUs: number;
  readonly deadlineUs: number;
  readonly queues: QueueInfo[] = [];
  /** Queues named by the config; unknown queues met later get indices from here on. */
  readonly configuredQueues: number;
  private readonly byName = new Map<string, QueueInfo>();
  private lastName = '';
  private lastInfo: QueueInfo | undefined;
  /** CT-4: the task RunTask just made due (its dispatch follows at once, outside rate and cap), or -1. */
  ranNow = -1;
  /** CT-5: the Retry-After of a task's last response, when it had one; few, so a map. */
  readonly retryAfter = new Map<number, number>();
  /** Tasks added with their own request deadline (CT-2); few, so a map (usually empty: not even looked in). */
  private readonly ownDeadline = new Map<number, number>();

  readonly tasks = new TaskTable();
  /** Index into `queues` of the task's queue. */
  readonly q: U16Column;
  /** The ETA of the task's next (or current) attempt: the add's eta, then each retry's (PUSH-4). */
  readonly eta: F64Column;
  /** Non-duplicate attempts dispatched so far; the attempt being made is this + 1. */
  readonly n: U32Column;
  /** The last non-duplicate response: outcome code, status and time. */
  readonly lastOut: U8Column;
  readonly lastStatus: U16Column;
  readonly respT: F64Column;

  constructor(ev: ConfigEvent) {
    this.config = ev.config;
    this.readings = readingsOf(ev.config);
    this.epochUs = ev.epochUs;
    this.deadlineUs = ev.config.deadlineUs;
    for (const cfg of ev.config.queues) this.addQueue(cfg.name, cfg.mode, cfg);
    this.configuredQueues = this.queues.length;
    const t = this.tasks;
    this.q = t.column(new U16Column());
    this.eta = t.column(new F64Column());
    this.n = t.column(new U32Column());
    this.lastOut = t.column(new U8Column());
    this.lastStatus = t.column(new U16Column());
    this.respT = t.column(new F64Column());
  }

  private addQueue(name: string, mode: QueueMode, cfg: QueueConfig | undefined): QueueInfo {
    const info: QueueInfo = {
      index: this.queues.length,
      name,
      mode,
      cfg,
      paused: cfg !== undefined && cfg.ratePerSec === 0,
    };
    this.queues.push(info);
    this.byName.set(name, info);
    return info;
  }

  /** The queue by name; a name the config does not know becomes a push queue without settings. */
  queue(name: string): QueueInfo {
    if (name === this.lastName && this.lastInfo !== undefined) return this.lastInfo;
    const info = this.byName.get(name) ?? this.addQueue(name, 'push', undefined);
    this.lastName = name;
    this.lastInfo = info;
    return info;
  }

  taskQueue(id: number): QueueInfo {
    return this.queues[this.q.get(id)];
  }

  phase(id: number): number {
    return this.tasks.phase(id);
  }

  // --- applied after the checkers ---

  afterAdd(ev: AddEvent): void {
    const info = this.queue(ev.q);
    if (ev.dl !== undefined) this.ownDeadline.set(ev.id, ev.dl);
    this.tasks.add(ev.id);
    this.q.set(ev.id, info.index);
    this.eta.set(ev.id, ev.eta);
  }

  afterDispatch(ev: DispatchEvent): void {
    // A duplicate (HANDLER-4) is not an attempt: it changes nothing about the task.
    this.ranNow = -1;
    if (ev.dup || !isLive(this.tasks.phase(ev.id))) return;
    this.n.set(ev.id, this.n.get(ev.id) + 1);
    this.tasks.move(ev.id, IN_FLIGHT);
  }

  afterResponse(ev: ResponseEvent): void {
    // A response to a finished task answers a duplicate (or an attempt cut short by delete).
    if (!isLive(this.tasks.phase(ev.id))) return;
    this.lastOut.set(ev.id, outcomeCode(ev.out));
    this.lastStatus.set(ev.id, ev.status);
    this.respT.set(ev.id, ev.t);
    if (ev.ra !== undefined) this.retryAfter.set(ev.id, ev.ra);
    else if (this.retryAfter.size > 0) this.retryAfter.delete(ev.id);
    this.tasks.move(ev.id, RESPONDED);
  }

  afterRetry(ev: RetryEvent): void {
    if (!isLive(this.tasks.phase(ev.id))) return;
    this.eta.set(ev.id, ev.eta);
    this.tasks.move(ev.id, WAITING);
  }

  afterSuccess(id: number): void {
    this.tasks.finish(id, SUCCEEDED);
  }

  afterExhaust(id: number): void {
    this.tasks.finish(id, EXHAUSTED);
  }

  afterDelete(id: number): void {
    this.tasks.finish(id, DELETED);
  }

  afterPause(ev: PauseEvent): void {
    this.queue(ev.q).paused = ev.e === 'pause';
  }

  /** CT-4: RunTask made the task due now; its next dispatch may come before the ETA it had. */
  afterRun(ev: RunEvent): void {
    if (isLive(this.tasks.phase(ev.id))) this.eta.set(ev.id, ev.t);
    this.ranNow = ev.id;
  }

  /**
   * A later `config` event (a queue created or updated through the Cloud Tasks API, CT-1): new queues
   * are judged by their settings from here on, and a changed queue by its new ones (a checker that
   * keeps state of a queue's settings notices that `cfg` is another object).
   */
  afterConfig(ev: ConfigEvent): void {
    for (const cfg of ev.config.queues) {
      const known = this.byName.get(cfg.name);
      if (known === undefined) this.addQueue(cfg.name, cfg.mode, cfg);
      else if (known.mode === cfg.mode && JSON.stringify(known.cfg) !== JSON.stringify(cfg)) known.cfg = cfg;
    }
  }

  /** DEADLINE-1, or the task's own deadline when its add event names one (CT-2 dispatchDeadline). */
  deadlineOf(id: number): number {
    return this.ownDeadline.size === 0 ? this.deadlineUs : (this.ownDeadline.get(id) ?? this.deadlineUs);
  }
}
