/**
 * One push queue: ETA order (PUSH-4/5), token bucket (PUSH-2), concurrency cap (PUSH-3), pause
 * (PUSH-8), retries with backoff (RETRY-1…5), throttling on 503 and missing instances (INST-2).
 */
import type { ProfileOptions, QueueConfig } from './config.js';
import type { Core } from './core.js';
import type { TaskTable } from './task.js';
import type { DeliveryHeaders, Outcome } from '../sim/events.js';
import { giveBackReadyQueue, takeReadyQueue } from './spares.js';
import type { Micros } from '../sim/time.js';
import { TokenBucket } from './token-bucket.js';
import { Throttle } from './throttle.js';
import { backoffDelay } from './backoff.js';
import { mayRetryAfter } from './retry-policy.js';
import type { InstancePool } from './instances.js';
import { TaskQueueError } from './errors.js';

export interface Attempt {
  key: number;
  /** The task's id (its row in the engine's TaskTable). */
  task: number;
  n: number;
  dispatchedAt: Micros;
  /** When an instance began serving it: dispatch time, or later after waiting (INST-3) or a cold start. */
  startedAt: Micros;
  instance: number;
  /** Made only when some trace sink or an outside target needs them (Core.emitDispatch). */
  headers: DeliveryHeaders | undefined;
  /** The scripted target's answer, set when it is drawn (engine.ts), with the queue to give it to. */
  queue: PushQueue | undefined;
  answer: number;
  outcome: Outcome;
}

/** Where dispatched attempts go: the scripted service model, or an outside target. */
export interface AttemptRunner {
  start(queue: PushQueue, attempt: Attempt, readyAt: Micros): void;
}

export class PushQueue {
  private readonly ready = takeReadyQueue();
  private readonly tasks: TaskTable;
  private bucket: TokenBucket;
  private readonly throttle = new Throttle();
  private inFlight = 0;
  paused: boolean;
  /**
   * The earliest pending pump, so we schedule at most one per instant (in a typed array: a time past
   * 2^31 µs kept in an object field is a new heap box per write).
   */
  private readonly wakeUp = new Float64Array([Infinity]);
  /**
   * Attempts whose answer has landed, to be reused: an attempt object (and its boxed times) per
   * dispatch was a good part of a long run's garbage. Only the scripted target gives them back.
   */
  private readonly spareAttempts: Attempt[] = [];
  private nextKey = 1;

  constructor(
    public cfg: QueueConfig,
    private readonly core: Core,
    private readonly pool: InstancePool,
    private readonly runner: AttemptRunner,
    /** Called when a task is gone for good, so the engine can drop and tombstone it. */
    private readonly onDone: (task: number) => void,
    /** HANDLER-4: the chance that a task that succeeded is delivered once more. */
    private readonly duplicateRate: number,
  ) {
    this.bucket = new TokenBucket(cfg.ratePerSec, cfg.bucketSize);
    this.paused = cfg.ratePerSec === 0; // PUSH-2: rate 0 pauses the queue
    this.tasks = core.tasks;
  }

  get depth(): number {
    return this.ready.size;
  }

  /** The engine is finished (Engine.recycle): the ready queue goes back to the spares. */
  giveBackParts(): void {
    giveBackReadyQueue(this.ready);
  }

  /** Room for `count` tasks about to be added at once (a burst). */
  reserve(count: number): void {
    this.ready.reserve(count, this.core.now);
  }

  enqueue(task: number): void {
    const t = this.tasks.eta[task];
    this.ready.push(task, t, this.core.nextSeq());
    this.wakeAt(t);
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.core.emit({ t: this.core.now, e: 'pause', q: this.cfg.name });
  }

  resume(): void {
    if (!this.paused || this.cfg.ratePerSec === 0) return;
    this.paused = false;
    this.core.emit({ t: this.core.now, e: 'resume', q: this.cfg.name });
    this.wakeAt(this.core.now);
  }

  private wakeAt(t: Micros): void {
    const at = Math.max(t, this.core.now);
    if (at >= this.wakeUp[0]) return;
    this.wakeUp[0] = at;
    this.core.scheduleCall(at, pumpDue, this);
  }

  /** A wake-up is due (at `now`: it was scheduled no earlier); a later one may have replaced it. */
  wake(): void {
    if (this.wakeUp[0] === this.core.now) this.wakeUp[0] = Infinity;
    this.pump();
  }

  /** Dispatches every task that is due, as far as tokens and the concurrency cap allow. */
  private pump(): void {
    const now = this.core.now;
    const cap = this.cfg.maxConcurrentRequests ?? Infinity;
    const tasks = this.tasks;
    while (!this.paused) {
      const top = this.ready.peek();
      if (top < 0) return;
      if (tasks.isDone(top) && !tasks.isDup(top)) {
        this.ready.pop(); // deleted while waiting
        tasks.release(top);
        continue;
      }
      const t = tasks.eta[top];
      if (t > now) return this.wakeAt(t);
      if (this.inFlight >= cap) return; // a response will pump again (PUSH-3)
      if (!this.bucket.tryTake(now)) return this.wakeAt(this.bucket.nextTokenAt(now));
      this.ready.pop();
      this.dispatch(top);
    }
  }

  private dispatch(task: number): void {
    const core = this.core;
    const tasks = this.tasks;
    const now = core.now;
    const dup = tasks.isDup(task);
    let n: number;
    if (dup) {
      n = tasks.attempts[task]; // the duplicate repeats the delivery that succeeded
    } else {
      n = ++tasks.attempts[task];
      if (n === 1) tasks.firstAttempt[task] = now;
    }
    // HDR-5 / SPEC §10: a retry carries its own ETA (Python stub) or the task's original one (Java stub).
    const etaUs = core.config.options.retryEtaHeader === 'original' ? tasks.firstEta[task] : tasks.eta[task];
    const failFast = tasks.failFast(task);
    const headers = core.emitDispatch(
      task,
      this.cfg.name,
      n,
      tasks.userName(task),
      tasks.executions[task],
      core.epochUs + etaUs,
      tasks.prevStatus[task],
      tasks.prevOutcome(task),
      failFast,
      dup,
    );
    this.inFlight++;
    const attempt = this.newAttempt(task, n, now, headers);
    const free = this.pool.takeFreeNow();
    if (free >= 0) {
      attempt.instance = free;
      this.runner.start(this, attempt, now);
      return;
    }
    const instances = this.pool.count;
    this.pool.acquire({
      failFast,
      granted: (instance, readyAt) => {
        attempt.instance = instance;
        attempt.startedAt = readyAt;
        this.runner.start(this, attempt, readyAt);
      },
      // INST-2/3: fails before the handler; RetryCount counts it, ExecutionCount does not (HDR-3/4).
      refused: () => this.respond(attempt, 0, 'no-instance'),
    });
    if (this.pool.count !== instances) core.emit({ t: now, e: 'instance', count: this.pool.count }); // a cold start (INST-1)
  }

  /** The attempt ended at `core.now` with this status and outcome. */
  respond(attempt: Attempt, status: number, out: Outcome, retryAfterUs?: Micros): void {
    const core = this.core;
    const now = core.now;
    const task = attempt.task;
    const q = this.cfg.name;
    this.inFlight--;
    if (attempt.instance >= 0) this.pool.release(attempt.instance);
    // HDR-6 / INV-OUTCOME: an attempt that got no HTTP answer (no instance, connection failure, missed
    // deadline) records status 0, whatever a target reported before it failed.
    if (out === 'net' || out === 'no-instance' || out === 'deadline') status = 0;
    core.emitResponse(task, q, attempt.n, status, out, now - attempt.dispatchedAt, retryAfterUs);
    const tasks = this.tasks;
    if (tasks.isDone(task)) {
      tasks.release(task); // a duplicate's (HANDLER-4), or deleted while in flight: nothing follows
      return this.pump();
    }
    if (out === 'ok') {
      this.adjustRate(this.throttle.recover());
      core.emitSuccess(task, q, attempt.n);
      this.finish(task);
      if (!this.maybeDuplicate(task)) tasks.release(task);
    } else {
      this.fail(task, attempt.n, status, out, retryAfterUs ?? 0);
    }
    this.pump();
  }

  private fail(task: number, n: number, status: number, out: Outcome, retryAfterUs: Micros): void {
    const core = this.core;
    const tasks = this.tasks;
    const now = core.now;
    const opts = core.config.options;
    if (out === 'no-instance' || status === 503) this.adjustRate(this.throttle.slowDown()); // INST-2, HANDLER-3
    const uncounted503 = out === 'error' && status === 503 && !opts.handler503Counts;
    if (!uncounted503) tasks.counted[task]++;
    if (countsAsExecution(status, out, opts)) tasks.executions[task]++;
    tasks.prevStatus[task] = out === 'error' ? status : 0; // HDR-6: 0 when the attempt got no HTTP status
    tasks.setPrevOutcome(task, out);
    const retry = this.cfg.retry;
    if (!mayRetryAfter(retry, opts, tasks.counted[task], tasks.createdAt[task], tasks.firstAttempt[task], now)) {
      core.emitExhaust(task, this.cfg.name, n, 'RETRY-5');
      this.finish(task);
      tasks.release(task);
      return;
    }
    const eta = now + Math.max(backoffDelay(n, retry, opts.backoffLinearStep), retryAfterUs); // RETRY-4, CT-5 Retry-After
    tasks.eta[task] = eta;
    core.emitRetry(task, this.cfg.name, n + 1, eta);
    this.enqueue(task);
  }

  private finish(task: number): void {
    this.tasks.markDone(task);
    this.onDone(task);
  }

  /** HANDLER-4: at-least-once means a rare second delivery even after a 2xx. True when one is due. */
  private maybeDuplicate(task: number): boolean {
    if (!(this.duplicateRate > 0 && this.core.rng.chance(this.duplicateRate))) return false;
    this.tasks.markDuplicate(task, this.core.now);
    this.enqueue(task);
    return true;
  }

  private newAttempt(task: number, n: number, now: Micros, headers: DeliveryHeaders | undefined): Attempt {
    const key = this.nextKey++;
    const a = this.spareAttempts.pop();
    if (a === undefined) {
      return {
        key,
        task,
        n,
        dispatchedAt: now,
        startedAt: now,
        instance: -1,
        headers,
        queue: undefined,
        answer: 0,
        outcome: 'ok',
      };
    }
    a.key = key;
    a.task = task;
    a.n = n;
    a.dispatchedAt = now;
    a.startedAt = now;
    a.instance = -1;
    a.headers = headers;
    a.queue = undefined;
    a.answer = 0;
    a.outcome = 'ok';
    return a;
  }

  /**
   * The attempt is over and nothing holds it any more (the scripted target's answer has been given):
   * the next dispatch may reuse it. Its headers object is the dispatch event's and is never changed.
   */
  recycle(attempt: Attempt): void {
    if (this.spareAttempts.length < MAX_SPARE_ATTEMPTS) this.spareAttempts.push(attempt);
  }

  /**
   * Deletes a waiting or in-flight task; its pending attempt, if any, has no follow-up. Its row is
   * released when the queue meets it next (in the ready queue, or its attempt's answer).
   */
  delete(task: number): void {
    this.finish(task);
  }

  private adjustRate(changed: boolean): void {
    if (!changed) return;
    const rate = this.cfg.ratePerSec * this.throttle.factor;
    this.bucket.setRate(rate, this.core.now);
    this.core.emit({ t: this.core.now, e: 'rate', q: this.cfg.name, rate });
  }

  // ---- The Cloud Tasks API (CT-1, CT-4) ----------------------------------------------------------

  /** CT-1 UpdateQueue: new settings from now on; the bucket starts full at the new size. */
  reconfigure(cfg: QueueConfig): void {
    this.cfg = cfg;
    this.bucket = new TokenBucket(cfg.ratePerSec * this.throttle.factor, cfg.bucketSize, this.core.now);
    if (cfg.ratePerSec === 0) this.pause();
    this.wakeAt(this.core.now);
  }

  /**
   * CT-4 RunTask: one attempt now, whatever the task's ETA, the rate or the concurrency cap. The task
   * leaves the ready queue first, so the pending dispatch is replaced, never doubled.
   */
  runNow(task: number): void {
    const q = this.cfg.name;
    if (this.paused)
      throw new TaskQueueError('CT-4', `queue ${q} is paused: RunTask needs a running queue`, 'FAILED_PRECONDITION');
    if (!this.ready.remove(task)) {
      throw new TaskQueueError(
        'CT-4',
        `task ${this.tasks.nameOf(task)} is being dispatched already`,
        'FAILED_PRECONDITION',
      );
    }
    const now = this.core.now;
    this.tasks.eta[task] = now;
    this.core.emit({ t: now, e: 'run', id: task, q });
    this.dispatch(task);
  }
}

/** Enough for a queue's attempts in flight at full speed; more would only hold memory. */
const MAX_SPARE_ATTEMPTS = 4096;

function pumpDue(queue: PushQueue): void {
  queue.wake();
}

/**
 * HDR-4: an attempt counts in ExecutionCount when it reached the handler and got a non-2xx answer.
 * Connection failures and no-instance failures never count; a missed deadline counts only under its
 * §10 option; a 5xx answer is left out under CT-5's reading (the cloud-tasks profile).
 */
export function countsAsExecution(
  status: number,
  out: Outcome,
  opts: Pick<ProfileOptions, 'deadlineCountsAsExecution' | 'executionCounts5xx'>,
): boolean {
  if (out === 'deadline') return opts.deadlineCountsAsExecution;
  if (out !== 'error') return false;
  return opts.executionCounts5xx || status < 500 || status > 599;
}
