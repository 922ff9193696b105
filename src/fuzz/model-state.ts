/**
 * What a side's own trace says about each task, by the harness's keys: the model's (to explain a
 * difference: was the task already done, due, held?) and the queue under test's internal decisions
 * (to merge into its observed trace). Ids are the side's own; its `add` events map them to keys.
 */
import type { TraceEvent } from '../sim/events.js';
import type { Micros } from '../sim/time.js';
import type { SideName, TaskBook } from './task-book.js';

export type Phase = 'live' | 'succeeded' | 'exhausted' | 'deleted';

/** A side's event with its task's key (undefined for events about no task, or an unknown one). */
export interface KeyedEvent {
  ev: TraceEvent;
  key: number | undefined;
  /** The harness step during which the side reported it. */
  step: number;
}

/**
 * What a side's events say, applied when first asked: the harness asks only to explain a difference
 * (and a few operations), so most runs never read it, and absorbing stays a push.
 */
export class SideState {
  private readonly phases = new Map<number, Phase>();
  private readonly phaseTimes = new Map<number, Micros>();
  private readonly etaNow = new Map<number, Micros>();
  /** Every ETA the task had, with the time it was set: pairs (set at, ETA) in one flat list. */
  private readonly etas = new Map<number, Micros[]>();
  private readonly leaseEnds = new Map<number, Micros>();
  private readonly everLeased = new Set<number>();
  private readonly pausedQueues = new Set<string>();
  /** Effective dispatch rates after throttling (INST-2), per queue, with the time each was set. */
  private readonly rates = new Map<string, [Micros, number][]>();
  readonly events: KeyedEvent[] = [];
  /** How many of `events` are applied to the maps. */
  private applied = 0;
  /** CT-4 RunTasks per task: each set an ETA (now) in place of the pending one. */
  private readonly runs = new Map<number, number>();
  private readonly idToKey = new Map<number, number>();

  constructor(
    private readonly side: SideName,
    private readonly book: TaskBook,
  ) {}

  /** Each task's phase. */
  get phase(): ReadonlyMap<number, Phase> {
    this.catchUp();
    return this.phases;
  }

  /** When the task reached its phase. */
  get phaseAt(): ReadonlyMap<number, Micros> {
    this.catchUp();
    return this.phaseTimes;
  }

  /** The ETA of the task's next attempt (add, then each retry: PUSH-4, RETRY-4). */
  get eta(): ReadonlyMap<number, Micros> {
    this.catchUp();
    return this.etaNow;
  }

  /** Pull tasks: the end of the lease that holds it (0 when free). */
  get leaseUntil(): ReadonlyMap<number, Micros> {
    this.catchUp();
    return this.leaseEnds;
  }

  /** Pull tasks ever leased. */
  get leased(): ReadonlySet<number> {
    this.catchUp();
    return this.everLeased;
  }

  /** Paused queues: kept as events come (a pause asks at every call), not when first asked. */
  get paused(): ReadonlySet<string> {
    return this.pausedQueues;
  }

  /** Keys each event now: a name's key is the latest task of that name (TaskBook.keyOf), which a later add changes. */
  absorb(events: TraceEvent[], step: number): void {
    for (const ev of events) {
      let key: number | undefined;
      // Every event about a task carries its id (a number), and no other event has one: a read, not
      // an `in` test, which across events of many shapes was most of this loop.
      const id = (ev as { id?: number }).id;
      if (id !== undefined) {
        if (ev.e === 'add') {
          key = this.book.keyOf(this.side, ev.q, ev.name);
          if (key !== undefined) this.idToKey.set(id, key);
        } else {
          key = this.idToKey.get(id);
        }
      }
      this.events.push({ ev, key, step });
      if (ev.e === 'pause') this.pausedQueues.add(ev.q);
      else if (ev.e === 'resume') this.pausedQueues.delete(ev.q);
    }
  }

  private catchUp(): void {
    const events = this.events;
    for (; this.applied < events.length; this.applied++) {
      const k = events[this.applied];
      this.apply(k.ev, k.key);
    }
  }

  /** The ETA the task had at time `t` (the last one set at or before `t`). */
  etaAt(key: number, t: Micros): Micros | undefined {
    this.catchUp();
    let found: Micros | undefined;
    const list = this.etas.get(key) ?? [];
    for (let i = 0; i < list.length; i += 2) if (list[i] <= t) found = list[i + 1];
    return found;
  }

  /** Attempts scheduled so far: its add and each retry (a RunTask replaces the pending one, CT-4). */
  etaCount(key: number): number {
    this.catchUp();
    return (this.etas.get(key)?.length ?? 0) / 2 - (this.runs.get(key) ?? 0);
  }

  /** The queue's effective rate at time `t`, when the side ever changed it (INST-2). */
  rateAt(q: string, t: Micros): number | undefined {
    this.catchUp();
    let found: number | undefined;
    for (const [at, rate] of this.rates.get(q) ?? []) if (at <= t) found = rate;
    return found;
  }

  /** The task's phase at time `t`. */
  phaseAtTime(key: number, t: Micros): Phase | undefined {
    const p = this.phase.get(key);
    return p !== undefined && p !== 'live' && this.phaseTimes.get(key)! > t ? 'live' : p;
  }

  private setEta(key: number, t: Micros, eta: Micros): void {
    this.etaNow.set(key, eta);
    const list = this.etas.get(key);
    if (list === undefined) this.etas.set(key, [t, eta]);
    else list.push(t, eta);
  }

  private setPhase(key: number, t: Micros, p: Phase): void {
    this.phases.set(key, p);
    this.phaseTimes.set(key, t);
  }

  private apply(ev: TraceEvent, key: number | undefined): void {
    if (ev.e === 'rate') {
      const list = this.rates.get(ev.q) ?? [];
      list.push([ev.t, ev.rate]);
      this.rates.set(ev.q, list);
    }
    if (key === undefined) return;
    switch (ev.e) {
      case 'add':
        this.setPhase(key, ev.t, 'live');
        this.setEta(key, ev.t, ev.eta);
        break;
      case 'retry':
        this.setEta(key, ev.t, ev.eta);
        break;
      case 'run':
        this.setEta(key, ev.t, ev.t);
        this.runs.set(key, (this.runs.get(key) ?? 0) + 1);
        break;
      case 'success':
        this.setPhase(key, ev.t, 'succeeded');
        break;
      case 'exhaust':
        this.setPhase(key, ev.t, 'exhausted');
        break;
      case 'delete':
        this.setPhase(key, ev.t, 'deleted');
        break;
      case 'lease':
        this.leaseEnds.set(key, ev.until);
        this.everLeased.add(key);
        break;
      case 'modify':
        this.leaseEnds.set(key, ev.until);
        break;
      case 'expire':
        this.leaseEnds.set(key, 0);
        break;
      default:
        break;
    }
  }
}
