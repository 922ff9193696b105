/**
 * `tasksim demo` with its options given: both jobs run, the reports written where --report-dir says, the
 * simulation of the --scenario given. Its defaults (the reports in reports/latest/, the outage-throttle
 * scenario) are what `npm start` runs: test/docs/examples.test.ts runs that as the README shows it and
 * checks the same summaries and reports there.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_REPORTS } from '../helpers/demo-reports.js';
import { tasksim } from '../helpers/cli.js';

let dir: string;
let scenario: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tasksim-demo-'));
  // A small scenario of its own: the default one's run is the docs example's.
  scenario = join(dir, 'small-demo.yaml');
  await writeFile(scenario, 'name: small-demo\nqueues: [{ name: q }]\nworkload: [{ queue: q, count: 3 }]\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tasksim demo', () => {
  it('runs the conformance suite against the reference handler and the given simulation, exit 0, reports in --report-dir', async () => {
    const reports = join(dir, 'reports');
    const r = await tasksim(['demo', '--report-dir', reports, '--scenario', scenario]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Every required case passed/);
    expect(r.stdout).toMatch(/INV-DET\s+re-run with seed 1: same hash/);
    for (const f of DEMO_REPORTS) {
      expect(existsSync(join(reports, f)), f).toBe(true);
    }
    const sim = JSON.parse(await readFile(join(reports, 'simulation/report.json'), 'utf8'));
    expect(sim.scenario).toBe('small-demo');
    expect(r.stdout).toContain(join(reports, 'simulation', 'index.html'));
  });
});
