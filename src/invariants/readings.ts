/**
 * The readings of SPEC §10 as the checkers apply them, taken from the trace's `config` event. Where
 * the event does not name a reading, the checkers fall back to SPEC's own default for the profile,
 * written here from SPEC and not taken from the engine's profile table (SPEC §9: the checkers are a
 * second implementation).
 */
import type { ResolvedConfig } from '../model/config.js';

export interface Readings {
  /** RETRY-4 / §10: the linear step after max_doublings, 2^D·min (`double`) or 2^(D−1)·min (`half`). */
  backoffLinearStep: 'double' | 'half';
  /** HANDLER-3 / §10: whether a handler's 503 counts against task_retry_limit. */
  handler503Counts: boolean;
  /** RETRY-1 / §10: task_retry_limit N means N retries (`retries`) or N attempts (`attempts`). */
  retryLimitMeans: 'retries' | 'attempts';
  /** RETRY-2 / §10: a task's age runs from its first attempt or from its creation. */
  ageFrom: 'first-attempt' | 'creation';
  /** HDR-4 / §10: whether a missed deadline counts as an execution. */
  deadlineCountsAsExecution: boolean;
  /** HDR-4 / CT-5: whether ExecutionCount leaves out every 5xx answer (Cloud Tasks). */
  executionCountExcludes5xx: boolean;
  /** HDR-5 / §10: the ETA header on a retry is the retry's ETA (`retry`) or the task's original ETA (`original`). */
  retryEtaHeader: 'retry' | 'original';
}

/** SPEC §10's defaults; the `cloud-tasks` profile reads RETRY-1 as maxAttempts (CT-1) and HDR-4 as CT-5 says. */
const DEFAULTS: Readings = {
  backoffLinearStep: 'double',
  handler503Counts: true,
  retryLimitMeans: 'retries',
  ageFrom: 'first-attempt',
  deadlineCountsAsExecution: false,
  executionCountExcludes5xx: false,
  retryEtaHeader: 'retry',
};
const CLOUD_TASKS: Partial<Readings> = { retryLimitMeans: 'attempts', executionCountExcludes5xx: true };

/** The choices each reading may take: a value outside them is ignored in favour of the default. */
const CHOICES: { [K in keyof Readings]: readonly Readings[K][] } = {
  backoffLinearStep: ['double', 'half'],
  handler503Counts: [true, false],
  retryLimitMeans: ['retries', 'attempts'],
  ageFrom: ['first-attempt', 'creation'],
  deadlineCountsAsExecution: [true, false],
  executionCountExcludes5xx: [true, false],
  retryEtaHeader: ['retry', 'original'],
};

export function readingsOf(config: Pick<ResolvedConfig, 'profile' | 'options'>): Readings {
  const given = (config.options ?? {}) as unknown as Record<string, unknown>;
  const out: Readings = { ...DEFAULTS, ...(config.profile === 'cloud-tasks' ? CLOUD_TASKS : {}) };
  // The trace's config names the 5xx reading from the engine's side (does a 5xx count?); the checkers ask the opposite.
  if (typeof given.executionCounts5xx === 'boolean') out.executionCountExcludes5xx = !given.executionCounts5xx;
  for (const key of Object.keys(CHOICES) as (keyof Readings)[]) {
    const v = given[key];
    if ((CHOICES[key] as readonly unknown[]).includes(v)) (out as unknown as Record<string, unknown>)[key] = v;
  }
  return out;
}
