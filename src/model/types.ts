/** The engine's public vocabulary: what goes in (tasks, leases, service models) and what comes out. */
import type { Micros } from '../sim/time.js';
import type { PushRequest } from '../sim/exchange.js';
import type { RuleId } from '../rules/index.js';
import type { RefusalCode } from './errors.js';

/** A task as the creating app adds it (TASK-1…3, PUSH-1/4, HANDLER-6). */
export interface NewTask {
  /** TASK-1; omitted → a system-generated unique name (HDR-2). */
  name?: string;
  /** The body bytes. Simulations may give only `size` to model a payload without holding it. */
  payload?: Uint8Array | string;
  size?: number;
  /** Absolute ETA in virtual µs, or a countdown from now (PUSH-4). */
  etaUs?: Micros;
  countdownUs?: Micros;
  /** PUSH-1: default POST. */
  method?: string;
  /** PUSH-1: default `/_ah/queue/<queue-name>`. */
  url?: string;
  /** Extra request headers the task carries (e.g. Content-Type; HANDLER-6). */
  headers?: Record<string, string>;
  /** Pull tasks (PULL-6). */
  tag?: string;
  /** HDR-8 / INST-3. */
  failFast?: boolean;
  /** CT-2 `dispatchDeadline`: this task's request deadline, instead of the service's (DEADLINE-1). */
  deadlineUs?: Micros;
}

export interface AddResult {
  ok: boolean;
  name?: string;
  id?: number;
  /** When refused: the rule, a code (ALREADY_EXISTS, TOMBSTONED, INVALID_ARGUMENT) and a message. */
  rule?: RuleId;
  code?: RefusalCode;
  error?: string;
}

/**
 * One attempt the queue makes at a push target (PUSH-1, HDR-1…8): the request, with the attempt's
 * identity and its deadline. What comes back is a `PushAnswer` (`Engine.complete`).
 */
export interface Delivery extends PushRequest {
  /** Identifies this attempt for `Engine.complete`. */
  key: number;
  id: number;
  queue: string;
  name: string;
  /** 1-based attempt number (RetryCount + 1). */
  attempt: number;
  /** The request deadline in virtual µs (DEADLINE-1). */
  deadlineUs: Micros;
  /** True for a rare duplicate of a task that already succeeded (HANDLER-4). */
  duplicate: boolean;
}

export interface LeaseRequest {
  worker: string;
  leaseSeconds: number;
  maxTasks: number;
  /** PULL-6: lease only tasks with this tag; `byTag` with no tag → the oldest available task's tag. */
  tag?: string;
  byTag?: boolean;
}

export interface LeasedTask {
  id: number;
  name: string;
  tag?: string;
  payload?: Uint8Array;
  size: number;
  /** The lease's end: also the task's new ETA. Pass it back to modify or delete as proof of holding. */
  leaseUntilUs: Micros;
  leaseCount: number;
}

export type LeaseResult =
  | { ok: true; tasks: LeasedTask[]; capped: boolean }
  | { ok: false; error: 'TransientError' | 'DeadlineExceededError'; rule: RuleId };

export type ServiceTime =
  | { dist: 'constant'; us: Micros }
  | { dist: 'exponential'; meanUs: Micros }
  | { dist: 'lognormal'; medianUs: Micros; sigma: number };

export interface StatusWeight {
  status: number;
  weight: number;
}

/** The service behind a push queue's target (INST-1…3): instances and, for scripted targets, behaviour. */
export interface ServiceModel {
  /** Most instances that may run; Infinity for no limit. */
  maxInstances: number;
  /** Instances warm at start. */
  minInstances: number;
  concurrencyPerInstance: number;
  coldStartUs: Micros;
  /**
   * INST-3: how long a request may wait for a busy or starting instance before it fails as INST-2
   * (default 10 s, DEFAULT_PENDING_LATENCY_US). FailFast requests never wait.
   */
  pendingLatencyUs?: Micros;
  /** Windows [startUs, endUs) (relative to the epoch) in which no instance is available. */
  outages: { startUs: Micros; endUs: Micros }[];
  /** Scripted behaviour; unused when deliveries go to an external target. */
  serviceTime: ServiceTime;
  statuses: StatusWeight[];
  /** Probability that a task that succeeded is delivered once more (HANDLER-4). */
  duplicateRate: number;
}

export const UNLIMITED_SERVICE: ServiceModel = {
  maxInstances: Infinity,
  minInstances: 0,
  concurrencyPerInstance: Infinity,
  coldStartUs: 0,
  outages: [],
  serviceTime: { dist: 'constant', us: 0 },
  statuses: [{ status: 200, weight: 1 }],
  duplicateRate: 0,
};
