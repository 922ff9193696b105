/** The simulation report as an HTML page (html.ts shell, simulation-charts.ts charts). */
import { formatCount, formatMicros, formatPercent, formatRate } from './format.js';
import {
  badge,
  chartCard,
  code,
  details,
  grid,
  html,
  note,
  renderPage,
  statTiles,
  table,
  type Content,
  type PageSection,
  type Stat,
  type Tone,
} from './html.js';
import type { InvariantResult, SimulationReport } from './report-json.js';
import {
  latencyCdfChart,
  loadChart,
  overallDepthChart,
  queueCharts,
  throughputChart,
  type Chart,
} from './simulation-charts.js';
import { overallFigureCells, queueFigureCells } from './queue-figures.js';
import { isIdleQueue, type PeriodSummary, type QueueSummary, type SimulationSummary } from './summary.js';
import { resolveRuleId, ruleText } from '../rules/index.js';

const STATUS_TONE: Record<InvariantResult['status'], Tone> = { pass: 'pass', fail: 'fail', skip: 'skip' };

function charts(list: readonly Chart[]): Content {
  return grid(list.map((c) => chartCard(c.svg, c.caption)));
}

function periodText(p: PeriodSummary): string {
  if (!p.count) return 'none';
  return `${formatCount(p.count)} × · ${formatMicros(p.totalUs)}${p.openAtEnd ? ' (open at end)' : ''}`;
}

function queueConfigText(q: QueueSummary): string {
  if (!q.configured) return `${q.mode} queue (not in the config event)`;
  if (q.mode === 'pull') return 'pull queue';
  const cap =
    q.maxConcurrentRequests === null
      ? 'no max_concurrent_requests'
      : `max_concurrent_requests ${q.maxConcurrentRequests}`;
  return `push queue · rate ${q.rate ?? formatRate(q.ratePerSec)} (${formatRate(q.ratePerSec)}) · bucket_size ${q.bucketSize ?? '—'} · ${cap}`;
}

function invariantTone(invariants: readonly InvariantResult[]): Tone {
  if (invariants.some((i) => i.status === 'fail')) return 'fail';
  return invariants.length ? 'pass' : 'neutral';
}

function headlineStats(r: SimulationReport): Stat[] {
  const s = r.summary;
  const o = s.overall;
  const failed = r.invariants.filter((i) => i.status === 'fail').length;
  const passed = r.invariants.filter((i) => i.status === 'pass').length;
  return [
    {
      label: 'Virtual duration',
      value: formatMicros(s.durationUs),
      hint: s.endReason ? `ended: ${s.endReason}` : undefined,
    },
    {
      label: 'Tasks added',
      value: formatCount(o.counts.added),
      hint: o.counts.rejected ? `${formatCount(o.counts.rejected)} rejected` : undefined,
    },
    {
      label: 'Completed',
      value: formatCount(o.latency.count),
      tone: 'pass',
      hint: o.counts.added ? formatPercent(o.latency.count / o.counts.added) + ' of added' : undefined,
    },
    { label: 'Exhausted', value: formatCount(o.counts.exhausted), tone: o.counts.exhausted ? 'warn' : 'neutral' },
    {
      label: 'Failed attempts',
      value: formatCount(o.counts.failures),
      tone: o.counts.failures ? 'warn' : 'neutral',
      hint: `of ${formatCount(o.counts.dispatched)} dispatched`,
    },
    { label: 'Latency p50', value: formatMicros(o.latency.p50Us), hint: 'add to completion' },
    { label: 'Latency p99', value: formatMicros(o.latency.p99Us), hint: `max ${formatMicros(o.latency.maxUs)}` },
    {
      label: 'Invariants',
      value: r.invariants.length ? `${passed}/${r.invariants.length} pass` : 'not checked',
      tone: invariantTone(r.invariants),
      hint: failed ? `${failed} failing` : undefined,
    },
  ];
}

function queueTable(s: SimulationSummary): Content {
  const rows: Content[][] = s.queues
    .filter((q) => !isIdleQueue(q))
    .map((q) => [
      html`<a href="#queue-${q.name}">${q.name}</a><div class="sub">${queueConfigShort(q)}</div>`,
      ...queueFigureCells(q),
      q.throttled.count ? formatMicros(q.throttled.totalUs) : '—',
    ]);
  const o = s.overall;
  rows.push(['all queues', ...overallFigureCells(o, s.queues), '']);
  const r = { align: 'right' as const };
  return table({
    columns: [
      'Queue',
      { label: 'Added', ...r },
      { label: 'Dispatched', ...r, title: 'dispatches (push) or leases (pull)' },
      { label: 'Done', ...r, title: 'tasks completed: success (push) or delete after a lease (pull)' },
      { label: 'Failed att.', ...r, title: 'attempts that failed (HANDLER-2)' },
      { label: 'Exhausted', ...r, title: 'RETRY-5 / PULL-10' },
      { label: 'p50', ...r, title: 'completion latency' },
      { label: 'p99', ...r, title: 'completion latency' },
      { label: 'Max in flight', ...r },
      { label: 'Max depth', ...r },
      { label: 'Throttled', ...r, title: 'total time below the configured rate' },
    ],
    rows,
    rowClass: (i) => (i === rows.length - 1 ? 'total' : undefined),
  });
}

function queueConfigShort(q: QueueSummary): string {
  if (q.mode === 'pull') return 'pull';
  if (!q.configured) return 'push (not configured)';
  const cap = q.maxConcurrentRequests === null ? '' : ` · max ${q.maxConcurrentRequests} in flight`;
  return `push · ${formatRate(q.ratePerSec)} · bucket ${q.bucketSize}${cap}`;
}

/** A violation from the invariant checkers reads as a sentence; anything else as JSON. */
function exampleText(e: unknown): string {
  if (typeof e === 'string') return e;
  const v = e as Record<string, unknown> | null;
  if (v && typeof v === 'object' && typeof v.message === 'string') {
    const where = [
      v.rule,
      typeof v.t === 'number' ? `t=${formatMicros(v.t)}` : '',
      v.id !== undefined ? `task ${String(v.id)}` : '',
      v.q ? `queue ${String(v.q)}` : '',
    ]
      .filter(Boolean)
      .join(' · ');
    const lines = [`${where ? `${where}: ` : ''}${v.message}`];
    if (v.expected !== undefined) lines.push(`expected ${String(v.expected)}`);
    if (v.actual !== undefined) lines.push(`actual   ${String(v.actual)}`);
    return lines.join('\n');
  }
  return JSON.stringify(e, null, 2);
}

/** A rule ID with its text on hover (SPEC's rules in the project's words, src/rules). */
function ruleCode(id: string): Content {
  const known = resolveRuleId(id);
  return known ? html`<abbr title="${ruleText(known)}">${code(id)}</abbr>` : code(id);
}

function invariantsTable(invariants: readonly InvariantResult[]): Content {
  if (!invariants.length) return note('No invariants were checked for this run.', 'warn');
  return table({
    columns: [
      'Rule',
      'Status',
      { label: 'Checked', align: 'right' },
      { label: 'Violations', align: 'right' },
      'Note / examples',
    ],
    rows: invariants.map((inv) => [
      ruleCode(inv.id),
      badge(inv.status, STATUS_TONE[inv.status] ?? 'neutral'),
      formatCount(inv.checked),
      formatCount(inv.violations),
      [
        inv.note ?? '',
        inv.examples?.length
          ? details(
              `${inv.examples.length} example${inv.examples.length === 1 ? '' : 's'}`,
              inv.examples.map((e) => html`<pre>${exampleText(e)}</pre>`),
            )
          : '',
      ],
    ]),
    rowClass: (i) => (invariants[i].status === 'fail' ? 'bad' : undefined),
  });
}

function outcomeTable(q: QueueSummary): Content {
  const c = q.counts;
  const rows: Content[][] = [
    ['added', formatCount(c.added)],
    ['rejected at add', formatCount(c.rejected)],
  ];
  if (q.mode === 'push') {
    rows.push(
      ['dispatched', formatCount(c.dispatched) + (c.duplicates ? ` (${formatCount(c.duplicates)} duplicate)` : '')],
      ['responses ok', formatCount(c.responses.ok)],
      ['responses error (non-2xx)', formatCount(c.responses.error)],
      ['no instance (INST-2)', formatCount(c.responses.noInstance)],
      ['deadline missed (DEADLINE-2)', formatCount(c.responses.deadline)],
      ['network failure', formatCount(c.responses.net)],
      ['retries scheduled', formatCount(c.retries)],
      ['succeeded', formatCount(c.successes)],
    );
  }
  rows.push(
    ['exhausted (RETRY-5)', formatCount(c.exhausted)],
    ['deleted', formatCount(c.deleted)],
    ['still queued at end', formatCount(q.depthAtEnd)],
  );
  return table({ columns: ['Count', { label: 'Tasks / attempts', align: 'right' }], rows, className: 'compact' });
}

function latencyTable(q: QueueSummary, s: SimulationSummary): Content {
  const l = q.latency;
  const rows: Content[][] = [
    ['p50', formatMicros(l.p50Us)],
    ['p90', formatMicros(l.p90Us)],
    ['p99', formatMicros(l.p99Us)],
    ['p99.9', formatMicros(l.p999Us)],
    ['min', formatMicros(l.minUs)],
    ['mean', formatMicros(l.meanUs)],
    ['max', formatMicros(l.maxUs)],
  ];
  if (q.mode === 'push')
    rows.push(
      ['throttled', periodText(q.throttled)],
      ['paused', periodText(q.paused)],
      ['outages (all queues)', periodText(s.overall.outages)],
    );
  return table({
    columns: [q.mode === 'pull' ? 'Add to delete' : 'Add to success', { label: 'Value', align: 'right' }],
    rows,
    className: 'compact',
  });
}

function pullTable(q: QueueSummary): Content {
  const p = q.pull;
  if (!p) return '';
  const lc = p.leaseCalls;
  const rows: Content[][] = [
    ['lease calls', formatCount(lc.total)],
    ['… ok', formatCount(lc.ok)],
    ['… capped (PULL-9: OK, zero tasks)', formatCount(lc.capped)],
    ['… transient error', formatCount(lc.transient)],
    ['tasks returned', formatCount(lc.tasksReturned)],
    ['leases', formatCount(p.leases)],
    ['expiries (PULL-4)', formatCount(p.expiries)],
    ['releases (PULL-5)', formatCount(p.releases)],
    ['lease age p50 / p99', `${formatMicros(p.leaseAge.p50Us)} / ${formatMicros(p.leaseAge.p99Us)}`],
    ['lease age max', formatMicros(p.leaseAge.maxUs)],
  ];
  return table({ columns: ['Leasing', { label: 'Value', align: 'right' }], rows, className: 'compact' });
}

function queueSection(q: QueueSummary, s: SimulationSummary): PageSection {
  const tables = [outcomeTable(q), latencyTable(q, s)];
  if (q.mode === 'pull') tables.push(pullTable(q));
  const stats: Stat[] =
    q.mode === 'pull'
      ? [
          { label: 'Leases', value: formatCount(q.pull?.leases ?? 0) },
          { label: 'Deleted', value: formatCount(q.counts.deleted), tone: 'pass' },
          { label: 'Expiries', value: formatCount(q.pull?.expiries ?? 0), tone: q.pull?.expiries ? 'warn' : 'neutral' },
          { label: 'Lease calls capped', value: formatCount(q.pull?.leaseCalls.capped ?? 0) },
          { label: 'Max depth', value: formatCount(q.depthMax) },
        ]
      : [
          { label: 'Dispatched', value: formatCount(q.counts.dispatched) },
          { label: 'Succeeded', value: formatCount(q.counts.successes), tone: 'pass' },
          {
            label: 'Failed attempts',
            value: formatCount(q.counts.failures),
            tone: q.counts.failures ? 'warn' : 'neutral',
          },
          { label: 'Exhausted', value: formatCount(q.counts.exhausted), tone: q.counts.exhausted ? 'warn' : 'neutral' },
          {
            label: 'Max in flight',
            value: formatCount(q.inFlightMax),
            hint: q.maxConcurrentRequests === null ? 'no cap' : `cap ${q.maxConcurrentRequests}`,
          },
          { label: 'Max depth', value: formatCount(q.depthMax) },
          {
            label: 'Throttled',
            value: q.throttled.count ? formatMicros(q.throttled.totalUs) : 'never',
            tone: q.throttled.count ? 'warn' : 'neutral',
          },
        ];
  return {
    id: `queue-${q.name}`,
    title: `Queue ${q.name}`,
    lead: queueConfigText(q),
    body: [statTiles(stats), charts(queueCharts(q, s)), grid(tables.map((t) => html`<div>${t}</div>`))],
  };
}

/** The whole page. */
export function renderSimulationHtml(r: SimulationReport): string {
  const s = r.summary;
  const overallCharts: Chart[] = [throughputChart(s), loadChart(s), overallDepthChart(s)];
  overallCharts.push(
    latencyCdfChart(
      'overall-latency',
      'Completion latency — all queues',
      s.overall.latency,
      'add-to-completion latency',
    ),
  );
  const active = s.queues.filter((q) => !isIdleQueue(q));
  const idle = s.queues.filter(isIdleQueue).map((q) => q.name);
  const sections: PageSection[] = [
    {
      id: 'summary',
      title: 'Summary',
      lead:
        `${formatCount(s.events)} trace events · ${active.length} active queue${active.length === 1 ? '' : 's'}` +
        (idle.length ? ` (idle, not shown: ${idle.join(', ')})` : '') +
        ` · outages: ${periodText(s.overall.outages)}`,
      body: [statTiles(headlineStats(r)), queueTable(s), charts(overallCharts)],
    },
    {
      id: 'invariants',
      title: 'Invariants',
      lead: 'SPEC §9, checked over the whole trace.',
      body: invariantsTable(r.invariants),
    },
    ...active.map((q) => queueSection(q, s)),
    {
      id: 'about',
      title: 'About this report',
      body: note(
        `Time charts use buckets of ${formatMicros(s.bucketUs)} of virtual time (${s.buckets} buckets; the width doubles to keep at most 600). ` +
          'Rates are events per bucket divided by its width; in-flight and depth show the highest value in each bucket. ' +
          'Shaded: amber = throttled (effective rate below the configured one, INST-2), grey = paused (PUSH-8), red = outage. ' +
          'Percentiles come from HDR histograms with 3 significant digits; min, max and mean are exact.',
        'info',
      ),
    },
  ];
  return renderPage({
    title: `Simulation: ${r.scenario}`,
    subtitle: [
      s.profile ? `profile ${s.profile}` : '',
      s.scaling ? `${s.scaling} scaling` : '',
      s.deadlineUs ? `deadline ${formatMicros(s.deadlineUs)}` : '',
    ]
      .filter(Boolean)
      .join(' · '),
    meta: [
      ['Scenario', r.scenario],
      ['Seed', String(r.seed)],
      ['Virtual duration', formatMicros(s.durationUs)],
      ['Trace hash (SHA-256)', r.traceHash],
    ],
    sections,
  });
}
