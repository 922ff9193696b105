/**
 * conform's JUnit XML (src/report/junit.ts writes it): one testcase per case. Required failures fail;
 * warnings pass with a note (CI stays green on recommendations); skips are skipped.
 */
import { junitDocument, type JunitCase } from '../report/junit.js';
import type { CaseResult, ConformanceReport } from './run.js';

function body(c: CaseResult): string {
  const curl = c.curl ? `\ncurl: ${c.curl}` : '';
  return `expected: ${c.expected}\nactual: ${c.actual}\nrules: ${c.rules.join(', ')}\nrequirement: ${c.requirement}${curl}\n${c.curl ? 'replay' : 'rerun'}: ${c.replay}`;
}

function testcase(c: CaseResult): JunitCase {
  const section = c.id.startsWith('P-') ? 'exploration' : c.id.replace(/\.\d+$/, '');
  const out: JunitCase = { classname: `tasksim.conform.${section}`, name: `${c.id} ${c.title}`, timeMs: c.durationMs };
  if (c.status === 'fail')
    out.failure = {
      message: `${c.rules.join(', ')}: expected ${c.expected}; actual ${c.actual}`,
      type: c.rules[0] ?? 'conformance',
      body: body(c),
    };
  else if (c.status === 'warn') out.systemOut = `WARN (${c.severity}) ${body(c)}`;
  else if (c.status === 'skip') out.skipped = c.actual;
  return out;
}

export function toJunit(r: ConformanceReport): string {
  return junitDocument({
    name: 'tasksim conform',
    suiteName: `tasksim conform ${r.target}`,
    properties: [
      ['target', r.target],
      ['seed', String(r.seed)],
      ['profile', r.profile],
      ['scaling', r.scaling],
      ['deadline', r.deadline],
      ['concurrency', String(r.concurrency)],
      ['methods', r.methods.join(',')],
      ['targetKind', r.targetKind],
      ['warnings', String(r.summary.warn)],
    ],
    cases: r.cases.map(testcase),
    timeMs: r.durationMs,
  });
}
