import type { ProfileOptions, RetryParameters } from './config.js';
import type { Micros } from '../sim/time.js';

/** What a task has done so far, as far as RETRY-1/2 (and PULL-10) care. */
export interface AttemptHistory {
  /** Failed attempts that count against task_retry_limit (all failures, less uncounted 503s, SPEC §10). */
  countedFailures: number;
  createdAt: Micros;
  /** -1 (or any negative) before the first attempt: the task has no age yet. */
  firstAttemptAt: Micros;
}

/**
 * RETRY-1/2/5: after a failure at `now`, may the task be retried? Unset limits never stop it; with
 * both limits set, retrying continues until *both* are exceeded. RETRY-2: the age limit is exceeded
 * only past it — a failure at an age exactly equal to task_age_limit is still retried (the stubs'
 * `age_limit >= age`).
 */
export function mayRetry(
  retry: Pick<RetryParameters, 'taskRetryLimit' | 'taskAgeLimitUs'>,
  options: Pick<ProfileOptions, 'retryLimitMeans' | 'ageFrom'>,
  history: AttemptHistory,
  now: Micros,
): boolean {
  return mayRetryAfter(retry, options, history.countedFailures, history.createdAt, history.firstAttemptAt, now);
}

/** `mayRetry` with the history's facts one by one (the push path builds no history object per failure). */
export function mayRetryAfter(
  retry: Pick<RetryParameters, 'taskRetryLimit' | 'taskAgeLimitUs'>,
  options: Pick<ProfileOptions, 'retryLimitMeans' | 'ageFrom'>,
  countedFailures: number,
  createdAt: Micros,
  firstAttemptAt: Micros,
  now: Micros,
): boolean {
  const countExceeded =
    retry.taskRetryLimit === undefined ? undefined : retryCountReached(retry.taskRetryLimit, options, countedFailures);
  const ageExceeded =
    retry.taskAgeLimitUs === undefined
      ? undefined
      : taskAge(options, createdAt, firstAttemptAt, now) > retry.taskAgeLimitUs;
  if (countExceeded === undefined && ageExceeded === undefined) return true;
  if (countExceeded === undefined) return !ageExceeded;
  if (ageExceeded === undefined) return !countExceeded;
  return !(countExceeded && ageExceeded);
}

/** RETRY-2 / SPEC §10: age from the first attempt (0 before it), or from creation. */
function taskAge(
  options: Pick<ProfileOptions, 'ageFrom'>,
  createdAt: Micros,
  firstAttemptAt: Micros,
  now: Micros,
): Micros {
  if (options.ageFrom === 'creation') return now - createdAt;
  return firstAttemptAt < 0 ? 0 : now - firstAttemptAt;
}

/** `retries`: N retries, so N+1 attempts in all (legacy). `attempts`: N attempts (Cloud Tasks maxAttempts). */
function retryCountReached(limit: number, options: Pick<ProfileOptions, 'retryLimitMeans'>, failures: number): boolean {
  return options.retryLimitMeans === 'retries' ? failures > limit : failures >= limit;
}
