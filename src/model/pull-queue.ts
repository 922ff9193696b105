/**
 * One pull queue (PULL-1…10): workers lease tasks; a leased task is invisible until its lease ends;
 * leases expire, are modified or released; deleted tasks are gone for good.
 */
import type { QueueConfig } from './config.js';
import type { Core } from './core.js';
import type { TaskTable } from './task.js';
import type { LeaseRequest, LeaseResult, LeasedTask } from './types.js';
import { TaskQueueError } from './errors.js';
import { mayRetry } from './retry-policy.js';
import { giveBackKeyHeap, takeKeyHeap } from './spares.js';
import { US_PER_S, type Micros } from '../sim/time.js';
import type { LeaseCallEvent } from '../sim/events.js';

/** PULL-2 */
export const MAX_LEASE_SECONDS = 604_800;
export const MAX_LEASE_TASKS = 1000;
/** PULL-9: lease calls per queue per second that may return tasks. */
export const LEASE_CALLS_PER_SECOND = 10;

export interface PullOptions {
  /** PULL-8: how long a new task takes to become leasable. */
  visibilityDelayUs: Micros;
  /** PULL-9: the chance that a lease call fails with TransientError. */
  transientErrorRate: number;
}

export class PullQueue {
  /** Every live task by ETA; leased tasks sit at their lease's end (leasing sets the ETA). */
  private readonly byEta = takeKeyHeap();
  private readonly tasks: TaskTable;
  private windowStart = -1;
  private callsInWindow = 0;

  constructor(
    public cfg: QueueConfig, // replaced by Engine.putQueue (CT-1 UpdateQueue)
    private readonly core: Core,
    private readonly options: PullOptions,
    private readonly onDone: (task: number) => void,
  ) {
    this.tasks = core.tasks;
  }

  enqueue(task: number): void {
    this.byEta.push(task, this.tasks.eta[task], this.core.nextSeq());
  }

  lease(req: LeaseRequest): LeaseResult {
    const core = this.core;
    const now = core.now;
    checkLeaseArgs(req.leaseSeconds, req.maxTasks);
    // PULL-9: fixed one-second windows; past the tenth call the answer is OK with nothing in it.
    const window = Math.floor(now / US_PER_S);
    if (window !== this.windowStart) {
      this.windowStart = window;
      this.callsInWindow = 0;
    }
    if (++this.callsInWindow > LEASE_CALLS_PER_SECOND) {
      core.emit(leaseCall(now, this.cfg.name, req, 0, 'capped'));
      return { ok: true, tasks: [], capped: true };
    }
    if (core.rng.chance(this.options.transientErrorRate)) {
      core.emit(leaseCall(now, this.cfg.name, req, 0, 'transient'));
      return { ok: false, error: 'TransientError', rule: 'PULL-9' };
    }
    const { picked, exhausted } = this.pick(req, now);
    core.emit(leaseCall(now, this.cfg.name, req, picked.length, 'ok'));
    const tasks = this.tasks;
    for (const task of exhausted) {
      // PULL-10: deleted instead of being leased once more; never handed out.
      core.emit({ t: now, e: 'exhaust', id: task, q: this.cfg.name, n: tasks.attempts[task], rule: 'PULL-10' });
      this.onDone(task);
      tasks.release(task);
    }
    const untilUs = now + Math.round(req.leaseSeconds * US_PER_S);
    const leased: LeasedTask[] = [];
    for (const task of picked) {
      const n = ++tasks.attempts[task]; // PULL-10: each lease counts as an attempt
      if (tasks.firstAttempt[task] < 0) tasks.firstAttempt[task] = now;
      this.setLease(task, untilUs);
      core.emit({ t: now, e: 'lease', id: task, q: this.cfg.name, w: req.worker, until: untilUs, n });
      const extra = tasks.extra(task);
      leased.push({
        id: task,
        name: tasks.nameOf(task),
        tag: extra?.tag,
        payload: extra?.payload,
        size: tasks.size[task],
        leaseUntilUs: untilUs,
        leaseCount: n,
      });
    }
    return { ok: true, tasks: leased, capped: false };
  }

  /**
   * Available tasks in ETA order (PULL-6 tag rules, PULL-8 visibility); the rest go back untouched.
   * A task this call would take but whose limits are spent (PULL-10) is marked done and returned in
   * `exhausted` instead.
   */
  private pick(req: LeaseRequest, now: Micros): { picked: number[]; exhausted: number[] } {
    const tasks = this.tasks;
    const picked: number[] = [];
    /** Passed over: put back with the place in line they had (their sequence numbers). */
    const passed: number[] = [];
    const passedSeqs: number[] = [];
    const exhausted: number[] = [];
    const byTag = req.tag !== undefined || req.byTag === true;
    let tag = req.tag;
    let tagChosen = req.tag !== undefined || !req.byTag;
    while (picked.length < req.maxTasks) {
      const top = this.byEta.peek();
      const t = this.byEta.peekT();
      if (top < 0 || t > now) break;
      const seq = this.byEta.peekSeq();
      this.byEta.pop();
      // A lease ending right now may not have had its expiry job yet: expire it first (PULL-4/10).
      if (tasks.leaseUntil[top] >= 0 && !tasks.isDone(top)) this.expire(top);
      if (tasks.isDone(top)) {
        tasks.release(top); // deleted (PULL-7): met for the last time
        continue;
      }
      if (
        tasks.createdAt[top] + this.options.visibilityDelayUs > now ||
        (byTag && tagChosen && tasks.extra(top)?.tag !== tag)
      ) {
        passed.push(top);
        passedSeqs.push(seq);
        continue;
      }
      if (this.leaseLimitSpent(top, now)) {
        tasks.markDone(top);
        exhausted.push(top);
        continue;
      }
      if (!tagChosen) {
        tag = tasks.extra(top)?.tag; // no tag given: the oldest available task's tag (untagged counts as a tag)
        tagChosen = true;
      }
      picked.push(top);
    }
    for (let i = 0; i < passed.length; i++) this.byEta.push(passed[i], tasks.eta[passed[i]], passedSeqs[i]);
    return { picked, exhausted };
  }

  /**
   * PULL-10: each lease is an attempt, so with task_retry_limit N the (N+1)-th lease is refused (N = 0:
   * the first) — under either §10 reading of RETRY-1, since PULL-10 counts leases, not retries. With
   * task_age_limit too, RETRY-2's both-limits rule holds, age from the first lease.
   */
  private leaseLimitSpent(task: number, now: Micros): boolean {
    const tasks = this.tasks;
    const history = {
      countedFailures: tasks.attempts[task],
      createdAt: tasks.createdAt[task],
      firstAttemptAt: tasks.firstAttempt[task],
    };
    return !mayRetry(
      this.cfg.retry,
      { retryLimitMeans: 'attempts', ageFrom: this.core.config.options.ageFrom },
      history,
      now,
    );
  }

  /** PULL-5: a new lease measured from now; 0 releases at once. The caller proves it holds the lease. */
  modify(task: number, heldUntilUs: Micros, seconds: number): Micros {
    const tasks = this.tasks;
    const now = this.core.now;
    checkLeaseArgs(seconds, 1, true);
    if (tasks.leaseUntil[task] <= now)
      throw new TaskQueueError('PULL-5', `the lease on task ${tasks.nameOf(task)} has expired`, 'LEASE_EXPIRED');
    if (tasks.leaseUntil[task] !== heldUntilUs) {
      throw new TaskQueueError('PULL-3', `task ${tasks.nameOf(task)} is held by another lease`, 'LEASE_MISMATCH');
    }
    const untilUs = now + Math.round(seconds * US_PER_S);
    this.byEta.remove(task);
    this.setLease(task, untilUs);
    this.core.emit({ t: now, e: 'modify', id: task, q: this.cfg.name, until: untilUs });
    if (seconds === 0) tasks.leaseUntil[task] = -1; // released: no lease is held any more
    return untilUs;
  }

  /** The engine is finished (Engine.recycle): the heap goes back to the spares. */
  giveBackParts(): void {
    giveBackKeyHeap(this.byEta);
  }

  delete(task: number): void {
    this.tasks.markDone(task); // left in the heap; skipped (and released) when met (PULL-7)
    this.onDone(task);
  }

  private setLease(task: number, untilUs: Micros): void {
    const tasks = this.tasks;
    tasks.leaseUntil[task] = untilUs;
    tasks.eta[task] = untilUs;
    const version = ++tasks.leaseVersion[task];
    if (untilUs > this.core.now) {
      this.core.schedule(untilUs, () => {
        if (!tasks.isDone(task) && tasks.leaseVersion[task] === version) this.expire(task);
      });
    }
    this.enqueue(task);
  }

  /** PULL-4: the lease ran out without a delete; the task is leasable again (PULL-10 judges at the next lease). */
  private expire(task: number): void {
    this.tasks.leaseUntil[task] = -1;
    this.tasks.leaseVersion[task]++;
    this.core.emit({ t: this.core.now, e: 'expire', id: task, q: this.cfg.name });
  }
}

/**
 * The `lease-call` event, its fields in the order the trace has always had them (a tag only when
 * given): one literal, where spreading a shared base made each call copy an object.
 */
function leaseCall(
  t: Micros,
  q: string,
  req: LeaseRequest,
  got: number,
  result: LeaseCallEvent['result'],
): LeaseCallEvent {
  const { worker: w, maxTasks: max, leaseSeconds: secs, tag } = req;
  return tag !== undefined
    ? { t, e: 'lease-call', q, w, max, secs, tag, got, result }
    : { t, e: 'lease-call', q, w, max, secs, got, result };
}

export function checkLeaseArgs(leaseSeconds: number, maxTasks: number, allowZero = false): void {
  if (
    !Number.isFinite(leaseSeconds) ||
    leaseSeconds < 0 ||
    (!allowZero && leaseSeconds === 0) ||
    leaseSeconds > MAX_LEASE_SECONDS
  ) {
    throw new TaskQueueError(
      'PULL-2',
      `lease_seconds must be ${allowZero ? '0' : 'more than 0'} to ${MAX_LEASE_SECONDS} (one week), got ${leaseSeconds}`,
    );
  }
  if (!Number.isInteger(maxTasks) || maxTasks < 1 || maxTasks > MAX_LEASE_TASKS) {
    throw new TaskQueueError('PULL-2', `max_tasks must be 1 to ${MAX_LEASE_TASKS}, got ${maxTasks}`);
  }
}
