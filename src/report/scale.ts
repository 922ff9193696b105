/**
 * Scales and tick choice for the SVG charts: "nice" linear ticks (1-2-5 steps), time ticks on human
 * steps (15 s, 1 min, 6 h…) with a clock-style label, and log ticks. Pure arithmetic, deterministic.
 */
import { formatCompact, formatDurationShort, trimNumber } from './format.js';

export interface Ticks {
  min: number;
  max: number;
  ticks: number[];
}

/** The 1-2-5 step that gives about `count` intervals over `span`. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
}

/** Ticks from min to max, the domain widened to whole steps (a y axis that starts at a round number). */
export function linearTicks(min: number, max: number, count = 5): Ticks {
  if (!(max > min)) max = min + 1;
  const step = niceStep(max - min, count);
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = lo, k = 0; v <= hi + step * 1e-9; k++, v = lo + k * step) ticks.push(roundTick(v, step));
  return { min: lo, max: hi, ticks };
}

function roundTick(v: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(v.toFixed(Math.min(12, decimals)));
}

const S = 1_000_000;
/** Steps a person would pick for a time axis, in µs. */
const TIME_STEPS = [
  1_000,
  2_000,
  5_000,
  10_000,
  20_000,
  50_000,
  100_000,
  200_000,
  500_000,
  S,
  2 * S,
  5 * S,
  10 * S,
  15 * S,
  30 * S,
  60 * S,
  2 * 60 * S,
  5 * 60 * S,
  10 * 60 * S,
  15 * 60 * S,
  30 * 60 * S,
  3600 * S,
  2 * 3600 * S,
  3 * 3600 * S,
  6 * 3600 * S,
  12 * 3600 * S,
  86_400 * S,
  2 * 86_400 * S,
  7 * 86_400 * S,
  14 * 86_400 * S,
  30 * 86_400 * S,
];

/** Time ticks over [min, max] µs, keeping the domain as given (time axes start at the run's start). */
export function timeTicks(min: number, max: number, count = 6): Ticks {
  if (!(max > min)) max = min + S;
  const span = max - min;
  const step = TIME_STEPS.find((s) => span / s <= count) ?? niceStep(span, count);
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max; v += step) ticks.push(v);
  return { min, max, ticks };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** How time ticks over a domain are written, and the unit hint for the axis label. */
export function timeTickFormat(maxUs: number): { unit: string; format: (us: number) => string } {
  if (maxUs <= 10 * S) return { unit: 's', format: (us) => trimNumber(us / S, 3) };
  if (maxUs < 3600 * S) {
    return {
      unit: 'm:ss',
      format: (us) => {
        const s = Math.round(us / S);
        return `${Math.floor(s / 60)}:${pad2(s % 60)}`;
      },
    };
  }
  if (maxUs < 2 * 86_400 * S) {
    return {
      unit: 'h:mm',
      format: (us) => {
        const m = Math.round(us / (60 * S));
        return `${Math.floor(m / 60)}:${pad2(m % 60)}`;
      },
    };
  }
  return { unit: 'days', format: (us) => trimNumber(us / (86_400 * S), 1) };
}

/** Candidates for log-axis ticks on durations: decades, and the units people read (1 min, 1 h, 1 d). */
const LOG_TIME_TICKS = [
  1,
  10,
  100,
  1_000,
  10_000,
  100_000,
  S,
  10 * S,
  60 * S,
  600 * S,
  3600 * S,
  6 * 3600 * S,
  86_400 * S,
  10 * 86_400 * S,
];

/** Log ticks covering [min, max] (min > 0), the domain widened to the ticks at either end. */
export function logTicks(min: number, max: number, kind: 'time' | 'number'): Ticks {
  const lo = Math.max(min, 1e-9);
  const hi = Math.max(max, lo * 10);
  let candidates: number[];
  if (kind === 'time') {
    candidates = LOG_TIME_TICKS;
  } else {
    candidates = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) candidates.push(10 ** e);
  }
  let first = 0;
  while (first + 1 < candidates.length && candidates[first + 1] <= lo) first++;
  let last = candidates.length - 1;
  while (last - 1 >= 0 && candidates[last - 1] >= hi) last--;
  if (candidates[last] < hi) {
    // Past the table's end: extend by decades.
    const ticks = candidates.slice(first);
    while (ticks[ticks.length - 1] < hi) ticks.push(ticks[ticks.length - 1] * 10);
    return { min: ticks[0], max: ticks[ticks.length - 1], ticks };
  }
  const ticks = candidates.slice(first, last + 1);
  return { min: ticks[0], max: ticks[ticks.length - 1], ticks };
}

/** A map from a domain to pixels, linear or log10. */
export class Scale {
  constructor(
    readonly d0: number,
    readonly d1: number,
    readonly r0: number,
    readonly r1: number,
    readonly log = false,
  ) {}

  map(v: number): number {
    const f = this.log
      ? (Math.log10(Math.max(v, this.d0)) - Math.log10(this.d0)) / (Math.log10(this.d1) - Math.log10(this.d0) || 1)
      : (v - this.d0) / (this.d1 - this.d0 || 1);
    return this.r0 + f * (this.r1 - this.r0);
  }

  /** Maps and clamps into the range, so a value off the chart sits on its edge. */
  clamped(v: number): number {
    const p = this.map(v);
    const lo = Math.min(this.r0, this.r1);
    const hi = Math.max(this.r0, this.r1);
    return Math.min(hi, Math.max(lo, p));
  }
}

/** Ticks for a duration axis from 0 (µs), on the human steps of TIME_STEPS, the domain widened to a whole step. */
export function durationTicks(maxUs: number, count = 6): Ticks {
  const hi = maxUs > 0 ? maxUs : S;
  const step = TIME_STEPS.find((s) => hi / s <= count);
  if (step === undefined || hi < TIME_STEPS[0] * count) return linearTicks(0, hi, count);
  const top = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  return { min: 0, max: top, ticks };
}

/** Default tick label for plain numbers and for durations in µs. */
export function defaultFormat(kind: 'number' | 'duration'): (v: number) => string {
  return kind === 'duration' ? formatDurationShort : formatCompact;
}
