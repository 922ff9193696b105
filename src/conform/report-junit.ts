/**
 * JUnit XML for CI: one testcase per case. Required failures are <failure>; warnings pass with a
 * <system-out> note (CI stays green on recommendations); skips are <skipped>. All text is escaped
 * and stripped of characters XML 1.0 cannot carry.
 */
import type { CaseResult, ConformanceReport } from './run.js';

export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

function body(c: CaseResult): string {
  const curl = c.curl ? `\ncurl: ${c.curl}` : '';
  return `expected: ${c.expected}\nactual: ${c.actual}\nrules: ${c.rules.join(', ')}\nrequirement: ${c.requirement}${curl}\n${c.curl ? 'replay' : 'rerun'}: ${c.replay}`;
}

function testcase(c: CaseResult): string {
  const section = c.id.replace(/\.\d+$/, '');
  const open = `    <testcase classname="${xmlEscape(`tasksim.conform.${section}`)}" name="${xmlEscape(`${c.id} ${c.title}`)}" time="${seconds(c.durationMs)}">`;
  let inner = '';
  if (c.status === 'fail') {
    inner = `\n      <failure message="${xmlEscape(`${c.rules.join(', ')}: expected ${c.expected}; actual ${c.actual}`)}" type="${xmlEscape(c.rules[0] ?? 'conformance')}">${xmlEscape(body(c))}</failure>\n    `;
  } else if (c.status === 'warn') {
    inner = `\n      <system-out>${xmlEscape(`WARN (${c.severity}) ${body(c)}`)}</system-out>\n    `;
  } else if (c.status === 'skip') {
    inner = `\n      <skipped message="${xmlEscape(c.actual)}"/>\n    `;
  }
  return `${open}${inner}</testcase>`;
}

export function toJunit(r: ConformanceReport): string {
  const failures = r.cases.filter((c) => c.status === 'fail').length;
  const skipped = r.cases.filter((c) => c.status === 'skip').length;
  const props = [
    ['target', r.target],
    ['seed', String(r.seed)],
    ['profile', r.profile],
    ['scaling', r.scaling],
    ['deadline', r.deadline],
    ['concurrency', String(r.concurrency)],
    ['methods', r.methods.join(',')],
    ['targetKind', r.targetKind],
    ['warnings', String(r.summary.warn)],
  ]
    .map(([k, v]) => `      <property name="${xmlEscape(k)}" value="${xmlEscape(v)}"/>`)
    .join('\n');
  const attrs = `tests="${r.cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(r.durationMs)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="tasksim conform" ${attrs}>`,
    `  <testsuite name="${xmlEscape(`tasksim conform ${r.target}`)}" ${attrs}>`,
    '    <properties>',
    props,
    '    </properties>',
    ...r.cases.map(testcase),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
