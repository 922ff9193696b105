/**
 * Queue configuration after queue.yaml is read and the documented defaults are applied (CFG-1/2),
 * and the profile options of SPEC §10. Everything the engine and the checkers need is here, so the
 * trace's `config` event alone is enough to judge a trace.
 *
 * Types only. They live beside the trace schema (events.ts) because the `config` event carries them;
 * src/model reads them from here (src/model/config.ts re-exports them under their old name).
 */
import type { Micros } from './time.js';

export type QueueMode = 'push' | 'pull';
export type ScalingType = 'automatic' | 'basic' | 'manual' | 'flexible';
export type ProfileName = 'appengine' | 'cloud-tasks';

export interface RetryParameters {
  /** RETRY-1: undefined means unlimited. */
  taskRetryLimit?: number;
  /** RETRY-2: undefined means no age limit. */
  taskAgeLimitUs?: Micros;
  minBackoffUs: Micros; // RETRY-3, default 0.1 s
  maxBackoffUs: Micros; // RETRY-3, default 3600 s
  maxDoublings: number; // RETRY-3, default 16
}

export interface QueueConfig {
  name: string;
  mode: QueueMode;
  /** Tokens per second (PUSH-2); 0 pauses the queue (PUSH-8). */
  ratePerSec: number;
  /** The rate as written, for messages and reports. */
  rate: string;
  bucketSize: number;
  /** PUSH-3: undefined means no cap. */
  maxConcurrentRequests?: number;
  target?: string;
  retry: RetryParameters;
}

/** The readings of SPEC §10, chosen per profile. */
export interface ProfileOptions {
  /** `double` = 2^D·min per linear step (default); `half` = 2^(D−1)·min (older legacy page). */
  backoffLinearStep: 'double' | 'half';
  /** Whether a 503 from the handler counts against the retry limit. */
  handler503Counts: boolean;
  /** `retries`: N retries, N+1 attempts (legacy). `attempts`: N attempts (Cloud Tasks maxAttempts). */
  retryLimitMeans: 'retries' | 'attempts';
  /** Task age measured from the first attempt (default) or from creation. */
  ageFrom: 'first-attempt' | 'creation';
  /** Whether a missed deadline counts as an execution (HDR-4) — production captures say no. */
  deadlineCountsAsExecution: boolean;
  /** HDR-4 / CT-5: whether a handler's 5xx answer counts in ExecutionCount (Cloud Tasks leaves them out). */
  executionCounts5xx: boolean;
  /** HDR-5: the ETA header on a retry carries the retry's ETA (Python stub) or the original ETA (Java stub). */
  retryEtaHeader: 'retry' | 'original';
  /** TASK-2: how long a deleted or completed name stays tombstoned. */
  tombstoneUs: Micros;
}

export interface ResolvedConfig {
  profile: ProfileName;
  options: ProfileOptions;
  queues: QueueConfig[];
  /** The service's scaling type and the request deadline it implies (DEADLINE-1). */
  scaling: ScalingType;
  deadlineUs: Micros;
}
