/**
 * JUnit XML for CI (one writer, `junitDocument`, for conform and fuzz): one testcase per case. Required failures are <failure>; warnings pass with a
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
  return `expected: ${c.expected}\nactual: ${c.actual}\nrules: ${c.rules.join(', ')}\nrequirement: ${c.requirement}\nrerun: ${c.replay}`;
}

/** One testcase of any suite (conform's cases, fuzz's defects): the shape JUnit readers know. */
export interface JunitCase {
  classname: string;
  name: string;
  timeMs: number;
  failure?: { message: string; type: string; body: string };
  /** Passes, with a note (a warning, a known deviation). */
  systemOut?: string;
  skipped?: string;
}

export interface JunitSuite {
  /** `<testsuites name>` and `<testsuite name>`. */
  name: string;
  suiteName: string;
  properties: [string, string][];
  cases: JunitCase[];
  timeMs: number;
}

function junitCase(c: JunitCase): string {
  const open = `    <testcase classname="${xmlEscape(c.classname)}" name="${xmlEscape(c.name)}" time="${seconds(c.timeMs)}">`;
  let inner = '';
  if (c.failure) {
    inner = `\n      <failure message="${xmlEscape(c.failure.message)}" type="${xmlEscape(c.failure.type)}">${xmlEscape(c.failure.body)}</failure>\n    `;
  } else if (c.systemOut !== undefined) {
    inner = `\n      <system-out>${xmlEscape(c.systemOut)}</system-out>\n    `;
  } else if (c.skipped !== undefined) {
    inner = `\n      <skipped message="${xmlEscape(c.skipped)}"/>\n    `;
  }
  return `${open}${inner}</testcase>`;
}

/** The XML document of one suite (shared by `conform` and `fuzz`). */
export function junitDocument(s: JunitSuite): string {
  const failures = s.cases.filter((c) => c.failure).length;
  const skipped = s.cases.filter((c) => !c.failure && c.systemOut === undefined && c.skipped !== undefined).length;
  const props = s.properties.map(([k, v]) => `      <property name="${xmlEscape(k)}" value="${xmlEscape(v)}"/>`).join('\n');
  const attrs = `tests="${s.cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(s.timeMs)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(s.name)}" ${attrs}>`,
    `  <testsuite name="${xmlEscape(s.suiteName)}" ${attrs}>`,
    '    <properties>',
    props,
    '    </properties>',
    ...s.cases.map(junitCase),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function testcase(c: CaseResult): JunitCase {
  const section = c.id.replace(/\.\d+$/, '');
  const out: JunitCase = { classname: `tasksim.conform.${section}`, name: `${c.id} ${c.title}`, timeMs: c.durationMs };
  if (c.status === 'fail') out.failure = { message: `${c.rules.join(', ')}: expected ${c.expected}; actual ${c.actual}`, type: c.rules[0] ?? 'conformance', body: body(c) };
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
      ['warnings', String(r.summary.warn)],
    ],
    cases: r.cases.map(testcase),
    timeMs: r.durationMs,
  });
}
