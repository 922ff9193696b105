/**
 * Allocation-free readers of header values (HDR-3…6) and a name fingerprint (HDR-2), so the header
 * checker can judge millions of deliveries without building the expected strings each time.
 */
import { nameHash } from '../sim/trace-decoder.js';

/** HDR-2: a task name's fingerprint, the one the checker thread's decoder computes over the bytes. */
export { nameHash };

/** True when `s` is the canonical decimal form of the integer `v` (no sign, no leading zero). */
export function isDecimalOf(s: unknown, v: number): boolean {
  return decimalValue(s) === v;
}

/** The value of a canonical non-negative decimal integer string, or -1 when `s` is not one. */
export function decimalValue(s: unknown): number {
  if (typeof s !== 'string') return -1;
  const len = s.length;
  if (len === 0 || len > 15 || (len > 1 && s.charCodeAt(0) === 48)) return -1;
  let v = 0;
  for (let i = 0; i < len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * HDR-5: reads seconds since the epoch as a decimal, `^\d+(\.\d+)?$` (the Java stub prints six
 * fraction digits, the Python stub `str(float)`: any number, or none), as integer microseconds,
 * rounded half up at the seventh fraction digit; NaN when malformed. Exact: epoch microseconds stay
 * far below 2^53.
 */
export function epochMicrosOf(s: unknown): number {
  if (typeof s !== 'string') return NaN;
  const len = s.length;
  let v = 0;
  let i = 0;
  for (; i < len && s.charCodeAt(i) !== 46; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9 || i >= 11) return NaN;
    v = v * 10 + d;
  }
  if (i === 0 || i === len - 1) return NaN; // no whole seconds, or a dot with no digit after it
  // The first six fraction digits accumulate as an integer, scaled once at the end (10 ** k per digit was a
  // Math.pow call each, most of this function's time).
  let frac = 0;
  let places = 0;
  let roundUp = 0;
  for (let j = i + 1; j < len; j++) {
    const d = s.charCodeAt(j) - 48;
    if (d < 0 || d > 9) return NaN;
    if (places < 6) frac = frac * 10 + d;
    else if (places === 6 && d >= 5) roundUp = 1;
    places++;
  }
  return v * 1_000_000 + frac * SCALE_TO_MICROS[places < 6 ? places : 6] + roundUp;
}

/** 10^(6 − k): what k fraction digits read as an integer are multiplied by to make microseconds. */
const SCALE_TO_MICROS = [1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];

/**
 * HDR-2: the key of a delivery's X-AppEngine-TaskName, as the decoder hands it to a borrowing sink:
 * nameHash of the name, or -1 when there is none (empty, absent, not a string, or no headers at all).
 */
export function taskNameKey(h: unknown): number {
  if (h === null || typeof h !== 'object') return -1;
  const tn = (h as { tn?: unknown }).tn;
  return typeof tn === 'string' && tn.length > 0 ? nameHash(tn) : -1;
}

/** A header value as it should read in a violation: quoted, or `absent`. */
export function shown(v: unknown): string {
  return v === undefined ? 'absent' : JSON.stringify(v);
}
