import type { ProfileOptions, RetryParameters } from './config.js';
import type { Micros } from '../sim/time.js';

/** RETRY-4: the exponent is capped as Google's stubs cap it, so 2^e stays finite (2^1024 is Infinity). */
export const MAX_BACKOFF_EXPONENT = 1023;

/**
 * RETRY-4: the delay before retry n (n = 1 for the first retry), D = max_doublings:
 *   delay(n) = min(max_backoff, min_backoff · 2^min(n−1, D, 1023) · max(1, n − D))
 * i.e. doubling D times, then growing linearly by 2^D·min per retry. The older legacy reading
 * (SPEC §10) grows by 2^(D−1)·min instead. With the exponent capped, every delay is a finite
 * number from min to max (RETRY-3 keeps min ≤ max), whatever D and n are.
 */
export function backoffDelay(
  n: number,
  retry: Pick<RetryParameters, 'minBackoffUs' | 'maxBackoffUs' | 'maxDoublings'>,
  step: ProfileOptions['backoffLinearStep'] = 'double',
): Micros {
  if (!(n >= 1 && Number.isFinite(n))) throw new RangeError(`retry number must be a finite number >= 1, got ${n}`);
  const { minBackoffUs: min, maxBackoffUs: max, maxDoublings: d } = retry;
  const doubled = min * 2 ** Math.min(n - 1, d, MAX_BACKOFF_EXPONENT);
  const linear = Math.max(0, n - 1 - d); // retries past the doublings
  const raw =
    step === 'double' ? doubled * (linear + 1) : doubled + linear * min * 2 ** Math.min(d - 1, MAX_BACKOFF_EXPONENT);
  // min·2^1023 may still overflow to Infinity; the cap at max keeps the delay finite.
  return Math.round(Math.max(min, Math.min(max, raw)));
}
