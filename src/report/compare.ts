/**
 * Compares two simulation reports metric by metric (`tasksim compare A.json B.json`): the same
 * scenario before and after a change, or two seeds. Rows are plain data; the terminal table and
 * the HTML page are two views of them.
 */
import { formatCount, formatMicros, formatSignedPercent } from './format.js';
import { badge, html, note, renderPage, table, chartCard, grid, type Content, type Tone } from './html.js';
import type { SimulationReport } from './report-json.js';
import { PALETTE, cdfChart } from './svg.js';
import type { QueueSummary, SimulationSummary } from './summary.js';

export type MetricUnit = 'count' | 'us';

export interface CompareRow {
  metric: string;
  a: number | null;
  b: number | null;
  /** b − a; null when either side lacks the metric. */
  delta: number | null;
  /** 100·(b − a)/|a|; 0 when both are 0, null when a is 0 and b is not (no base to divide by). */
  changePct: number | null;
  unit: MetricUnit;
  /** Which direction is an improvement; undefined when neither is (e.g. task counts set by the scenario). */
  better?: 'lower' | 'higher';
}

interface MetricDef {
  metric: string;
  unit: MetricUnit;
  better?: 'lower' | 'higher';
  get: (s: SimulationSummary, r: SimulationReport) => number | null;
}

const OVERALL: MetricDef[] = [
  { metric: 'virtual duration', unit: 'us', better: 'lower', get: (s) => s.durationUs },
  { metric: 'trace events', unit: 'count', get: (s) => s.events },
  { metric: 'tasks added', unit: 'count', get: (s) => s.overall.counts.added },
  { metric: 'tasks rejected', unit: 'count', better: 'lower', get: (s) => s.overall.counts.rejected },
  { metric: 'dispatched', unit: 'count', get: (s) => s.overall.counts.dispatched },
  { metric: 'tasks completed', unit: 'count', better: 'higher', get: (s) => s.overall.latency.count },
  { metric: 'failed attempts', unit: 'count', better: 'lower', get: (s) => s.overall.counts.failures },
  { metric: 'no-instance failures', unit: 'count', better: 'lower', get: (s) => s.overall.counts.responses.noInstance },
  { metric: 'deadline failures', unit: 'count', better: 'lower', get: (s) => s.overall.counts.responses.deadline },
  { metric: 'tasks exhausted', unit: 'count', better: 'lower', get: (s) => s.overall.counts.exhausted },
  { metric: 'latency p50', unit: 'us', better: 'lower', get: (s) => s.overall.latency.p50Us },
  { metric: 'latency p90', unit: 'us', better: 'lower', get: (s) => s.overall.latency.p90Us },
  { metric: 'latency p99', unit: 'us', better: 'lower', get: (s) => s.overall.latency.p99Us },
  { metric: 'latency p99.9', unit: 'us', better: 'lower', get: (s) => s.overall.latency.p999Us },
  { metric: 'latency max', unit: 'us', better: 'lower', get: (s) => s.overall.latency.maxUs },
  { metric: 'latency mean', unit: 'us', better: 'lower', get: (s) => s.overall.latency.meanUs },
  { metric: 'max in flight', unit: 'count', get: (s) => s.overall.inFlightMax },
  { metric: 'max queue depth', unit: 'count', better: 'lower', get: (s) => s.overall.depthMax },
  {
    metric: 'throttled time (sum of queues)',
    unit: 'us',
    better: 'lower',
    get: (s) => s.queues.reduce((t, q) => t + q.throttled.totalUs, 0),
  },
  { metric: 'outage time', unit: 'us', get: (s) => s.overall.outages.totalUs },
  {
    metric: 'invariant violations',
    unit: 'count',
    better: 'lower',
    get: (_s, r) => r.invariants.reduce((t, i) => t + i.violations, 0),
  },
];

interface QueueMetricDef {
  metric: string;
  unit: MetricUnit;
  better?: 'lower' | 'higher';
  get: (q: QueueSummary) => number | null;
}

const PER_QUEUE: QueueMetricDef[] = [
  { metric: 'dispatched', unit: 'count', get: (q) => q.counts.dispatched },
  { metric: 'completed', unit: 'count', better: 'higher', get: (q) => q.latency.count },
  { metric: 'failed attempts', unit: 'count', better: 'lower', get: (q) => q.counts.failures },
  { metric: 'exhausted', unit: 'count', better: 'lower', get: (q) => q.counts.exhausted },
  { metric: 'latency p50', unit: 'us', better: 'lower', get: (q) => q.latency.p50Us },
  { metric: 'latency p99', unit: 'us', better: 'lower', get: (q) => q.latency.p99Us },
  { metric: 'max in flight', unit: 'count', get: (q) => q.inFlightMax },
  { metric: 'max depth', unit: 'count', better: 'lower', get: (q) => q.depthMax },
  { metric: 'throttled time', unit: 'us', better: 'lower', get: (q) => q.throttled.totalUs },
];

const PULL_ONLY: QueueMetricDef[] = [
  { metric: 'leases', unit: 'count', get: (q) => q.pull?.leases ?? null },
  { metric: 'lease expiries', unit: 'count', better: 'lower', get: (q) => q.pull?.expiries ?? null },
  { metric: 'lease age p99', unit: 'us', get: (q) => q.pull?.leaseAge.p99Us ?? null },
];

export function compareValues(a: number | null, b: number | null): Pick<CompareRow, 'delta' | 'changePct'> {
  if (a === null || b === null) return { delta: null, changePct: null };
  const delta = b - a;
  const changePct = a === 0 ? (b === 0 ? 0 : null) : (delta / Math.abs(a)) * 100;
  return { delta, changePct };
}

function row(
  metric: string,
  unit: MetricUnit,
  better: CompareRow['better'],
  a: number | null,
  b: number | null,
): CompareRow {
  return { metric, a, b, ...compareValues(a, b), unit, ...(better ? { better } : {}) };
}

/** One row per metric: overall first, then per queue (`[queue] metric`), queues of A then new ones of B. */
export function compareReports(a: SimulationReport, b: SimulationReport): CompareRow[] {
  const rows = OVERALL.map((m) => row(m.metric, m.unit, m.better, m.get(a.summary, a), m.get(b.summary, b)));
  const names = [...a.summary.queues.map((q) => q.name)];
  for (const q of b.summary.queues) if (!names.includes(q.name)) names.push(q.name);
  for (const name of names) {
    const qa = a.summary.queues.find((q) => q.name === name) ?? null;
    const qb = b.summary.queues.find((q) => q.name === name) ?? null;
    const defs = (qa ?? qb)!.mode === 'pull' ? [...PER_QUEUE, ...PULL_ONLY] : PER_QUEUE;
    for (const m of defs) {
      rows.push(row(`[${name}] ${m.metric}`, m.unit, m.better, qa ? m.get(qa) : null, qb ? m.get(qb) : null));
    }
  }
  return rows;
}

/** How a row's change reads: better, worse, or neither. */
export function verdict(r: CompareRow): 'better' | 'worse' | 'same' | 'neutral' {
  if (r.delta === null || !r.better) return 'neutral';
  if (r.delta === 0) return 'same';
  return r.delta < 0 === (r.better === 'lower') ? 'better' : 'worse';
}

export function formatValue(v: number | null, unit: MetricUnit): string {
  if (v === null) return '—';
  return unit === 'us' ? formatMicros(v) : formatCount(v);
}

export function formatDelta(v: number | null, unit: MetricUnit): string {
  if (v === null) return '—';
  if (v === 0) return '0';
  const text = formatValue(Math.abs(v), unit);
  return (v > 0 ? '+' : '-') + text;
}

export interface CompareTableOptions {
  /** Column titles for the two runs; default A and B. */
  labels?: readonly [string, string];
  /** ANSI colours (green better, red worse). Only for a TTY: off by default. */
  color?: boolean;
  /** Leave out rows where nothing changed. */
  changedOnly?: boolean;
}

const ANSI = { green: '\u001b[32m', red: '\u001b[31m', dim: '\u001b[2m', bold: '\u001b[1m', reset: '\u001b[0m' };

/** A plain-text table with aligned columns (metric left, numbers right). */
export function formatCompareTable(rows: readonly CompareRow[], opts: CompareTableOptions = {}): string {
  const [la, lb] = opts.labels ?? ['A', 'B'];
  const shown = opts.changedOnly ? rows.filter((r) => r.delta !== 0) : rows;
  const cells = shown.map((r) => [
    r.metric,
    formatValue(r.a, r.unit),
    formatValue(r.b, r.unit),
    formatDelta(r.delta, r.unit),
    formatSignedPercent(r.changePct),
  ]);
  const header = ['metric', la, lb, 'delta', 'change'];
  const width = (s: string): number => [...s].length;
  const widths = header.map((h, i) => Math.max(width(h), ...cells.map((c) => width(c[i]))));
  const pad = (s: string, i: number): string =>
    i === 0 ? s + ' '.repeat(widths[i] - width(s)) : ' '.repeat(widths[i] - width(s)) + s;
  const line = (c: string[]): string => c.map(pad).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  shown.forEach((r, k) => {
    let text = line(cells[k]);
    if (opts.color) {
      const v = verdict(r);
      if (v === 'better') text = ANSI.green + text + ANSI.reset;
      else if (v === 'worse') text = ANSI.red + text + ANSI.reset;
      else if (r.delta === 0 || r.delta === null) text = ANSI.dim + text + ANSI.reset;
    }
    out.push(text);
  });
  return out.join('\n') + '\n';
}

export interface CompareHtmlOptions {
  a: SimulationReport;
  b: SimulationReport;
  /** How to name the runs (file paths, usually). */
  labels?: readonly [string, string];
  title?: string;
}

const VERDICT_TONE: Record<ReturnType<typeof verdict>, Tone> = {
  better: 'pass',
  worse: 'fail',
  same: 'neutral',
  neutral: 'neutral',
};

/** The comparison as a page: run identities, a latency CDF of both runs, and the table. */
export function renderCompareHtml(rows: readonly CompareRow[], opts: CompareHtmlOptions): string {
  const [la, lb] = opts.labels ?? ['A', 'B'];
  const better = rows.filter((r) => verdict(r) === 'better').length;
  const worse = rows.filter((r) => verdict(r) === 'worse').length;
  const sameHash = opts.a.traceHash === opts.b.traceHash;
  const cdf = cdfChart({
    id: 'compare-latency',
    title: 'Completion latency, A against B',
    x: { label: 'add-to-completion latency', kind: 'duration' },
    points: [],
    curves: [
      { name: `A: ${la}`, points: opts.a.summary.overall.latency.cdf, color: PALETTE.grey },
      { name: `B: ${lb}`, points: opts.b.summary.overall.latency.cdf, color: PALETTE.blue },
    ],
  });
  const tableRows: Content[][] = rows.map((r) => {
    const v = verdict(r);
    return [
      r.metric,
      formatValue(r.a, r.unit),
      formatValue(r.b, r.unit),
      formatDelta(r.delta, r.unit),
      v === 'better' || v === 'worse'
        ? badge(formatSignedPercent(r.changePct), VERDICT_TONE[v])
        : formatSignedPercent(r.changePct),
    ];
  });
  const runs = table({
    columns: ['', 'Report', 'Scenario', 'Seed', 'Trace hash'],
    rows: [
      ['A', la, opts.a.scenario, String(opts.a.seed), html`<code>${opts.a.traceHash}</code>`],
      ['B', lb, opts.b.scenario, String(opts.b.seed), html`<code>${opts.b.traceHash}</code>`],
    ],
  });
  return renderPage({
    title: opts.title ?? `Compare: ${opts.a.scenario} vs ${opts.b.scenario}`,
    subtitle: `${better} better · ${worse} worse · ${rows.length} metrics`,
    sections: [
      {
        id: 'runs',
        title: 'Runs',
        body: [
          runs,
          sameHash
            ? note('Both traces have the same hash: the runs are identical (INV-DET).', 'pass')
            : note('The traces differ (different hash).', 'info'),
          grid([chartCard(cdf)]),
        ],
      },
      {
        id: 'metrics',
        title: 'Metrics',
        lead: 'Delta is B − A; change is relative to A. Green: better, red: worse (for metrics with a direction).',
        body: table({
          columns: [
            'Metric',
            { label: 'A', align: 'right' },
            { label: 'B', align: 'right' },
            { label: 'Delta', align: 'right' },
            { label: 'Change', align: 'right' },
          ],
          rows: tableRows,
        }),
      },
    ],
  });
}
