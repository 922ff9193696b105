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

/** One task in a queue. `t`/`seq` order it in its queue's ETA heap (PUSH-5). */
export interface TaskRecord {
  t: Micros;
  seq: number;
  id: number;
  queue: string;
  /** The user's name (TASK-1), or null for a system name derived from the id (see nameOf). */
  name: string | null;
  createdAt: Micros;
  /** The ETA given at add (HDR-5's original ETA, an option for retries). */
  firstEta: Micros;
  /** -1 until the first attempt (RETRY-2 measures age from it). */
  firstAttemptAt: Micros;
  /** Attempts dispatched so far (push) or leases taken (pull). */
  attempts: number;
  /** Failures counted against task_retry_limit (SPEC §10: 503s may not count). */
  counted: number;
  /** Failures that reached the handler (HDR-4). */
  executions: number;
  prevStatus: number;
  prevOutcome: Outcome | null;
  size: number;
  failFast: boolean;
  /** Gone for good: succeeded, exhausted or deleted. */
  done: boolean;
  /** A rare second delivery of a task that already succeeded (HANDLER-4). */
  dup: boolean;
  extra: TaskExtras | null;
  /** Pull queues: the current lease's end (-1 when none is held) and a version to spot stale expiries. */
  leaseUntil: Micros;
  leaseVersion: number;
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
