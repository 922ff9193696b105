import type { Outcome } from '../sim/events.js';
import type { Micros } from '../sim/time.js';
import { systemTaskName } from './names.js';

/** What only some tasks carry; kept out of the record so a million plain tasks stay small. */
export interface TaskExtras {
  payload?: Uint8Array;
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  tag?: string;
  /** CT-2 `dispatchDeadline` (external deliveries only). */
  deadlineUs?: Micros;
}

/**
 * The two times of every task that change while it lives (its next ETA, its first attempt), by task
 * id, for one engine. They live in typed arrays: a time past 2^31 µs kept in an object field is a heap
 * box, a new one on every write, and a million tasks' boxes were a good part of a long run's garbage.
 */
export class TaskTimes {
  eta = new Float64Array(256);
  firstAttempt = new Float64Array(256);

  /** Makes room for task `id`. */
  reserve(id: number): void {
    if (id < this.eta.length) return;
    let n = this.eta.length * 2;
    while (n <= id) n *= 2;
    const eta = new Float64Array(n);
    const firstAttempt = new Float64Array(n);
    eta.set(this.eta);
    firstAttempt.set(this.firstAttempt);
    this.eta = eta;
    this.firstAttempt = firstAttempt;
  }
}

/** One task in a queue. `t`/`seq` order it in its queue's ETA heap (PUSH-5). */
export class TaskRecord {
  seq = 0;
  /** Attempts dispatched so far (push) or leases taken (pull). */
  attempts = 0;
  /** Failures counted against task_retry_limit (SPEC §10: 503s may not count). */
  counted = 0;
  /** Failures that reached the handler (HDR-4). */
  executions = 0;
  prevStatus = 0;
  prevOutcome: Outcome | null = null;
  /** Gone for good: succeeded, exhausted or deleted. */
  done = false;
  /** A rare second delivery of a task that already succeeded (HANDLER-4). */
  dup = false;
  /** Pull queues: the current lease's end (-1 when none is held) and a version to spot stale expiries. */
  leaseUntil: Micros = -1;
  leaseVersion = 0;

  constructor(
    private readonly times: TaskTimes,
    readonly id: number,
    readonly queue: string,
    /** The user's name (TASK-1), or null for a system name derived from the id (see nameOf). */
    readonly name: string | null,
    readonly createdAt: Micros,
    /** The ETA given at add (HDR-5's original ETA, an option for retries). */
    readonly firstEta: Micros,
    readonly size: number,
    readonly failFast: boolean,
    readonly extra: TaskExtras | null,
  ) {
    times.reserve(id);
    this.t = firstEta;
    this.firstAttemptAt = -1;
  }

  /** The ETA of the next attempt (or, for a pull task, when it is next available). */
  get t(): Micros {
    return this.times.eta[this.id];
  }
  set t(us: Micros) {
    this.times.eta[this.id] = us;
  }

  /** -1 until the first attempt (RETRY-2 measures age from it). */
  get firstAttemptAt(): Micros {
    return this.times.firstAttempt[this.id];
  }
  set firstAttemptAt(us: Micros) {
    this.times.firstAttempt[this.id] = us;
  }

  /**
   * HANDLER-4: a second delivery of this task, which has succeeded, due at `now`. It shares the task's
   * times: the task itself is gone and waits nowhere, so only the duplicate's ETA is ever read again.
   */
  duplicate(now: Micros): TaskRecord {
    const firstAttemptAt = this.firstAttemptAt; // read before the copy's constructor resets the shared times
    const copy = new TaskRecord(
      this.times,
      this.id,
      this.queue,
      this.name,
      this.createdAt,
      this.firstEta,
      this.size,
      this.failFast,
      this.extra,
    );
    copy.seq = this.seq;
    copy.attempts = this.attempts;
    copy.counted = this.counted;
    copy.executions = this.executions;
    copy.prevStatus = this.prevStatus;
    copy.prevOutcome = this.prevOutcome;
    copy.done = this.done;
    copy.dup = true;
    copy.leaseUntil = this.leaseUntil;
    copy.leaseVersion = this.leaseVersion;
    copy.firstAttemptAt = firstAttemptAt;
    copy.t = now;
    return copy;
  }
}

/** The task's name (HDR-2): system names are made on demand, saving a string per task. */
export function nameOf(task: TaskRecord): string {
  return task.name ?? systemTaskName(task.id);
}

/** PUSH-1: where a push task goes when it names no URL. */
export function defaultTaskUrl(queue: string): string {
  return `/_ah/queue/${queue}`;
}

/**
 * TASK-3: a task's size counts its payload, its URL and its headers' names and values, together
 * (as Google's stubs count it). `url` is the URL the task carries (a push task's default included).
 */
export function taskSize(
  payloadBytes: number,
  url: string | undefined,
  headers: Record<string, string> | undefined,
): number {
  let size = payloadBytes + byteLength(url);
  if (headers !== undefined) for (const name in headers) size += byteLength(name) + byteLength(headers[name]);
  return size;
}

export function byteLength(payload: Uint8Array | string | undefined): number {
  if (payload === undefined) return 0;
  if (typeof payload !== 'string') return payload.byteLength;
  if (payload.length < SHORT_TEXT && isAscii(payload)) return payload.length; // one byte a character, no native call
  return payload.length < LARGE_TEXT ? Buffer.byteLength(payload) : largeBytes(payload).byteLength;
}

/** Below this many characters a text is checked for ASCII in JavaScript (every task's URL is). */
const SHORT_TEXT = 256;

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

export function toBytes(payload: Uint8Array | string | undefined): Uint8Array | undefined {
  if (payload === undefined) return undefined;
  if (typeof payload !== 'string') return payload;
  return payload.length < LARGE_TEXT ? Buffer.from(payload) : largeBytes(payload);
}

/** From this many characters a text is encoded once and its bytes shared (a task's payload is never written to). */
const LARGE_TEXT = 4096;
let lastText = '';
let lastBytes: Uint8Array = new Uint8Array(0);

/** The same large payload added again and again (a fuzz campaign probing TASK-3) is encoded once. */
function largeBytes(text: string): Uint8Array {
  if (text !== lastText) {
    lastBytes = Buffer.from(text);
    lastText = text;
  }
  return lastBytes;
}
