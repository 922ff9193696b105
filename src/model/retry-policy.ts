import type { ProfileOptions, RetryParameters } from './config.js';
import type { Micros } from '../sim/time.js';

/** What a task has done so far, as far as RETRY-1/2 care. */
export interface AttemptHistory {
  /** Failed attempts that count against task_retry_limit (all failures, less uncounted 503s, SPEC §10). */
  countedFailures: number;
  createdAt: Micros;
  firstAttemptAt: Micros;
}

/**
 * RETRY-1/2/5: after a failure at `now`, may the task be retried? Unset limits never stop it; with
 * both limits set, retrying continues until *both* are reached.
 */
export function mayRetry(
  retry: Pick<RetryParameters, 'taskRetryLimit' | 'taskAgeLimitUs'>,
  options: Pick<ProfileOptions, 'retryLimitMeans' | 'ageFrom'>,
  history: AttemptHistory,
  now: Micros,
): boolean {
  const countReached = retry.taskRetryLimit === undefined ? undefined : retryCountReached(retry.taskRetryLimit, options, history.countedFailures);
  const start = options.ageFrom === 'creation' ? history.createdAt : history.firstAttemptAt;
  const ageReached = retry.taskAgeLimitUs === undefined ? undefined : now - start >= retry.taskAgeLimitUs;
  if (countReached === undefined && ageReached === undefined) return true;
  if (countReached === undefined) return !ageReached;
  if (ageReached === undefined) return !countReached;
  return !(countReached && ageReached);
}

/** `retries`: N retries, so N+1 attempts in all (legacy). `attempts`: N attempts (Cloud Tasks maxAttempts). */
function retryCountReached(limit: number, options: Pick<ProfileOptions, 'retryLimitMeans'>, failures: number): boolean {
  return options.retryLimitMeans === 'retries' ? failures > limit : failures >= limit;
}
