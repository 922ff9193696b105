/**
 * Cloud Tasks' queue defaults and its derived burst size, apart from the API's message codec so
 * that the fuzzer's config draws (src/fuzz/config-arb.ts) can use them without loading gRPC.
 */
import { US_PER_S } from '../sim/time.js';

/** Cloud Tasks' documented defaults and bounds (CT-1; backoffs as RETRY-3). */
export const CT_DEFAULTS = {
  maxDispatchesPerSecond: 500,
  maxConcurrentDispatches: 1000,
  maxAttempts: 100,
  minBackoffUs: 0.1 * US_PER_S,
  maxBackoffUs: 3600 * US_PER_S,
  maxDoublings: 16,
} as const;

/**
 * CT-1: `maxBurstSize` is output only and derived from the rate. Our reading: one second of
 * dispatches, at least 1 and at most 100 (the burst Cloud Tasks reports for its default 500/s).
 */
export function burstSizeFor(ratePerSec: number): number {
  return Math.min(100, Math.max(1, Math.ceil(ratePerSec)));
}
