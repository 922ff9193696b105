import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { asSimulationReport, toJsonText } from '../../src/report/report-json.js';
import { writeSimulationReport, type InvariantResult } from '../../src/report/simulation-report.js';
import { syntheticTrace } from './synthetic.js';
import { TraceBuilder, pushQueue } from './trace-builder.js';
import { wellFormedProblems } from './well-formed.js';

const invariants: InvariantResult[] = [
  { id: 'INV-ALO', status: 'pass', checked: 100, violations: 0 },
  {
    id: 'INV-HDR',
    status: 'fail',
    checked: 90,
    violations: 1,
    examples: [
      {
        inv: 'INV-HDR',
        rule: 'HDR-4',
        t: 1_500_000,
        id: 7,
        expected: 'ExecutionCount 1',
        actual: 'ExecutionCount 0',
        message: 'wrong <count> & more',
      },
    ],
    note: 'one | pipe',
  },
  { id: 'INV-LEASE', status: 'skip', checked: 0, violations: 0, note: 'no pull queue' },
];

describe('writeSimulationReport', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tasksim-sim-report-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('writes index.html, report.json and report.md into a new directory', async () => {
    const summary = syntheticTrace(3, 60_000_000).summarize();
    const out = join(dir, 'nested', 'run');
    const w = await writeSimulationReport(out, {
      scenario: 'demo <one>',
      seed: 3,
      traceHash: 'ab'.repeat(32),
      summary,
      invariants,
    });
    expect([w.html, w.json, w.markdown]).toEqual([
      join(out, 'index.html'),
      join(out, 'report.json'),
      join(out, 'report.md'),
    ]);

    const json = JSON.parse(await readFile(w.json, 'utf8'));
    const checked = asSimulationReport(json);
    expect('report' in checked).toBe(true);
    expect(json.summary).toEqual(JSON.parse(JSON.stringify(summary)));
    expect(json.invariants).toHaveLength(3);

    const page = await readFile(w.html, 'utf8');
    expect(wellFormedProblems(page, 'html')).toEqual([]);
    expect(page).toContain('Simulation: demo &lt;one&gt;');
    for (const id of [
      'dispatch-rate-default',
      'in-flight-default',
      'depth-default',
      'latency-default',
      'attempts-default',
      'lease-age-batch',
      'lease-activity-batch',
    ]) {
      expect(page).toContain(`id="${id}"`);
    }
    expect(page).toContain('max_concurrent_requests 8'); // reference line from the config
    expect(page).toContain('configured rate 20/s');
    expect(page).toContain('HDR-4 · t=1.5s · task 7: wrong &lt;count&gt; &amp; more');
    expect(page).not.toContain('idle, not shown'); // every queue has traffic here
    expect(page.match(/<tr/g)!.length).toBeGreaterThan(10);

    const md = await readFile(w.markdown, 'utf8');
    expect(md).toContain('# Simulation: demo <one>');
    expect(md).toContain('| `INV-HDR` | FAIL | 90 | 1 | one \\| pipe |');
    expect(md).toContain('### Queue `batch` (pull)');
    expect(md).toContain('rate 20/s (20/s), bucket_size 10, max_concurrent_requests 8');
  });

  test('an idle queue (e.g. the implicit default, CFG-2) is named, not drawn', async () => {
    const b = new TraceBuilder().config([pushQueue('default'), pushQueue('mail')]);
    b.task('mail', 1, 0, [[0, 10_000, 'ok']]);
    const w = await writeSimulationReport(dir, {
      scenario: 's',
      seed: 1,
      traceHash: 'x',
      summary: b.summarize(),
      invariants: [],
    });
    const page = await readFile(w.html, 'utf8');
    expect(page).toContain('1 active queue (idle, not shown: default)');
    expect(page).toContain('id="queue-mail"');
    expect(page).not.toContain('id="queue-default"');
    expect(page).toContain('No invariants were checked');
    expect(await readFile(w.markdown, 'utf8')).toContain('Idle queues (no events): `default`');
    expect(JSON.parse(await readFile(w.json, 'utf8')).summary.queues).toHaveLength(2); // the data keeps it
  });

  test('the same run writes the same bytes', async () => {
    const input = {
      scenario: 's',
      seed: 7,
      traceHash: 'f'.repeat(64),
      summary: syntheticTrace(7, 40_000_000).summarize(),
      invariants,
    };
    const a = await writeSimulationReport(join(dir, 'a'), input);
    const b = await writeSimulationReport(join(dir, 'b'), {
      ...input,
      summary: syntheticTrace(7, 40_000_000).summarize(),
    });
    for (const k of ['html', 'json', 'markdown'] as const) {
      expect(await readFile(b[k], 'utf8')).toBe(await readFile(a[k], 'utf8'));
    }
  });

  test('report.json keeps number arrays on one line and parses back to the same value', () => {
    const value = {
      a: [1, 2, 3],
      b: [
        [1, 2],
        [3, 4],
      ],
      c: { d: 'x [1, 2]', e: [], f: [{ g: 1 }] },
      n: null,
    };
    const text = toJsonText(value);
    expect(JSON.parse(text)).toEqual(value);
    expect(text).toContain('"a": [1,2,3]');
    expect(text).toContain('"b": [[1,2],[3,4]]');
    expect(text).toContain('"d": "x [1, 2]"');
  });
});
