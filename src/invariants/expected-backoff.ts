/**
 * RETRY-4, written again from SPEC for the checkers (SPEC §9: never the engine's formula). The delay
 * before retry n (n = 1 for the first retry), with D = max_doublings:
 *   delay(n) = min(max_backoff, min_backoff · 2^min(n−1, D) · max(1, n − D))
 * The exponent never passes 1023, so the delay is finite and between min and max for any D and n.
 * SPEC §10's older legacy reading steps by 2^(D−1)·min instead of 2^D·min once the doubling stops.
 */
import type { RetryParameters } from '../model/config.js';

/** RETRY-4: the exponent cap of Google's stubs. */
export const MAX_BACKOFF_EXPONENT = 1023;

export type Backoff = Pick<RetryParameters, 'minBackoffUs' | 'maxBackoffUs' | 'maxDoublings'>;

/** The delay in whole microseconds (the trace's unit) before retry `n` ≥ 1. */
export function expectedBackoffUs(n: number, b: Backoff, step: 'double' | 'half'): number {
  const min = b.minBackoffUs;
  const d = b.maxDoublings;
  const doublings = Math.min(n - 1, d, MAX_BACKOFF_EXPONENT);
  const doubled = min * 2 ** doublings; // the delay when the doubling stops
  const linearSteps = n - 1 - d; // retries past the last doubling
  let delay = doubled;
  if (linearSteps > 0) {
    const stepSize = step === 'double' ? doubled : min * 2 ** Math.min(d - 1, MAX_BACKOFF_EXPONENT);
    delay = doubled + linearSteps * stepSize;
  }
  return Math.round(Math.min(b.maxBackoffUs, delay));
}
