/**
 * INV-OUTCOME: every response's outcome agrees with its status (HANDLER-1/2: 2xx is `ok`, anything
 * else a failure, a 3xx too since dispatch follows no redirect, PUSH-6; an attempt with no HTTP status
 * records 0, HDR-6), and every lease call hands out what PULL-2/3/6/8 allow: at most max_tasks tasks,
 * each available (its ETA come, no lease holding it) and carrying the tag asked for.
 *
 * The tasks a call hands out are the `lease` events right after its `lease-call` event: same instant,
 * same queue, same worker.
 */
import type {
  AddEvent,
  EndEvent,
  ExpireEvent,
  LeaseCallEvent,
  LeaseEvent,
  ModifyEvent,
  ResponseEvent,
} from '../sim/events.js';
import type { RuleId } from '../rules/index.js';
import { nameHash } from './format.js';
import { F64Column, isLive } from './task-table.js';
import type { TraceState } from './trace-state.js';
import { Tally, type Checker, type InvariantResult } from './types.js';

/** PULL-2: the bounds of a lease call's arguments. */
const MAX_TASKS_PER_CALL = 1000;
const MAX_LEASE_SECONDS = 604_800;

export class OutcomeChecker implements Checker {
  readonly inv = 'INV-OUTCOME' as const;
  private readonly tally = new Tally(this.inv);
  /** PULL-8: the task's ETA, from its add. */
  private readonly eta: F64Column;
  /** PULL-3: the end of the lease holding the task; at that instant it is free again (PULL-2). */
  private readonly leasedUntil: F64Column;
  /** PULL-6: a fingerprint of the task's tag plus one, or 0 for none (a column reads 0 where never written). */
  private readonly tag: F64Column;
  /** The lease call whose tasks are being handed out, and how many came so far. */
  private call: LeaseCallEvent | undefined;
  private handed = 0;

  constructor(private readonly st: TraceState) {
    this.eta = st.tasks.column(new F64Column());
    this.leasedUntil = st.tasks.column(new F64Column());
    this.tag = st.tasks.column(new F64Column());
  }

  onResponse(ev: ResponseEvent): void {
    const { tally } = this;
    tally.checked++;
    const status = ev.status;
    const is2xx = status >= 200 && status <= 299;
    let rule: RuleId | undefined;
    let expected = '';
    if ((ev.out === 'ok') !== is2xx) {
      rule = is2xx ? 'HANDLER-1' : status >= 300 && status <= 399 ? 'PUSH-6' : 'HANDLER-2';
      expected = is2xx ? "out 'ok' for a 2xx" : `a failure for status ${status}`;
    } else if (ev.out === 'error' && !(status >= 100 && status <= 599)) {
      rule = 'HANDLER-2';
      expected = "an HTTP status (100–599) with out 'error'";
    } else if (ev.out !== 'ok' && ev.out !== 'error' && status !== 0) {
      rule = 'HDR-6';
      expected = `status 0 with out '${ev.out}' (no HTTP status)`;
    }
    if (rule !== undefined && tally.count()) {
      tally.keep(
        rule,
        ev.t,
        ev.id,
        ev.q,
        `task ${ev.id} attempt ${ev.n} response`,
        expected,
        `status ${status}, out '${ev.out}'`,
      );
    }
  }

  onAdd(ev: AddEvent): void {
    // Zeros are written only over something else: a push burst's million tasks (ETA 0, no tag) take no pages.
    const tag = ev.tag === undefined ? 0 : nameHash(ev.tag) + 1;
    if (ev.eta !== 0 || this.eta.get(ev.id) !== 0) this.eta.set(ev.id, ev.eta);
    if (tag !== 0 || this.tag.get(ev.id) !== 0) this.tag.set(ev.id, tag);
  }

  onLeaseCall(ev: LeaseCallEvent): void {
    this.close(ev.t);
    const { tally } = this;
    tally.checked++;
    const argsOk =
      Number.isInteger(ev.max) &&
      ev.max >= 1 &&
      ev.max <= MAX_TASKS_PER_CALL &&
      ev.secs > 0 &&
      ev.secs <= MAX_LEASE_SECONDS;
    if (!argsOk && tally.count()) {
      tally.keep(
        'PULL-2',
        ev.t,
        undefined,
        ev.q,
        `lease call by ${ev.w} on queue '${ev.q}'`,
        `1 <= max_tasks <= ${MAX_TASKS_PER_CALL} and 0 < lease_seconds <= ${MAX_LEASE_SECONDS}, else refused`,
        `max_tasks ${ev.max}, lease_seconds ${ev.secs} accepted`,
      );
    }
    const allowed = ev.result === 'ok' ? ev.max : 0; // PULL-9: a capped or failed call hands out nothing
    if (ev.got > allowed && tally.count()) {
      tally.keep(
        ev.result === 'ok' ? 'PULL-2' : 'PULL-9',
        ev.t,
        undefined,
        ev.q,
        `lease call by ${ev.w} on queue '${ev.q}' (${ev.result})`,
        `at most ${allowed} tasks`,
        `got ${ev.got}`,
      );
    }
    this.call = ev;
    this.handed = 0;
  }

  onLease(ev: LeaseEvent): void {
    const { st, tally } = this;
    const id = ev.id;
    let call = this.call;
    if (call !== undefined && (call.t !== ev.t || call.q !== ev.q || call.w !== ev.w)) {
      this.close(ev.t);
      call = undefined;
    }
    if (!isLive(st.phase(id))) return; // a lease of a finished task is INV-NODUP's
    tally.checked++;
    const what = `task ${id} handed to ${ev.w}`;
    if (call !== undefined) {
      const n = ++this.handed;
      if (n > call.max && tally.count())
        tally.keep(
          'PULL-2',
          ev.t,
          id,
          ev.q,
          `${what} as task ${n} of one lease call`,
          `at most max_tasks = ${call.max}`,
          `${n} tasks`,
        );
      if (call.tag !== undefined && this.tag.get(id) !== nameHash(call.tag) + 1 && tally.count()) {
        tally.keep(
          'PULL-6',
          ev.t,
          id,
          ev.q,
          `${what} by a call for tag ${JSON.stringify(call.tag)}`,
          'only tasks with that tag',
          'a task with another tag or none',
        );
      }
    }
    const eta = this.eta.get(id);
    if (ev.t < eta && tally.count())
      tally.keep('PULL-8', ev.t, id, ev.q, what, `no lease before the task's ETA ${eta}`, `leased at ${ev.t}`);
    const held = this.leasedUntil.get(id);
    if (ev.t < held && tally.count())
      tally.keep('PULL-3', ev.t, id, ev.q, what, 'a task no lease holds', `held until ${held}`);
    this.leasedUntil.set(id, ev.until);
  }

  onModify(ev: ModifyEvent): void {
    if (isLive(this.st.phase(ev.id))) this.leasedUntil.set(ev.id, ev.until); // PULL-5: until <= now releases
  }

  onExpire(ev: ExpireEvent): void {
    if (isLive(this.st.phase(ev.id))) this.leasedUntil.set(ev.id, 0); // PULL-4
  }

  onEnd(ev: EndEvent): void {
    this.close(ev.t);
  }

  /** The open call's tasks are all in: it must have handed out as many as it said it got. */
  private close(t: number): void {
    const call = this.call;
    if (call === undefined) return;
    this.call = undefined;
    if (this.handed !== call.got && this.tally.count()) {
      this.tally.keep(
        'PULL-2',
        t,
        undefined,
        call.q,
        `lease call by ${call.w} at ${call.t} on queue '${call.q}'`,
        `${call.got} leases (its 'got')`,
        `${this.handed} leases`,
      );
    }
  }

  result(): InvariantResult {
    return this.tally.result();
  }
}
