import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  compareReports,
  compareValues,
  formatCompareTable,
  renderCompareHtml,
  verdict,
} from '../../src/report/compare.js';
import { runCompare } from '../../src/report/compare-cli.js';
import { toJsonText, toSimulationReport, type SimulationReport } from '../../src/report/report-json.js';
import { MS, TraceBuilder, pullQueue, pushQueue } from './trace-builder.js';
import { wellFormedProblems } from './well-formed.js';

/** A report whose `default` queue has `tasks` tasks of latency `latMs`, and `failures` failed attempts. */
function report(tasks: number, latMs: number, failures = 0, extraQueue?: string): SimulationReport {
  const b = new TraceBuilder().config([pushQueue('default'), ...(extraQueue ? [pullQueue(extraQueue)] : [])]);
  for (let i = 0; i < tasks; i++) {
    const t = i * 10 * MS;
    const attempts: Array<[number, number, 'ok' | 'error']> =
      i < failures
        ? [
            [t, 1 * MS, 'error'],
            [t + 2 * MS, latMs * MS - 2 * MS, 'ok'],
          ]
        : [[t, latMs * MS, 'ok']];
    b.task('default', i, t, attempts);
  }
  return toSimulationReport({
    scenario: 'demo',
    seed: 1,
    traceHash: 'a'.repeat(64),
    summary: b.summarize(),
    invariants: [{ id: 'INV-ALO', status: 'pass', checked: tasks, violations: 0 }],
  });
}

const find = (rows: ReturnType<typeof compareReports>, metric: string) => rows.find((r) => r.metric === metric)!;

describe('compareReports', () => {
  test('deltas and percentages', () => {
    const rows = compareReports(report(10, 100), report(15, 50, 3));
    expect(find(rows, 'tasks added')).toMatchObject({ a: 10, b: 15, delta: 5, changePct: 50 });
    expect(find(rows, 'latency max')).toMatchObject({
      a: 100 * MS,
      b: 50 * MS,
      delta: -50 * MS,
      changePct: -50,
      better: 'lower',
    });
    expect(find(rows, 'failed attempts')).toMatchObject({ a: 0, b: 3, delta: 3, changePct: null });
    expect(find(rows, 'tasks exhausted')).toMatchObject({ a: 0, b: 0, delta: 0, changePct: 0 });
    expect(find(rows, '[default] dispatched')).toMatchObject({ a: 10, b: 18, delta: 8, changePct: 80 });
    expect(verdict(find(rows, 'latency max'))).toBe('better');
    expect(verdict(find(rows, 'failed attempts'))).toBe('worse');
    expect(verdict(find(rows, 'tasks added'))).toBe('neutral');
    expect(verdict(find(rows, 'tasks exhausted'))).toBe('same');
  });

  test('a queue in only one report: its rows have a side missing, no delta', () => {
    const rows = compareReports(report(5, 10), report(5, 10, 0, 'jobs'));
    expect(find(rows, '[jobs] dispatched')).toMatchObject({ a: null, b: 0, delta: null, changePct: null });
    expect(find(rows, '[jobs] leases')).toBeDefined();
  });

  test('compareValues: negative bases use their magnitude', () => {
    expect(compareValues(-10, -5)).toEqual({ delta: 5, changePct: 50 });
    expect(compareValues(null, 5)).toEqual({ delta: null, changePct: null });
  });

  test('the terminal table: aligned columns, colour only on request', () => {
    const rows = compareReports(report(10, 100), report(15, 50, 3));
    const plain = formatCompareTable(rows, { labels: ['before', 'after'] });
    const lines = plain.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^metric\s+before\s+after\s+delta\s+change$/);
    expect(new Set(lines.map((l) => [...l].length)).size).toBe(1); // right-aligned last column: equal widths
    const header = lines[0];
    const deltaEnd = header.indexOf('delta') + 'delta'.length;
    for (const l of lines.slice(2)) expect(l[deltaEnd]).toBe(' '); // every delta ends in the same column
    expect(plain).toContain('+50%');
    expect(plain).toContain('-50ms');
    expect(plain).not.toContain('\u001b[');
    const coloured = formatCompareTable(rows, { color: true });
    expect(coloured).toContain('\u001b[32m');
    expect(coloured).toContain('\u001b[31m');
    expect(formatCompareTable(rows, { changedOnly: true }).split('\n').length).toBeLessThan(lines.length + 1);
  });

  test('the HTML page is well-formed and names both runs', () => {
    const a = report(10, 100);
    const b = report(15, 50, 3);
    const out = renderCompareHtml(compareReports(a, b), { a, b, labels: ['runs/a <1>', 'runs/b'] });
    expect(wellFormedProblems(out, 'html')).toEqual([]);
    expect(out).toContain('runs/a &lt;1&gt;');
    expect(out).toContain('id="compare-latency"');
    expect(out).toContain('identical (INV-DET)'); // same trace hash in both
  });
});

describe('runCompare (the CLI edge)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tasksim-compare-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('two reports: exit 0 and the table', async () => {
    await writeFile(join(dir, 'a.json'), toJsonText(report(10, 100)));
    await writeFile(join(dir, 'b.json'), toJsonText(report(12, 80)));
    const r = runCompare([join(dir, 'a.json'), join(dir, 'b.json')], { htmlOut: join(dir, 'cmp.html') });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('tasks added');
    expect(r.stdout).toContain('+20%');
    expect(await readFile(join(dir, 'cmp.html'), 'utf8')).toContain('<!DOCTYPE html>');
  });

  test('a report directory is read through its report.json', async () => {
    await writeFile(join(dir, 'report.json'), toJsonText(report(3, 10)));
    expect(runCompare([dir, join(dir, 'report.json')]).exitCode).toBe(0);
  });

  test('a missing file: exit 2 and a message naming it', () => {
    const missing = join(dir, 'nope.json');
    const r = runCompare([missing, missing]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`tasksim compare: ${missing}: no such file`);
  });

  test('not a report: exit 2 and why', async () => {
    await writeFile(join(dir, 'a.json'), toJsonText(report(1, 1)));
    await writeFile(join(dir, 'other.json'), '{"kind":"junit"}');
    await writeFile(join(dir, 'broken.json'), '{not json');
    const other = runCompare([join(dir, 'a.json'), join(dir, 'other.json')]);
    expect(other.exitCode).toBe(2);
    expect(other.stderr).toContain('not a tasksim simulation report');
    const broken = runCompare([join(dir, 'broken.json'), join(dir, 'a.json')]);
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toContain('invalid JSON');
  });

  test('wrong number of arguments: exit 2 and usage', () => {
    const r = runCompare(['only-one.json']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('usage: tasksim compare');
  });
});
