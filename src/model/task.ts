import type { Outcome } from '../sim/events.js';
import type { Micros } from '../sim/time.js';
import { systemTaskName } from './names.js';

/** What only some tasks carry; kept out of the table's columns so a million plain tasks stay small. */
export interface TaskExtras {
  payload?: Uint8Array;
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  tag?: string;
  /** CT-2 `dispatchDeadline` (external deliveries only). */
  deadlineUs?: Micros;
}

const ADDED = 1;
/** Gone for good: succeeded, exhausted or deleted. */
const DONE = 2;
/** A rare second delivery of a task that already succeeded (HANDLER-4). */
const DUP = 4;
const FAIL_FAST = 8;

/** A task's last failure, as a byte (its index here): 0 while it has none. */
const OUTCOMES: readonly (Outcome | null)[] = [null, 'ok', 'error', 'no-instance', 'deadline', 'net'];

const INITIAL_ROWS = 64;
/** Bytes per task across the columns: seven Float64, five Int32, two Uint8. */
const ROW_BYTES = 7 * 8 + 5 * 4 + 2;

/**
 * Every task of one engine, by id (ids are dense, from 1), as typed-array columns rather than an
 * object per task: a million live tasks are a few flat arrays the garbage collector never traces or
 * copies, where a million records were most of a burst's cost. Only what few tasks carry (a user's
 * name, a payload, a URL…) lives in maps, until the task's row is released.
 */
export class TaskTable {
  /** The ETA of the next attempt (or, for a pull task, when it is next available). */
  eta!: Float64Array;
  /** -1 until the first attempt (RETRY-2 measures age from it). */
  firstAttempt!: Float64Array;
  createdAt!: Float64Array;
  /** The ETA given at add (HDR-5's original ETA, an option for retries). */
  firstEta!: Float64Array;
  size!: Float64Array;
  /** Pull queues: the current lease's end (-1 when none is held). */
  leaseUntil!: Float64Array;
  /** The HTTP status of the last failure (HDR-6: 0 when it got none). */
  prevStatus!: Float64Array;
  /** Attempts dispatched so far (push) or leases taken (pull). */
  attempts!: Int32Array;
  /** Failures counted against task_retry_limit (SPEC §10: 503s may not count). */
  counted!: Int32Array;
  /** Failures that reached the handler (HDR-4). */
  executions!: Int32Array;
  /** Pull queues: a version of the lease, to spot stale expiries. */
  leaseVersion!: Int32Array;
  /** The engine's index of the task's queue. */
  queue!: Int32Array;
  private prevOutcomes!: Uint8Array;
  private flags!: Uint8Array;
  /** Every column's bytes at once (they share one buffer). */
  private all!: Uint8Array;
  /** User-given names (TASK-1); every other task has a system name derived from its id (HDR-2). */
  private readonly names = new Map<number, string>();
  private readonly extras = new Map<number, TaskExtras>();

  constructor() {
    this.allocate(INITIAL_ROWS);
  }

  /** Rows the columns hold now. */
  get rows(): number {
    return this.eta.length;
  }

  /** Back to a new table's state, keeping the columns' room (spares.ts): every row zero, no names, no extras. */
  clear(): void {
    this.all.fill(0);
    this.names.clear();
    this.extras.clear();
  }

  /** Enters task `id`, due at `eta`, with no attempt yet. */
  add(
    id: number,
    queue: number,
    name: string | null,
    createdAt: Micros,
    eta: Micros,
    size: number,
    failFast: boolean,
    extra: TaskExtras | null,
  ): void {
    if (id >= this.eta.length) this.grow(id);
    this.eta[id] = eta;
    this.firstAttempt[id] = -1;
    this.createdAt[id] = createdAt;
    this.firstEta[id] = eta;
    this.size[id] = size;
    this.leaseUntil[id] = -1;
    this.queue[id] = queue;
    this.flags[id] = failFast ? ADDED | FAIL_FAST : ADDED;
    if (name !== null) this.names.set(id, name);
    if (extra !== null) this.extras.set(id, extra);
  }

  /** Added and not yet gone. */
  isLive(id: number): boolean {
    return (this.flags[id] & (ADDED | DONE)) === ADDED;
  }

  isDone(id: number): boolean {
    return (this.flags[id] & DONE) !== 0;
  }

  isDup(id: number): boolean {
    return (this.flags[id] & DUP) !== 0;
  }

  failFast(id: number): boolean {
    return (this.flags[id] & FAIL_FAST) !== 0;
  }

  markDone(id: number): void {
    this.flags[id] |= DONE;
  }

  /**
   * HANDLER-4: the task, which has succeeded, is delivered once more, due at `now`. The duplicate
   * takes the task's row: the task itself is gone and waits nowhere, and it has at most one duplicate.
   */
  markDuplicate(id: number, now: Micros): void {
    this.flags[id] |= DUP;
    this.eta[id] = now;
  }

  /** The user's name (TASK-1), or undefined for a task with a system name. */
  userName(id: number): string | undefined {
    return this.names.size > 0 ? this.names.get(id) : undefined;
  }

  /** The task's name (HDR-2): system names are made on demand, saving a string per task. */
  nameOf(id: number): string {
    return this.userName(id) ?? systemTaskName(id);
  }

  extra(id: number): TaskExtras | undefined {
    return this.extras.size > 0 ? this.extras.get(id) : undefined;
  }

  /** The outcome of the task's last failed attempt, null before any. */
  prevOutcome(id: number): Outcome | null {
    return OUTCOMES[this.prevOutcomes[id]];
  }

  setPrevOutcome(id: number, out: Outcome): void {
    // Found by comparing: a lookup in an object by the outcome's name (a varying key) is a slow one.
    let code = OUTCOMES.length - 1;
    while (code > 0 && OUTCOMES[code] !== out) code--; // 0 (none) for what is no outcome, as before
    this.prevOutcomes[id] = code;
  }

  /**
   * The task is gone and nothing will read its row again (no attempt of it waits or runs): its name
   * and extras go, so a long-running emulator of named tasks does not keep them all.
   */
  release(id: number): void {
    if (this.names.size > 0) this.names.delete(id);
    if (this.extras.size > 0) this.extras.delete(id);
  }

  /**
   * Makes room for ids up to `id` at once: a burst that says how many tasks it adds spares the table
   * its doublings, each a copy of every column (a tenth of a million-task burst's time).
   */
  reserve(id: number): void {
    if (id >= this.eta.length) this.resize(id + 1);
  }

  /** Makes room for task `id`: every column doubles until it fits. */
  private grow(id: number): void {
    let n = this.eta.length * 2;
    while (n <= id) n *= 2;
    this.resize(n);
  }

  private resize(n: number): void {
    const { eta, firstAttempt, createdAt, firstEta, size, leaseUntil, prevStatus } = this;
    const { attempts, counted, executions, leaseVersion, queue, prevOutcomes, flags } = this;
    this.allocate(n);
    this.eta.set(eta);
    this.firstAttempt.set(firstAttempt);
    this.createdAt.set(createdAt);
    this.firstEta.set(firstEta);
    this.size.set(size);
    this.leaseUntil.set(leaseUntil);
    this.prevStatus.set(prevStatus);
    this.attempts.set(attempts);
    this.counted.set(counted);
    this.executions.set(executions);
    this.leaseVersion.set(leaseVersion);
    this.queue.set(queue);
    this.prevOutcomes.set(prevOutcomes);
    this.flags.set(flags);
  }

  /**
   * Every column of `rows` rows, zeroed, as views of one buffer: one backing store per table rather
   * than one per column (each is a native allocation, and an engine per fuzz run made fourteen).
   */
  private allocate(rows: number): void {
    const buffer = new ArrayBuffer(rows * ROW_BYTES);
    this.all = new Uint8Array(buffer);
    let at = 0;
    const f64 = (): Float64Array => {
      const column = new Float64Array(buffer, at, rows);
      at += rows * 8;
      return column;
    };
    const i32 = (): Int32Array => {
      const column = new Int32Array(buffer, at, rows);
      at += rows * 4;
      return column;
    };
    const u8 = (): Uint8Array => {
      const column = new Uint8Array(buffer, at, rows);
      at += rows;
      return column;
    };
    // Widest first, so every view starts aligned to its element size.
    this.eta = f64();
    this.firstAttempt = f64();
    this.createdAt = f64();
    this.firstEta = f64();
    this.size = f64();
    this.leaseUntil = f64();
    this.prevStatus = f64();
    this.attempts = i32();
    this.counted = i32();
    this.executions = i32();
    this.leaseVersion = i32();
    this.queue = i32();
    this.prevOutcomes = u8();
    this.flags = u8();
  }
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
  if (payload.length <= SMALL_TEXT) return smallBytes(payload);
  return payload.length < LARGE_TEXT ? Buffer.from(payload) : largeBytes(payload);
}

/** Up to this many characters a text's bytes are kept, by text, and shared (a task's payload is never written to). */
const SMALL_TEXT = 64;
/** … for this many distinct texts at most: then the kept ones go and keeping starts over. */
const SMALL_TEXTS_KEPT = 256;
const smallTexts = new Map<string, Uint8Array>();

/** The same few short payloads added again and again (a fuzz run's, a workload's) are encoded once each. */
function smallBytes(text: string): Uint8Array {
  let bytes = smallTexts.get(text);
  if (bytes === undefined) {
    if (smallTexts.size >= SMALL_TEXTS_KEPT) smallTexts.clear();
    bytes = Buffer.from(text);
    smallTexts.set(text, bytes);
  }
  return bytes;
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
