/** The simulation report as Markdown (report.md): the numbers of the HTML page, without charts. */
import { formatCount, formatMicros, formatRate } from './format.js';
import type { InvariantResult, SimulationReport } from './report-json.js';
import { overallFigureCells, queueFigureCells } from './queue-figures.js';
import { isIdleQueue, type PeriodSummary, type QueueSummary } from './summary.js';
import { citedRules } from '../rules/index.js';

/** A table cell: pipes and line breaks would break the row. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  rightAligned: readonly number[] = [],
): string {
  const sep = headers.map((_, i) => (rightAligned.includes(i) ? '---:' : '---'));
  return [headers, sep, ...rows].map((r, k) => `| ${(k === 1 ? r : r.map(cell)).join(' | ')} |`).join('\n');
}

function periods(p: PeriodSummary): string {
  return p.count
    ? `${formatCount(p.count)} × ${formatMicros(p.totalUs)}${p.openAtEnd ? ' (open at end)' : ''}`
    : 'none';
}

function invariantRows(invariants: readonly InvariantResult[]): string[][] {
  return invariants.map((i) => [
    `\`${i.id}\``,
    i.status.toUpperCase(),
    formatCount(i.checked),
    formatCount(i.violations),
    i.note ?? '',
  ]);
}

/** The text of every rule the invariants cite, so the reader need not look it up (docs/RULES.md has the rest). */
function rulesCited(invariants: readonly InvariantResult[]): string[] {
  const ids = invariants.flatMap((i) => [
    i.id,
    ...(i.examples ?? []).map((e) => (e as { rule?: unknown } | null)?.rule),
  ]);
  const rules = citedRules(ids.filter((x): x is string => typeof x === 'string'));
  return rules.length
    ? ['', '### Rules cited', '', ...rules.map((x) => `- **${x.id}** ${x.title}: ${x.statement}`)]
    : [];
}

function queueBlock(q: QueueSummary): string {
  const c = q.counts;
  const lines = [`### Queue \`${q.name}\` (${q.mode})`, ''];
  if (q.mode === 'push' && q.configured) {
    lines.push(
      `rate ${q.rate} (${formatRate(q.ratePerSec)}), bucket_size ${q.bucketSize}, max_concurrent_requests ${q.maxConcurrentRequests ?? 'unset'}`,
      '',
    );
  }
  const rows: string[][] = [
    ['added', formatCount(c.added)],
    ['rejected', formatCount(c.rejected)],
    ['dispatched', formatCount(c.dispatched)],
    [
      'responses ok / error / no-instance / deadline / net',
      [c.responses.ok, c.responses.error, c.responses.noInstance, c.responses.deadline, c.responses.net]
        .map(formatCount)
        .join(' / '),
    ],
    ['succeeded', formatCount(c.successes)],
    ['exhausted', formatCount(c.exhausted)],
    ['deleted', formatCount(c.deleted)],
    ['max in flight', formatCount(q.inFlightMax)],
    ['max depth / at end', `${formatCount(q.depthMax)} / ${formatCount(q.depthAtEnd)}`],
    [
      'latency p50 / p90 / p99 / p99.9',
      [q.latency.p50Us, q.latency.p90Us, q.latency.p99Us, q.latency.p999Us].map(formatMicros).join(' / '),
    ],
    ['latency min / mean / max', [q.latency.minUs, q.latency.meanUs, q.latency.maxUs].map(formatMicros).join(' / ')],
    ['attempts per task', q.attempts.map(([n, k]) => `${n}: ${formatCount(k)}`).join(', ') || '—'],
    ['throttled', periods(q.throttled)],
    ['paused', periods(q.paused)],
  ];
  if (q.pull) {
    const lc = q.pull.leaseCalls;
    rows.push(
      [
        'lease calls ok / capped / transient',
        `${formatCount(lc.ok)} / ${formatCount(lc.capped)} / ${formatCount(lc.transient)}`,
      ],
      [
        'leases / expiries / releases',
        `${formatCount(q.pull.leases)} / ${formatCount(q.pull.expiries)} / ${formatCount(q.pull.releases)}`,
      ],
      [
        'lease age p50 / p99 / max',
        [q.pull.leaseAge.p50Us, q.pull.leaseAge.p99Us, q.pull.leaseAge.maxUs].map(formatMicros).join(' / '),
      ],
    );
  }
  lines.push(markdownTable(['Metric', 'Value'], rows, [1]));
  return lines.join('\n');
}

export function renderSimulationMarkdown(r: SimulationReport): string {
  const s = r.summary;
  const o = s.overall;
  const active = s.queues.filter((q) => !isIdleQueue(q));
  const idle = s.queues.filter(isIdleQueue).map((q) => `\`${q.name}\``);
  const out = [
    `# Simulation: ${r.scenario}`,
    '',
    `- Seed: \`${r.seed}\``,
    `- Trace hash (SHA-256): \`${r.traceHash}\``,
    `- Profile: ${s.profile ?? '—'}, scaling: ${s.scaling ?? '—'}`,
    `- Virtual duration: ${formatMicros(s.durationUs)} (${formatCount(s.events)} events${s.endReason ? `, ended: ${s.endReason}` : ''})`,
    `- Outages: ${periods(o.outages)}`,
    ...(idle.length ? [`- Idle queues (no events): ${idle.join(', ')}`] : []),
    '',
    '## Summary',
    '',
    markdownTable(
      [
        'Queue',
        'Mode',
        'Rate',
        'Added',
        'Dispatched / leased',
        'Done',
        'Failed att.',
        'Exhausted',
        'p50',
        'p99',
        'Max in flight',
        'Max depth',
      ],
      [
        ...active.map((q) => [
          q.name,
          q.mode,
          q.mode === 'push' ? formatRate(q.ratePerSec) : '—',
          ...queueFigureCells(q),
        ]),
        ['**all**', '', '', ...overallFigureCells(o, active)],
      ],
      [3, 4, 5, 6, 7, 8, 9, 10, 11],
    ),
    '',
    '## Invariants',
    '',
    r.invariants.length
      ? markdownTable(['Rule', 'Status', 'Checked', 'Violations', 'Note'], invariantRows(r.invariants), [2, 3])
      : '_No invariants were checked._',
    ...rulesCited(r.invariants),
    '',
    '## Queues',
    '',
    active.map(queueBlock).join('\n\n'),
    '',
    `_Charts: see index.html. Buckets of ${formatMicros(s.bucketUs)} virtual time; percentiles from HDR histograms (3 significant digits)._`,
    '',
  ];
  return out.join('\n');
}
