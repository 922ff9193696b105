/**
 * Tracks periods when a condition held (a queue throttled or paused, an outage). The count and
 * total time are exact; the ranges kept for drawing join periods separated by less than one bucket
 * of the shared grid, which bounds them to about one range per bucket however often the condition
 * flaps.
 */
import type { BucketGrid } from './buckets.js';
import type { PeriodSummary } from './summary.js';

export class PeriodTracker {
  count = 0;
  totalUs = 0;
  private openSince: number | null = null;
  /** Flat [start0, end0, start1, end1, …]: one array, no object per period. */
  private ranges: number[] = [];

  constructor(private readonly grid: BucketGrid) {}

  get isOpen(): boolean {
    return this.openSince !== null;
  }

  /** The condition starts holding at t (a repeated begin while open is ignored). */
  begin(t: number): void {
    if (this.openSince !== null) return;
    this.openSince = t;
    this.count++;
  }

  /** The condition stops holding at t (an end while closed is ignored). */
  end(t: number): void {
    if (this.openSince === null) return;
    const start = this.openSince;
    this.openSince = null;
    this.totalUs += Math.max(0, t - start);
    this.keepRange(start, t);
  }

  /** A snapshot; an open period is reported as closed at `nowUs` without closing it. */
  summary(nowUs: number): PeriodSummary {
    const flat = this.ranges.slice();
    let total = this.totalUs;
    if (this.openSince !== null) {
      total += Math.max(0, nowUs - this.openSince);
      flat.push(this.openSince, Math.max(this.openSince, nowUs));
    }
    const ranges: Array<[number, number]> = [];
    for (let i = 0; i < flat.length; i += 2) ranges.push([flat[i], flat[i + 1]]);
    return { count: this.count, totalUs: total, openAtEnd: this.openSince !== null, ranges };
  }

  private keepRange(start: number, end: number): void {
    const r = this.ranges;
    const gap = this.grid.widthUs;
    const n = r.length;
    if (n > 0 && start - r[n - 1] < gap) {
      r[n - 1] = Math.max(r[n - 1], end);
    } else {
      r.push(start, end);
    }
    // The grid widened since older ranges were joined: join them again at the new width.
    if (r.length > 2 * (this.grid.maxBuckets + 1)) this.ranges = joinRanges(r, gap);
  }
}

function joinRanges(flat: number[], gap: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const n = out.length;
    if (n > 0 && flat[i] - out[n - 1] < gap) out[n - 1] = Math.max(out[n - 1], flat[i + 1]);
    else out.push(flat[i], flat[i + 1]);
  }
  return out;
}
