/**
 * A latency distribution in bounded memory: an HDR histogram (3 significant digits) for percentiles,
 * plus exact min, max and sum, so those three never carry the histogram's rounding.
 */
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from './summary.js';

/** The percentiles the CDF is sampled at: every 1 % plus the tail that matters for latency. */
const CDF_PERCENTILES: readonly number[] = [...Array.from({ length: 100 }, (_, i) => i), 99.5, 99.9, 99.95, 99.99, 100];

export class LatencyRecorder {
  private histogram: hdr.Histogram | undefined; // created on first value: most queues record few kinds
  count = 0;
  private min = Infinity;
  private max = -Infinity;
  private sum = 0;

  /** Records one value in microseconds (negative values, from clock oddities, count as 0). */
  record(us: number): void {
    const v = Math.max(0, Math.round(us));
    this.histogram ??= hdr.build({ numberOfSignificantValueDigits: 3, autoResize: true });
    this.histogram.recordValue(v);
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  /** Value at percentile p (0–100), clamped into the exact [min, max]. */
  percentile(p: number): number | null {
    if (!this.histogram || this.count === 0) return null;
    const v = this.histogram.getValueAtPercentile(p);
    return Math.min(this.max, Math.max(this.min, v));
  }

  summary(): LatencySummary {
    if (this.count === 0) {
      return {
        count: 0,
        minUs: null,
        maxUs: null,
        meanUs: null,
        p50Us: null,
        p90Us: null,
        p99Us: null,
        p999Us: null,
        cdf: [],
      };
    }
    const cdf: Array<[number, number]> = [];
    for (const p of CDF_PERCENTILES) cdf.push([p === 0 ? this.min : this.percentile(p)!, p]);
    return {
      count: this.count,
      minUs: this.min,
      maxUs: this.max,
      meanUs: this.sum / this.count,
      p50Us: this.percentile(50),
      p90Us: this.percentile(90),
      p99Us: this.percentile(99),
      p999Us: this.percentile(99.9),
      cdf,
    };
  }
}
