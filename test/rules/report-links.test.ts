/** Reports give each rule ID they cite its text: a glossary in report.md, the text on hover in index.html. */
import { describe, expect, it } from 'vitest';
import { toSimulationReport, type InvariantResult } from '../../src/report/report-json.js';
import { renderSimulationHtml } from '../../src/report/simulation-html.js';
import { renderSimulationMarkdown } from '../../src/report/simulation-markdown.js';
import { TraceBuilder, pushQueue } from '../report/trace-builder.js';

const invariants: InvariantResult[] = [
  {
    id: 'INV-HDR',
    status: 'fail',
    checked: 9,
    violations: 1,
    examples: [{ inv: 'INV-HDR', rule: 'HDR-4', t: 1, message: 'ExecutionCount off' }],
  },
  { id: 'INV-ALO', status: 'pass', checked: 3, violations: 0 },
  { id: 'NOT-A-RULE', status: 'skip', checked: 0, violations: 0 },
];

function report(invs: InvariantResult[]): ReturnType<typeof toSimulationReport> {
  const b = new TraceBuilder().config([pushQueue('mail')]);
  b.task('mail', 1, 0, [[0, 10_000, 'ok']]);
  return toSimulationReport({ scenario: 's', seed: 1, traceHash: 'x', summary: b.summarize(), invariants: invs });
}

describe('rule text in reports', () => {
  it('report.md ends its invariants with the cited rules, in SPEC order, each once', () => {
    const md = renderSimulationMarkdown(report(invariants));
    const glossary = md.slice(md.indexOf('### Rules cited'), md.indexOf('## Queues'));
    const items = glossary.split('\n').filter((l) => l.startsWith('- '));
    expect(items.map((l) => l.slice(0, l.indexOf(':')))).toEqual([
      '- **HDR-4** X-AppEngine-TaskExecutionCount',
      '- **INV-ALO** Nothing is lost',
      '- **INV-HDR** The headers of every delivery',
    ]);
    expect(items[0]).toContain('counts the earlier attempts that reached the handler and got a non-2xx answer');
  });

  it('report.md has no glossary when nothing was checked', () => {
    expect(renderSimulationMarkdown(report([]))).not.toContain('Rules cited');
  });

  it('index.html shows the rule text on hover, escaped, and leaves unknown IDs plain', () => {
    const page = renderSimulationHtml(report(invariants));
    expect(page).toContain('<abbr title="INV-ALO Nothing is lost: Every added task that the user did not delete');
    expect(page).toMatch(/<abbr title="INV-HDR The headers of every delivery: [^"<>]*"><code>INV-HDR<\/code><\/abbr>/);
    expect(page).toContain('<code>NOT-A-RULE</code>');
    expect(page).not.toContain('title="NOT-A-RULE');
  });
});
