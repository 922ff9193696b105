/**
 * RETRY-1/2, written again from SPEC for the checkers (SPEC §9): may a task that just failed be
 * retried? task_retry_limit N is N retries (N+1 attempts) or, in Cloud Tasks' reading, N attempts
 * (SPEC §10). task_age_limit stops retries once the age passes it; a failure at an age exactly equal
 * to the limit is still retried. With both limits set, retrying goes on until both are passed.
 */
import type { RetryParameters } from '../model/config.js';

export type RetryLimits = Pick<RetryParameters, 'taskRetryLimit' | 'taskAgeLimitUs'>;

export function retryExpected(
  limits: RetryLimits,
  limitMeans: 'retries' | 'attempts',
  countedFailures: number,
  ageUs: number,
): boolean {
  const limit = limits.taskRetryLimit;
  const ageLimit = limits.taskAgeLimitUs;
  const countPassed =
    limit === undefined ? undefined : limitMeans === 'retries' ? countedFailures > limit : countedFailures >= limit;
  const agePassed = ageLimit === undefined ? undefined : ageUs > ageLimit;
  if (countPassed === undefined) return agePassed !== true;
  if (agePassed === undefined) return !countPassed;
  return !(countPassed && agePassed);
}
