/**
 * INV-LEASE (pull queues): a task is held by at most one lease at a time (PULL-3); an expiry, a
 * release (modify to now) or a delete frees it (PULL-4/5/7); only the first 10 lease calls per queue
 * per one-second window return tasks (PULL-9); a task is leased at most task_retry_limit times, and
 * exhausted only once its limits are passed (PULL-10, with RETRY-2's both-limits rule, age from the
 * first lease); pull queues dispatch nothing and push queues lease nothing (PULL-1).
 */
import type {
  DispatchEvent,
  ExhaustEvent,
  ExpireEvent,
  LeaseCallEvent,
  LeaseEvent,
  ModifyEvent,
} from '../sim/events.js';
import { F64Column, U32Column, isLive } from './task-table.js';
import type { TraceState } from './trace-state.js';
import { Tally, type Checker, type InvariantResult } from './types.js';

/** PULL-9: calls per queue per second that may return tasks. */
const CALLS_PER_SECOND = 10;

export class LeaseChecker implements Checker {
  readonly inv = 'INV-LEASE' as const;
  private readonly tally = new Tally(this.inv);
  /** End of the lease that holds the task; 0 or a past time when free. */
  private readonly until: F64Column;
  /** Leases taken so far: the trace's `n` is judged against this. */
  private readonly leases: U32Column;
  /** When the task was first leased, plus one (0: never leased): PULL-10 measures age from it. */
  private readonly firstLease: F64Column;
  // PULL-9 windows per queue: the current second and the calls made in it.
  private windows: Float64Array;
  private calls: Int32Array;

  constructor(private readonly st: TraceState) {
    this.until = st.tasks.column(new F64Column());
    this.leases = st.tasks.column(new U32Column());
    this.firstLease = st.tasks.column(new F64Column());
    this.windows = new Float64Array(st.configuredQueues).fill(-1);
    this.calls = new Int32Array(st.configuredQueues);
  }

  onDispatch(ev: DispatchEvent): void {
    if (this.st.queue(ev.q).mode !== 'pull') return;
    this.tally.checked++;
    if (this.tally.count())
      this.tally.keep(
        'PULL-1',
        ev.t,
        ev.id,
        ev.q,
        `dispatch of task ${ev.id} on pull queue '${ev.q}'`,
        'no dispatch from a pull queue',
        'a dispatch',
      );
  }

  onLease(ev: LeaseEvent): void {
    const { st, tally } = this;
    const id = ev.id;
    tally.checked++;
    const info = st.queue(ev.q);
    if (info.mode !== 'pull' && tally.count())
      tally.keep(
        'PULL-1',
        ev.t,
        id,
        ev.q,
        `lease of task ${id} from push queue '${ev.q}'`,
        'no lease from a push queue',
        `a lease by ${ev.w}`,
      );
    if (!isLive(st.phase(id))) return; // a lease after delete/exhaust is INV-NODUP's
    const held = this.until.get(id);
    if (held > ev.t && tally.count())
      tally.keep(
        'PULL-3',
        ev.t,
        id,
        ev.q,
        `lease of task ${id} by ${ev.w}`,
        'the task free (no lease held)',
        `held by an earlier lease until ${held}`,
      );
    const before = this.leases.get(id);
    if (this.limitsPassed(id, before, ev.t) === true && tally.count()) {
      tally.keep(
        'PULL-10',
        ev.t,
        id,
        ev.q,
        `lease ${before + 1} of task ${id}`,
        `deletion instead (${this.describe(id, ev.t)})`,
        `lease ${before + 1}`,
      );
    }
    this.until.set(id, ev.until);
    const n = before + 1;
    this.leases.set(id, n);
    if (before === 0) this.firstLease.set(id, ev.t + 1);
    if (ev.n !== n && tally.count())
      tally.keep('PULL-10', ev.t, id, ev.q, `lease count of task ${id}`, `n=${n}`, `n=${ev.n}`);
  }

  onExhaust(ev: ExhaustEvent): void {
    const { st, tally } = this;
    if (st.queue(ev.q).mode !== 'pull' || !isLive(st.phase(ev.id))) return;
    tally.checked++;
    const leases = this.leases.get(ev.id);
    if (this.limitsPassed(ev.id, leases, ev.t) === false && tally.count()) {
      tally.keep(
        'PULL-10',
        ev.t,
        ev.id,
        ev.q,
        `exhaustion of task ${ev.id} after ${leases} leases`,
        `no deletion yet (${this.describe(ev.id, ev.t)})`,
        'deleted',
      );
    }
  }

  /**
   * PULL-10 with RETRY-2: after `leases` leases, may the task no longer be leased at `t`? The count is
   * passed at task_retry_limit leases; the age (from the first lease) when it is above task_age_limit.
   * With both set, both must be passed. A never-leased task has no age yet: with an age limit set,
   * SPEC leaves its fate open, so the answer is undefined and nothing is judged.
   */
  private limitsPassed(id: number, leases: number, t: number): boolean | undefined {
    const retry = this.st.taskQueue(id).cfg?.retry;
    const limit = retry?.taskRetryLimit;
    const ageLimit = retry?.taskAgeLimitUs;
    const first = this.firstLease.get(id);
    if (ageLimit !== undefined && first === 0) return undefined;
    const countPassed = limit === undefined ? undefined : leases >= limit;
    const agePassed = ageLimit === undefined ? undefined : t - (first - 1) > ageLimit;
    if (countPassed === undefined) return agePassed === true;
    if (agePassed === undefined) return countPassed;
    return countPassed && agePassed;
  }

  private describe(id: number, t: number): string {
    const retry = this.st.taskQueue(id).cfg?.retry;
    const first = this.firstLease.get(id);
    const age = first === 0 ? 'never leased' : `age ${t - (first - 1)}µs`;
    return `${this.leases.get(id)} leases, task_retry_limit ${retry?.taskRetryLimit ?? 'unset'}; ${age}, task_age_limit ${retry?.taskAgeLimitUs === undefined ? 'unset' : `${retry.taskAgeLimitUs}µs`}`;
  }

  onModify(ev: ModifyEvent): void {
    // PULL-5: a new end measured from now; until <= t releases at once.
    if (isLive(this.st.phase(ev.id))) this.until.set(ev.id, ev.until);
  }

  onExpire(ev: ExpireEvent): void {
    if (isLive(this.st.phase(ev.id))) this.until.set(ev.id, 0); // PULL-4
  }

  onLeaseCall(ev: LeaseCallEvent): void {
    const qi = this.st.queue(ev.q).index;
    if (qi >= this.calls.length) return;
    const { tally } = this;
    tally.checked++;
    const second = Math.floor(ev.t / 1e6);
    if (this.windows[qi] !== second) {
      this.windows[qi] = second;
      this.calls[qi] = 0;
    }
    const call = ++this.calls[qi];
    if (call > CALLS_PER_SECOND && ev.got > 0 && tally.count()) {
      tally.keep(
        'PULL-9',
        ev.t,
        undefined,
        ev.q,
        `lease call ${call} in second ${second} on queue '${ev.q}' by ${ev.w}`,
        `no tasks after the first ${CALLS_PER_SECOND} calls of a second`,
        `${ev.got} tasks`,
      );
    }
  }

  result(): InvariantResult {
    return this.tally.result(undefined, 'no pull-queue activity in the trace');
  }
}
