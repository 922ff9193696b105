import { formatCount, formatMicros } from './format.js';
import type { QueueSummary } from './summary.js';

type Figures = Pick<QueueSummary, 'counts' | 'latency' | 'inFlightMax' | 'depthMax'>;

/**
 * Figures as the HTML and Markdown reports both tabulate them: added, dispatched (or leased), done,
 * failed attempts, exhausted, p50, p99, max in flight, max depth.
 */
function figureCells(f: Figures, dispatchedOrLeased: number): string[] {
  return [
    formatCount(f.counts.added),
    formatCount(dispatchedOrLeased),
    formatCount(f.latency.count),
    formatCount(f.counts.failures),
    formatCount(f.counts.exhausted),
    formatMicros(f.latency.p50Us),
    formatMicros(f.latency.p99Us),
    formatCount(f.inFlightMax),
    formatCount(f.depthMax),
  ];
}

const leases = (q: QueueSummary): number => (q.mode === 'pull' ? (q.pull?.leases ?? 0) : 0);

/** One queue's row: a pull queue counts its leases where a push queue counts its dispatches. */
export function queueFigureCells(q: QueueSummary): string[] {
  return figureCells(q, q.mode === 'pull' ? leases(q) : q.counts.dispatched);
}

/** The row of all queues: every dispatch and every lease. */
export function overallFigureCells(overall: Figures, queues: readonly QueueSummary[]): string[] {
  return figureCells(overall, overall.counts.dispatched + queues.reduce((n, q) => n + leases(q), 0));
}
