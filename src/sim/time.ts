// Virtual time is an integer count of microseconds: exact arithmetic, and HDR-5's six
// fractional digits fall out of it without rounding.
export type Micros = number;

export const US_PER_MS = 1_000;
export const US_PER_S = 1_000_000;
export const US_PER_M = 60 * US_PER_S;
export const US_PER_H = 60 * US_PER_M;
export const US_PER_D = 24 * US_PER_H;

/** The virtual clock's epoch: a fixed instant, never the wall clock (INV-DET). 2026-01-01T00:00:00Z. */
export const DEFAULT_EPOCH_US: Micros = 1_767_225_600 * US_PER_S;

const UNIT_US: Record<string, number> = { ms: US_PER_MS, s: US_PER_S, m: US_PER_M, h: US_PER_H, d: US_PER_D };

/** Parses `1.5s`, `250ms`, `2m`, `1h`, `9d`, or a bare number of seconds. Returns undefined when malformed. */
export function parseDuration(text: string | number): Micros | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? Math.round(text * US_PER_S) : undefined;
  const m = /^\s*([0-9]+(?:\.[0-9]*)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNIT_US[m[2] ?? 's']);
}

export function secondsToMicros(s: number): Micros {
  return Math.round(s * US_PER_S);
}

/** Seconds since the epoch with exactly six fractional digits (HDR-5). */
export function formatEpochSeconds(us: Micros): string {
  // The last two answers are remembered, the latest first: a burst's first attempts all carry one ETA,
  // a million times over, between retries that each carry their own.
  if (us === recentUs[0]) return recentText[0];
  const text = us === recentUs[1] ? recentText[1] : epochSecondsText(us);
  recentUs[1] = recentUs[0];
  recentText[1] = recentText[0];
  recentUs[0] = us;
  recentText[0] = text;
  return text;
}
const recentUs = [Number.NaN, Number.NaN];
const recentText = ['', ''];

function epochSecondsText(us: Micros): string {
  const whole = Math.floor(us / US_PER_S);
  const frac = us - whole * US_PER_S;
  if (whole !== lastWhole) {
    lastWhole = whole;
    lastWholeText = String(whole);
  }
  // Whole µs (virtual time is integer): two three-digit groups from a table, no number printing.
  if (Number.isInteger(frac)) return `${lastWholeText}.${DIGITS3[(frac / 1000) | 0]}${DIGITS3[frac % 1000]}`;
  return `${lastWholeText}.${String(frac).padStart(6, '0')}`;
}
let lastWhole = Number.NaN;
let lastWholeText = '';
const DIGITS3: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

export function formatDuration(us: Micros): string {
  if (us < US_PER_MS) return `${us}µs`;
  if (us < US_PER_S) return `${+(us / US_PER_MS).toFixed(3)}ms`;
  if (us < US_PER_M) return `${+(us / US_PER_S).toFixed(3)}s`;
  if (us < US_PER_H) return `${+(us / US_PER_M).toFixed(2)}m`;
  if (us < US_PER_D) return `${+(us / US_PER_H).toFixed(2)}h`;
  return `${+(us / US_PER_D).toFixed(2)}d`;
}
