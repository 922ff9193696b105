/**
 * JUnit XML for CI, one writer for every suite (conform's cases, fuzz's defects): a testcase per verdict.
 * Failures are <failure>; what passes with a note (a warning, a known deviation) has <system-out>; skips are
 * <skipped>. All text is escaped and stripped of characters XML 1.0 cannot carry.
 */

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
  const props = s.properties
    .map(([k, v]) => `      <property name="${xmlEscape(k)}" value="${xmlEscape(v)}"/>`)
    .join('\n');
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
