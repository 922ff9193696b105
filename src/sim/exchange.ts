/**
 * One request and one answer: what a queue sends a push handler and what comes back. The engine's
 * external mode, the targets, the conformance driver, serve's deliveries and the queue-under-test
 * contract all speak these two types, so a delivery crosses every edge without being copied into
 * another shape. Times are µs (virtual on a controlled clock, real otherwise).
 */
import type { Outcome } from './events.js';
import type { Micros } from './time.js';

/** One HTTP request to a push handler (PUSH-1, HDR-1…8, HANDLER-6). */
export interface PushRequest {
  method: string;
  /** The task's URL: a path and query (`/_ah/queue/default`, PUSH-1), or an absolute URL (CT-2 HTTP tasks). */
  url: string;
  headers: Record<string, string>;
  /** The body bytes; absent when the task carries none. */
  body?: Uint8Array;
  /** Clock-controlled queues: the virtual time of the dispatch, µs since the run's zero. */
  atUs?: Micros;
  /** The request deadline (DEADLINE-1, or CT-2's dispatchDeadline); absent: the receiver's default. */
  deadlineUs?: Micros;
}

/** What an answer can report; `no-instance` belongs to the model's instances (INST-2), never to a handler. */
export type AnswerOutcome = Exclude<Outcome, 'no-instance'>;

/**
 * What came back for one request. `ok`/`error`: a status came back (2xx or not, 3xx included, PUSH-6);
 * `net`: no HTTP answer (reset, refused, garbage), status 0; `deadline`: no answer in time (DEADLINE-2).
 */
export interface PushAnswer {
  /** The HTTP status; 0 when there was none (net, deadline). */
  status: number;
  outcome: AnswerOutcome;
  /** From sending to the end of the answer; clock-controlled queues apply it in virtual time. */
  latencyUs: Micros;
  /** CT-5: a 429 or 503's Retry-After: the next attempt comes no sooner than this, µs after the answer. */
  retryAfterUs?: Micros;
  /** Why, when it is not a plain status: 'ECONNREFUSED', 'timed out after 30s', 'not HTTP', … */
  detail?: string;
  /** Response body bytes read (and discarded, HANDLER-5); reading stops at a cap. */
  bodyBytes?: number;
  /** Set when no connection could be made at all (refused, no such host): the CLI's exit 3. */
  unreachable?: boolean;
}
