/** report.md: a summary table and, for each failure and warning, expected / actual / rerun. */
import { mdCell as cell } from '../report/markdown.js';
import type { ConformanceReport } from './run.js';

const STATUS: Record<string, string> = { pass: '✅ pass', fail: '❌ fail', warn: '⚠️ warn', skip: '⏭ skip' };

export function toMarkdown(r: ConformanceReport): string {
  const s = r.summary;
  const lines = [
    `# tasksim conform — ${r.target}`,
    '',
    `- **Result:** ${r.ok ? 'every required case passed' : 'a required case failed'} — ${s.pass} pass, ${s.fail} fail, ${s.warn} warn, ${s.skip} skip`,
    `- **Seed:** ${r.seed}`,
    `- **Deadline:** ${r.deadline}`,
    `- **Profile / scaling:** ${r.profile} / ${r.scaling}`,
    `- **Concurrency:** ${r.concurrency}`,
    `- **Target / methods:** ${r.targetKind === 'http' ? 'HTTP target (X-CloudTasks-*)' : 'App Engine'} / ${r.methods.join(', ')}`,
    `- **Duration:** ${(r.durationMs / 1000).toFixed(2)}s`,
    '',
    '| Case | Status | Severity | Title | Rules |',
    '|---|---|---|---|---|',
    ...r.cases.map(
      (c) => `| ${c.id} | ${STATUS[c.status]} | ${c.severity} | ${cell(c.title)} | ${c.rules.join(', ')} |`,
    ),
    '',
  ];
  const notable = r.cases.filter((c) => c.status === 'fail' || c.status === 'warn');
  if (notable.length > 0) {
    lines.push('## Failures and warnings', '');
    for (const c of notable) {
      lines.push(
        `### ${c.id} ${c.title} — ${c.status}`,
        '',
        `> ${c.requirement}`,
        '',
        `- **Rules:** ${c.rules.join(', ')}`,
        `- **Expected:** ${c.expected}`,
        `- **Actual:** ${c.actual}`,
        ...(c.curl ? [`- **curl:** \`${c.curl}\``, `- **Replay:** \`${c.replay}\``] : [`- **Rerun:** \`${c.replay}\``]),
        '',
      );
    }
  }
  return lines.join('\n');
}
