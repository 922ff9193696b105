/**
 * The charts of a simulation report, each a pure function of the SimulationSummary: dispatch rate
 * against the configured rate and bucket (PUSH-2), in-flight against max_concurrent_requests (PUSH-3),
 * queue depth, latency CDF, attempts per task (RETRY-1), lease activity and lease age (PULL-*).
 * Throttled (INST-2), paused (PUSH-8) and outage periods are shaded on every time chart.
 */
import { formatCompact, formatMicros, formatRate, trimNumber } from './format.js';
import {
  PALETTE,
  barChart,
  cdfChart,
  lineChart,
  type Bar,
  type LineChartOptions,
  type PercentileMark,
  type ShadedRanges,
  type StepSeries,
} from './svg.js';
import type { LatencySummary, PeriodSummary, QueueSummary, SimulationSummary } from './summary.js';

export interface Chart {
  id: string;
  svg: string;
  /** One sentence under the chart: what to look for. */
  caption?: string;
}

const SHADE = { throttled: '#f59e0b', paused: '#64748b', outage: '#dc2626' } as const;

function ranges(p: PeriodSummary): ReadonlyArray<readonly [number, number]> {
  return p.ranges;
}

/** The shaded periods of a queue's time charts: its own throttling and pauses, and outages. */
export function queueShading(q: QueueSummary | null, s: SimulationSummary): ShadedRanges[] {
  const out: ShadedRanges[] = [];
  if (q) {
    out.push({ label: 'throttled', color: SHADE.throttled, ranges: ranges(q.throttled) });
    out.push({ label: 'paused', color: SHADE.paused, ranges: ranges(q.paused) });
  }
  out.push({ label: 'outage', color: SHADE.outage, ranges: ranges(s.overall.outages) });
  return out;
}

function steps(
  name: string,
  values: readonly number[],
  s: SimulationSummary,
  extra: Partial<StepSeries> = {},
): StepSeries {
  return { type: 'step', name, x0: 0, dx: s.bucketUs, values, ...extra };
}

function perSecond(values: readonly number[], s: SimulationSummary): number[] {
  const secs = s.bucketUs / 1_000_000;
  return values.map((v) => v / secs);
}

function timeDomain(s: SimulationSummary): [number, number] {
  return [0, Math.max(s.buckets * s.bucketUs, 1)];
}

const max = (values: readonly number[]): number => values.reduce((m, v) => (v > m ? v : m), 0);

const idFor = (prefix: string, q: QueueSummary): string => `${prefix}-${q.name}`;

/**
 * A chart over virtual time: the shared x axis and domain, shaded with the queue's throttled and
 * paused periods and the outages (`q` null: all queues, outages only).
 */
function timeChart(
  id: string,
  q: QueueSummary | null,
  s: SimulationSummary,
  opts: Omit<LineChartOptions, 'id' | 'x' | 'shaded' | 'xDomain'>,
  caption?: string,
): Chart {
  const svg = lineChart({
    id,
    x: { label: 'virtual time', kind: 'time' },
    shaded: queueShading(q, s),
    xDomain: timeDomain(s),
    ...opts,
  });
  return { id, caption, svg };
}

/** Dispatches per second per bucket, against the configured rate (PUSH-2). The bucket_size allows
 *  bursts: at most bucket_size + rate·W dispatches in a window of W seconds, drawn as a ceiling when
 *  it is near enough to the data to be worth the vertical space. */
export function dispatchRateChart(q: QueueSummary, s: SimulationSummary): Chart {
  const dispatches = perSecond(q.series.dispatches, s);
  const adds = perSecond(q.series.adds, s);
  const series: StepSeries[] = [
    steps('dispatches/s', dispatches, s, { color: PALETTE.blue, area: true }),
    steps('adds/s', adds, s, { color: PALETTE.grey, light: true }),
  ];
  const throttled = q.throttled.count > 0;
  if (throttled && q.series.effectiveRateMin && q.ratePerSec !== null) {
    // Drawn only while below the configured rate, so it does not hide the configured-rate line.
    const configured = q.ratePerSec;
    const effective = q.series.effectiveRateMin.map((r) => (r < configured ? r : NaN));
    series.push(steps('effective rate (throttled)', effective, s, { color: '#d97706' }));
  }
  const refLines = [];
  let caption = '';
  if (q.ratePerSec !== null) {
    refLines.push({ y: q.ratePerSec, label: `configured rate ${formatRate(q.ratePerSec)}`, color: PALETTE.ink });
    if (q.bucketSize !== null) {
      const w = s.bucketUs / 1_000_000;
      const ceiling = q.ratePerSec + q.bucketSize / w;
      const dataMax = Math.max(max(dispatches), q.ratePerSec);
      caption =
        `bucket_size ${q.bucketSize}: at most ${trimNumber(q.bucketSize + q.ratePerSec * w, 2)} dispatches per ` +
        `${formatMicros(s.bucketUs)} bucket (${formatRate(ceiling)}).`;
      if (ceiling <= dataMax * 1.5)
        refLines.push({ y: ceiling, label: `burst ceiling ${formatRate(ceiling)}`, color: PALETTE.red });
      else caption += ' The ceiling is above the chart.';
    }
  }
  const id = idFor('dispatch-rate', q);
  return timeChart(
    id,
    q,
    s,
    {
      title: `Dispatch rate — ${q.name}`,
      y: { label: 'per second' },
      series,
      refLines,
    },
    caption || undefined,
  );
}

/** Highest in-flight count per bucket against max_concurrent_requests (PUSH-3). */
export function inFlightChart(q: QueueSummary, s: SimulationSummary): Chart {
  const id = idFor('in-flight', q);
  const cap = q.maxConcurrentRequests;
  return timeChart(
    id,
    q,
    s,
    {
      title: `In flight — ${q.name}`,
      y: { label: 'requests (max per bucket)' },
      series: [steps('in flight (max)', q.series.inFlightMax, s, { color: PALETTE.purple, area: true })],
      refLines: cap === null ? [] : [{ y: cap, label: `max_concurrent_requests ${cap}`, color: PALETTE.red }],
      yMinMax: 1,
    },
    cap === null ? 'No max_concurrent_requests: in-flight is not capped.' : undefined,
  );
}

/** Tasks added and not yet done (success, exhaust or delete), highest per bucket. */
export function depthChart(q: QueueSummary, s: SimulationSummary): Chart {
  const id = idFor('depth', q);
  return timeChart(id, q, s, {
    title: `Queue depth — ${q.name}`,
    y: { label: 'tasks (max per bucket)' },
    series: [steps('depth (max)', q.series.depthMax, s, { color: PALETTE.teal, area: true })],
    yMinMax: 1,
  });
}

export function latencyCdfChart(id: string, title: string, latency: LatencySummary, what: string): Chart {
  const marks = [
    { percentile: 50, value: latency.p50Us },
    { percentile: 90, value: latency.p90Us },
    { percentile: 99, value: latency.p99Us },
    { percentile: 99.9, value: latency.p999Us },
  ].filter((m): m is PercentileMark => m.value !== null);
  return {
    id,
    caption: latency.count
      ? `${formatCompact(latency.count)} tasks · min ${formatMicros(latency.minUs)} · mean ${formatMicros(latency.meanUs)} · max ${formatMicros(latency.maxUs)}`
      : 'No completed tasks.',
    svg: cdfChart({ id, title, x: { label: what, kind: 'duration' }, points: latency.cdf, marks }),
  };
}

/** Tasks by the attempt at which they ended (success or exhaust; for pull, leases at delete). */
export function attemptsChart(
  id: string,
  title: string,
  attempts: ReadonlyArray<readonly [number, number]>,
  unit: string,
): Chart {
  const bars: Bar[] = [];
  const last = attempts.length ? attempts[attempts.length - 1][0] : 0;
  if (last <= 40) {
    // Every attempt number from 1, zeros included, so the shape of the retry tail reads right.
    const byN = new Map(attempts);
    for (let k = 1; k <= last; k++) bars.push({ label: String(k), value: byN.get(k) ?? 0 });
  } else {
    for (const [k, c] of attempts) bars.push({ label: String(k), value: c });
  }
  return {
    id,
    svg: barChart({ id, title, x: { label: unit }, y: { label: 'tasks' }, bars, color: PALETTE.green }),
  };
}

/** Pull queue: leases, expiries and deletes per second (PULL-3/4/7). */
export function leaseActivityChart(q: QueueSummary, s: SimulationSummary): Chart {
  const id = idFor('lease-activity', q);
  const series: StepSeries[] = [];
  if (q.series.leases) series.push(steps('leases/s', perSecond(q.series.leases, s), s, { color: PALETTE.blue }));
  if (q.series.deletes) series.push(steps('deletes/s', perSecond(q.series.deletes, s), s, { color: PALETTE.green }));
  if (q.series.expiries)
    series.push(steps('expiries/s', perSecond(q.series.expiries, s), s, { color: PALETTE.red, dashed: true }));
  return timeChart(id, q, s, {
    title: `Leases, deletes and expiries — ${q.name}`,
    y: { label: 'per second' },
    series,
  });
}

/** Every queue's work over time, with outages shaded. */
export function throughputChart(s: SimulationSummary): Chart {
  const o = s.overall.series;
  return timeChart('overall-throughput', null, s, {
    title: 'Throughput — all queues',
    y: { label: 'per second' },
    series: [
      steps('dispatches/s', perSecond(o.dispatches, s), s, { color: PALETTE.blue, area: true }),
      steps('successes/s', perSecond(o.successes, s), s, { color: PALETTE.green }),
      steps('failed attempts/s', perSecond(o.failures, s), s, { color: PALETTE.red }),
      steps('adds/s', perSecond(o.adds, s), s, { color: PALETTE.grey, light: true }),
    ],
  });
}

/** In flight over all queues, and instances when the trace has them (INST-1/2). */
export function loadChart(s: SimulationSummary): Chart {
  const o = s.overall.series;
  const series: StepSeries[] = [steps('in flight (max)', o.inFlightMax, s, { color: PALETTE.purple, area: true })];
  if (o.instancesMax) series.push(steps('instances (max)', o.instancesMax, s, { color: PALETTE.orange }));
  return timeChart('overall-load', null, s, {
    title: o.instancesMax ? 'In flight and instances — all queues' : 'In flight — all queues',
    y: { label: 'count (max per bucket)' },
    series,
    yMinMax: 1,
  });
}

/** Tasks waiting or running over all queues. */
export function overallDepthChart(s: SimulationSummary): Chart {
  return timeChart('overall-depth', null, s, {
    title: 'Queue depth — all queues',
    y: { label: 'tasks (max per bucket)' },
    series: [steps('depth (max)', s.overall.series.depthMax, s, { color: PALETTE.teal, area: true })],
    yMinMax: 1,
  });
}

/** All the charts of one queue, in reading order. */
export function queueCharts(q: QueueSummary, s: SimulationSummary): Chart[] {
  if (q.mode === 'pull') {
    const charts = [leaseActivityChart(q, s), depthChart(q, s)];
    if (q.pull) {
      charts.push(
        latencyCdfChart(
          idFor('lease-age', q),
          `Lease age at delete or expiry — ${q.name}`,
          q.pull.leaseAge,
          'lease age',
        ),
      );
    }
    charts.push(latencyCdfChart(idFor('latency', q), `Add to delete — ${q.name}`, q.latency, 'add-to-delete latency'));
    charts.push(
      attemptsChart(idFor('attempts', q), `Leases per task — ${q.name}`, q.attempts, 'leases at delete or exhaustion'),
    );
    return charts;
  }
  return [
    dispatchRateChart(q, s),
    inFlightChart(q, s),
    depthChart(q, s),
    latencyCdfChart(idFor('latency', q), `Add-to-success latency — ${q.name}`, q.latency, 'add-to-success latency'),
    attemptsChart(
      idFor('attempts', q),
      `Attempts per task — ${q.name}`,
      q.attempts,
      'attempt at success or exhaustion',
    ),
  ];
}
