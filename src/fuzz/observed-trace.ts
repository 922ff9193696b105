/**
 * The trace of the queue under test, as the invariant suite reads it. Built from two sources:
 *  - what the harness witnessed at the boundary (adds and refusals, every delivery with the headers
 *    that actually arrived and the answer given, leases, modifies, deletes, pauses, outages): a
 *    queue cannot misreport these;
 *  - the queue's own decisions the boundary cannot see (retry with its ETA, success, exhaust, lease
 *    expiry, attempts that never reached the handler), from its `takeEvents`, or from
 *    the model for queues that report none.
 * Task ids in this trace are the harness's keys.
 *
 * Order. The run is a series of steps: an operation at the step's instant, then an advance that
 * delivers. Events sort by (time, step, operation before advance, sequence): an operation at t comes
 * after everything an earlier step's advance did at t and before what its own advance does. A
 * response lands in the first step whose advance reached its time. A decision follows the latest
 * response of its task (it is made from that response).
 *
 * On the wall clock (BuildOptions) the boundary's times are the harness's and the decisions' are the
 * deciding side's clock, a few ms apart: a decision follows the response of *its attempt* instead;
 * the ETA header is made the trace's own (it was compared within tolerance already); and tasks
 * whose timing became ambiguous are left out.
 */
import type { ResolvedConfig } from '../model/config.js';
import type { RuleId } from '../rules/index.js';
import type { EndEvent, TraceEvent } from '../sim/events.js';
import { formatEpochSeconds, type Micros } from '../sim/time.js';
import { etaMicros } from './differences.js';
import type { KeyedEvent } from './model-state.js';
import type { Seen } from './side.js';
import type { TaskEntry } from './task-book.js';

interface Item {
  t: Micros;
  /** The step; responses get theirs at build time. */
  k: number;
  /** 0: the step's operation; 1: its advance (expiries first: group 0). */
  sub: 0 | 1;
  group: 0 | 1;
  seq: number;
  ev: TraceEvent;
  key?: number;
  /** Responses: the attempt (the handler's nth delivery of the task). */
  nth?: number;
  /** Made by this build (a decision's copy), not recorded: build may change it. */
  fresh: boolean;
}

/** Every item with every field, in one order: one object shape for the sort and the build's loops. */
function item(
  t: Micros,
  k: number,
  sub: 0 | 1,
  group: 0 | 1,
  seq: number,
  ev: TraceEvent,
  key: number | undefined,
  nth: number | undefined,
  fresh: boolean,
): Item {
  return { t, k, sub, group, seq, ev, key, nth, fresh };
}

/** The kinds whose `n` build sets (and a dispatch's ETA header, `etaFromTrace`). */
const NUMBERED: ReadonlySet<string> = new Set(['dispatch', 'response', 'success', 'exhaust', 'retry', 'lease']);

export interface BuildOptions {
  /** Decisions follow the response of the attempt they name (`n`), not the latest one by time. */
  byAttempt?: boolean;
  /** Tasks left out of the trace altogether. */
  exclude?: ReadonlySet<number>;
  /** Each delivery's X-AppEngine-TaskETA is set to the ETA the trace itself gives (HDR-5 judged elsewhere). */
  etaFromTrace?: boolean;
}

const order = (a: Item, b: Item): number =>
  a.t - b.t || a.k - b.k || a.sub - b.sub || a.group - b.group || a.seq - b.seq;

export class ObservedTrace {
  private readonly items: Item[] = [];
  private seq = 0;
  private step = 0;
  /** The instant each step's advance reached. */
  private readonly stepEnds: Micros[] = [];

  constructor(
    private readonly config: ResolvedConfig,
    private readonly seed: number,
    private readonly epochUs: Micros,
  ) {}

  /** The current step's advance reached `t`; what follows belongs to the next step. */
  closeStep(t: Micros): void {
    this.stepEnds[this.step++] = t;
  }

  get currentStep(): number {
    return this.step;
  }

  private op(t: Micros, ev: TraceEvent, key?: number): void {
    this.items.push(item(t, this.step, 0, 1, this.seq++, ev, key, undefined, false));
  }

  add(t: Micros, e: TaskEntry): void {
    const ev: TraceEvent = {
      t,
      e: 'add',
      id: e.key,
      q: e.q,
      name: e.names.sut ?? '',
      named: e.named,
      eta: Math.max(e.eta, t),
      size: e.size,
    };
    if (e.tag !== undefined) ev.tag = e.tag;
    this.op(t, ev, e.key);
  }

  reject(t: Micros, q: string, name: string | undefined, reason: string, rule: RuleId): void {
    this.op(t, name === undefined ? { t, e: 'reject', q, reason, rule } : { t, e: 'reject', q, name, reason, rule });
  }

  delete(t: Micros, key: number, q: string): void {
    this.op(t, { t, e: 'delete', id: key, q }, key);
  }

  /** CT-4: RunTask dispatches the task now, whatever its ETA (INV-ETA reads the `run`). */
  run(t: Micros, key: number, q: string): void {
    this.op(t, { t, e: 'run', id: key, q }, key);
  }

  pause(t: Micros, q: string, paused: boolean): void {
    this.op(t, { t, e: paused ? 'pause' : 'resume', q });
  }

  outage(t: Micros, on: boolean): void {
    this.op(t, { t, e: 'outage', on });
  }

  leaseCall(t: Micros, q: string, w: string, max: number, secs: number, tag: string | undefined, got: number): void {
    const ev: TraceEvent = { t, e: 'lease-call', q, w, max, secs, got, result: 'ok' };
    if (tag !== undefined) ev.tag = tag;
    this.op(t, ev);
  }

  lease(t: Micros, key: number, q: string, w: string, until: Micros): void {
    this.op(t, { t, e: 'lease', id: key, q, w, until, n: 0 }, key);
  }

  modify(t: Micros, key: number, q: string, until: Micros): void {
    this.op(t, { t, e: 'modify', id: key, q, until }, key);
  }

  /** A delivery the handler saw in this step's advance, and the answer it gave (landing `latency` later). */
  delivery(s: Seen, q: string): void {
    if (s.key === undefined) return; // not attributable; the comparison reports it
    const dispatch: TraceEvent = { t: s.t, e: 'dispatch', id: s.key, q, n: 0, h: s.h };
    this.items.push(item(s.t, this.step, 1, 1, this.seq++, dispatch, s.key, undefined, false));
    const a = s.answer;
    // DEADLINE-2: past the deadline the queue stops waiting at the deadline and counts a failure.
    const deadline = this.config.deadlineUs;
    const late = a.outcome === 'deadline' || a.latencyUs > deadline;
    const lat = late ? deadline : a.latencyUs;
    const t = s.t + lat;
    const ev: TraceEvent = late
      ? { t, e: 'response', id: s.key, q, n: 0, status: 0, out: 'deadline', lat }
      : { t, e: 'response', id: s.key, q, n: 0, status: a.status, out: a.outcome, lat };
    // k < 0 marks "not before step -k - 1": placed at build time, when later steps' ends are known.
    this.items.push(item(t, -1 - this.step, 1, 1, this.seq++, ev, s.key, s.nth, false));
  }

  /** The whole trace: config, boundary and decisions merged, then `end`. */
  /**
   * The items but those of the `excluded` tasks. A lease left out also leaves the count of the lease call
   * that made it, so INV-OUTCOME judges each call by the leases the trace keeps (a call's leases follow it).
   */
  private without(excluded: ReadonlySet<number>): Item[] {
    const kept: Item[] = [];
    let call: { got: number } | undefined;
    for (const it of this.items) {
      if (it.ev.e === 'lease-call') {
        const ev = { ...it.ev };
        call = ev;
        kept.push({ ...it, ev });
      } else if (it.key !== undefined && excluded.has(it.key)) {
        if (it.ev.e === 'lease' && call) call.got--;
      } else {
        kept.push(it);
      }
    }
    return kept;
  }

  build(
    decisions: KeyedEvent[],
    end: { t: Micros; reason: EndEvent['reason'] },
    opts: BuildOptions = {},
  ): TraceEvent[] {
    const out0 = opts.exclude;
    const kept = out0 && out0.size > 0 ? this.without(out0) : this.items;
    // Recorded items are shared, never changed here (a response gets a copy with its step; decisions
    // attach in a map of their own): build may run again as the trace grows.
    const items = kept.map((it) =>
      it.k < 0
        ? item(it.t, Math.max(-1 - it.k, this.stepOf(it.t)), it.sub, it.group, it.seq, it.ev, it.key, it.nth, it.fresh)
        : it,
    );
    const anchored: KeyedEvent[] = [];
    const free = (d: KeyedEvent, group: 0 | 1, ev: TraceEvent): void => {
      items.push(item(ev.t, d.step, 1, group, this.seq + items.length, ev, d.key, undefined, true));
    };
    for (let i = 0; i < decisions.length; i++) {
      const d = decisions[i];
      const ev = d.ev;
      // `rate` events are not taken: INV-RATE then judges by the configured rate, which a throttling
      // queue (INST-2) only stays under, and a queue cannot excuse a burst by announcing a higher rate.
      if (d.key === undefined || out0?.has(d.key)) continue;
      switch (ev.e) {
        case 'retry':
        case 'success':
          anchored.push(d);
          break;
        case 'exhaust':
          if (ev.rule === 'PULL-10') free(d, 1, { ...ev, id: d.key });
          else anchored.push(d);
          break;
        case 'expire':
          free(d, 0, { ...ev, id: d.key });
          break;
        case 'dispatch':
        case 'response':
          // Only attempts that never reached the handler (INST-2): the boundary saw the rest itself.
          if (isNoInstance(decisions, i)) free(d, 1, { ...ev, id: d.key });
          break;
        default:
          break;
      }
    }
    items.sort(order);
    const after = attach(items, anchored, opts.byAttempt === true);

    const out: TraceEvent[] = [{ t: 0, e: 'config', seed: this.seed, epochUs: this.epochUs, config: this.config }];
    const attempts = new Map<number, number>();
    const leases = new Map<number, number>();
    const etas = new Map<number, Micros>();
    let last = 0;
    const emit = (ev: TraceEvent): void => {
      if (ev.e === 'add' || ev.e === 'retry') etas.set(ev.id, ev.eta);
      if (ev.e === 'dispatch') {
        const n = (attempts.get(ev.id) ?? 0) + 1;
        attempts.set(ev.id, n);
        ev.n = n;
        const eta = etas.get(ev.id);
        if (opts.etaFromTrace && eta !== undefined && ev.h && !Number.isNaN(etaMicros(ev.h.eta))) {
          ev.h = { ...ev.h, eta: formatEpochSeconds(this.epochUs + eta) };
        }
      } else if (ev.e === 'response' || ev.e === 'success' || (ev.e === 'exhaust' && ev.rule !== 'PULL-10')) {
        ev.n = attempts.get(ev.id) ?? 0;
      } else if (ev.e === 'retry') {
        ev.n = (attempts.get(ev.id) ?? 0) + 1;
      } else if (ev.e === 'lease') {
        const n = (leases.get(ev.id) ?? 0) + 1;
        leases.set(ev.id, n);
        ev.n = n;
      }
      last = Math.max(last, ev.t);
      out.push(ev);
    };
    for (const it of items) {
      // emit numbers attempts and leases in place: a recorded event it numbers is copied first (build
      // may run again); one made here, or one it does not change, goes out as it is.
      emit(it.fresh || !NUMBERED.has(it.ev.e) ? it.ev : copyRecorded(it.ev));
      const then = after.get(it);
      if (then) for (const a of then) emit(a); // copies made by attach
    }
    out.push({ t: Math.max(last, end.t), e: 'end', reason: end.reason });
    return out;
  }

  /** The first step whose advance reached `t` (after the last step when none has yet). */
  private stepOf(t: Micros): number {
    const ends = this.stepEnds;
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid] >= t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/**
 * A copy of a recorded event, for build to number: field by field, in the order `delivery` and
 * `lease` record them, where they are theirs (a spread of events of many shapes was most of a
 * build's time); any other shape is spread.
 */
function copyRecorded(ev: TraceEvent): TraceEvent {
  switch (ev.e) {
    case 'dispatch':
      if (ev.dup === undefined) return { t: ev.t, e: 'dispatch', id: ev.id, q: ev.q, n: ev.n, h: ev.h };
      break;
    case 'response':
      if (ev.ra === undefined)
        return { t: ev.t, e: 'response', id: ev.id, q: ev.q, n: ev.n, status: ev.status, out: ev.out, lat: ev.lat };
      break;
    case 'lease':
      return { t: ev.t, e: 'lease', id: ev.id, q: ev.q, w: ev.w, until: ev.until, n: ev.n };
    default:
      break;
  }
  return { ...ev };
}

/** A side's dispatch/response pair whose response says `no-instance`. */
function isNoInstance(all: KeyedEvent[], i: number): boolean {
  const ev = all[i].ev;
  if (ev.e === 'response') return ev.out === 'no-instance';
  if (ev.e !== 'dispatch') return false;
  // The response to a no-instance attempt comes at once, right after its dispatch.
  for (let j = i + 1; j < all.length && j < i + 64; j++) {
    const r = all[j].ev;
    if (r.e === 'response' && r.id === ev.id && r.n === ev.n) return r.out === 'no-instance';
  }
  return false;
}

/**
 * Puts each decision right after the latest response of its task at or before the decision's time
 * and step, or (`byAttempt`) right after the response of the attempt it names.
 */
function attach(items: Item[], anchored: KeyedEvent[], byAttempt: boolean): Map<Item, TraceEvent[]> {
  const after = new Map<Item, TraceEvent[]>();
  const responses = new Map<number, number[]>();
  items.forEach((it, i) => {
    if (it.ev.e === 'response' && it.key !== undefined) {
      const list = responses.get(it.key) ?? [];
      list.push(i);
      responses.set(it.key, list);
    }
  });
  const orphans: Item[] = [];
  for (const d of anchored) {
    const list = responses.get(d.key!) ?? [];
    let target = -1;
    if (byAttempt) {
      // A retry names the attempt it schedules (n + 1); success and exhaust name the attempt answered.
      const ev = d.ev as { e: string; n?: number };
      const n = ev.e === 'retry' ? (ev.n ?? 0) - 1 : ev.n;
      for (const i of list) if (items[i].nth === n) target = i;
    } else {
      // Not a response of a later step: two attempts at one instant (CT-4 RunTask right after an
      // instant answer) each get the decision made from them.
      for (const i of list) if (items[i].t <= d.ev.t && items[i].k <= d.step) target = i;
    }
    const ev = { ...d.ev, id: d.key! } as TraceEvent;
    if (target < 0) orphans.push(item(d.ev.t, d.step, 1, 1, 0, ev, d.key, undefined, true));
    else {
      const list = after.get(items[target]);
      if (list) list.push(ev);
      else after.set(items[target], [ev]);
    }
  }
  if (orphans.length > 0) {
    items.push(...orphans);
    items.sort(order);
  }
  return after;
}
