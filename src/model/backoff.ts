import type { ProfileOptions, RetryParameters } from './config.js';
import type { Micros } from '../sim/time.js';

/**
 * RETRY-4: the delay before retry n (n = 1 for the first retry), D = max_doublings:
 *   delay(n) = min(max_backoff, min_backoff · 2^min(n−1, D) · max(1, n − D))
 * i.e. doubling D times, then growing linearly by 2^D·min per retry. The older legacy reading
 * (SPEC §10) grows by 2^(D−1)·min instead.
 */
export function backoffDelay(
  n: number,
  retry: Pick<RetryParameters, 'minBackoffUs' | 'maxBackoffUs' | 'maxDoublings'>,
  step: ProfileOptions['backoffLinearStep'] = 'double',
): Micros {
  if (!(n >= 1)) throw new RangeError(`retry number must be >= 1, got ${n}`);
  const { minBackoffUs: min, maxBackoffUs: max, maxDoublings: d } = retry;
  const doubled = min * 2 ** Math.min(n - 1, d);
  const raw =
    step === 'double' ? doubled * Math.max(1, n - d) : doubled + Math.max(0, n - 1 - d) * min * 2 ** (d - 1);
  return Math.round(Math.min(max, raw));
}
