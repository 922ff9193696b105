/**
 * The trace schema: everything that happens is one of these events (DESIGN: the trace is the
 * truth). Invariant checkers and reports read only these. Times are virtual microseconds since
 * the run's epoch (see the `config` event). Keys are short because a 1M-task run writes millions.
 */
import type { ResolvedConfig } from './queue-config.js';
import type { RuleId } from '../rules/index.js';

/** How an attempt ended. `ok`: 2xx. `error`: the handler answered a non-2xx (3xx included, PUSH-6).
 *  `no-instance`: failed before the handler (INST-2). `deadline`: missed DEADLINE-1. `net`: connection
 *  failure, reset or garbage (HANDLER-2). */
export type Outcome = 'ok' | 'error' | 'no-instance' | 'deadline' | 'net';

/**
 * The one status classifier (HANDLER-1/2, PUSH-6): an HTTP answer is `ok` when its status is 2xx and an `error`
 * otherwise, 3xx included. The invariant checkers keep their own statement of it, as a second implementation.
 */
export function outcomeOfStatus(status: number): 'ok' | 'error' {
  return status >= 200 && status <= 299 ? 'ok' : 'error';
}

/**
 * HDR-2: a task added without a name gets this prefix and its id as its name. The trace writes such a
 * name out in full; its encoder (trace-codec.ts) can make the same bytes from the id alone.
 */
export const SYSTEM_NAME_PREFIX = 'auto-';

/** The X-AppEngine headers of one delivery, as sent or as observed (HDR-1…8). */
export interface DeliveryHeaders {
  qn: string; // X-AppEngine-QueueName
  tn: string; // X-AppEngine-TaskName
  rc: string; // X-AppEngine-TaskRetryCount
  ec: string; // X-AppEngine-TaskExecutionCount
  eta: string; // X-AppEngine-TaskETA
  pr?: string; // X-AppEngine-TaskPreviousResponse
  rr?: string; // X-AppEngine-TaskRetryReason
  ff?: string; // X-AppEngine-FailFast
}

export interface ConfigEvent {
  t: number;
  e: 'config';
  seed: number;
  epochUs: number;
  config: ResolvedConfig;
}
export interface AddEvent {
  t: number;
  e: 'add';
  id: number;
  q: string;
  name: string;
  named: boolean;
  eta: number;
  size: number;
  tag?: string;
  ff?: boolean;
  /** CT-2: the task's own request deadline in µs, when it has one (else the config's). */
  dl?: number;
}
export interface RejectEvent {
  t: number;
  e: 'reject';
  q: string;
  name?: string;
  reason: string;
  rule: RuleId;
}
export interface DispatchEvent {
  t: number;
  e: 'dispatch';
  id: number;
  q: string;
  n: number;
  h: DeliveryHeaders;
  dup?: boolean;
}
export interface ResponseEvent {
  t: number;
  e: 'response';
  id: number;
  q: string;
  n: number;
  status: number;
  out: Outcome;
  lat: number;
  /** CT-5: the earliest next attempt a 429/503's Retry-After asked for, µs after this response. */
  ra?: number;
}
export interface RetryEvent {
  t: number;
  e: 'retry';
  id: number;
  q: string;
  n: number;
  eta: number;
}
export interface SuccessEvent {
  t: number;
  e: 'success';
  id: number;
  q: string;
  n: number;
}
export interface ExhaustEvent {
  t: number;
  e: 'exhaust';
  id: number;
  q: string;
  n: number;
  rule: RuleId;
}
export interface DeleteEvent {
  t: number;
  e: 'delete';
  id: number;
  q: string;
}
export interface RateEvent {
  t: number;
  e: 'rate';
  q: string;
  rate: number;
}
export interface PauseEvent {
  t: number;
  e: 'pause' | 'resume';
  q: string;
}
export interface OutageEvent {
  t: number;
  e: 'outage';
  on: boolean;
}
export interface InstanceEvent {
  t: number;
  e: 'instance';
  count: number;
}
export interface LeaseCallEvent {
  t: number;
  e: 'lease-call';
  q: string;
  w: string;
  max: number;
  secs: number;
  tag?: string;
  got: number;
  result: 'ok' | 'capped' | 'transient';
}
export interface LeaseEvent {
  t: number;
  e: 'lease';
  id: number;
  q: string;
  w: string;
  until: number;
  n: number;
}
export interface ModifyEvent {
  t: number;
  e: 'modify';
  id: number;
  q: string;
  until: number;
}
export interface ExpireEvent {
  t: number;
  e: 'expire';
  id: number;
  q: string;
}
/** CT-4: the task was made due now by RunTask; its next dispatch is this instant, whatever its ETA. */
export interface RunEvent {
  t: number;
  e: 'run';
  id: number;
  q: string;
}
export interface EndEvent {
  t: number;
  e: 'end';
  reason: 'idle' | 'time-limit' | 'event-limit' | 'stopped';
}

export type TraceEvent =
  | ConfigEvent
  | AddEvent
  | RejectEvent
  | DispatchEvent
  | ResponseEvent
  | RetryEvent
  | SuccessEvent
  | ExhaustEvent
  | DeleteEvent
  | RateEvent
  | PauseEvent
  | OutageEvent
  | InstanceEvent
  | LeaseCallEvent
  | LeaseEvent
  | ModifyEvent
  | ExpireEvent
  | RunEvent
  | EndEvent;

export type EventType = TraceEvent['e'];
