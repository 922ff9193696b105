/** `tasksim demo` (what `npm start` runs): both jobs on the embedded defaults, reports written. */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tasksim } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tasksim-demo-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tasksim demo', () => {
  it('runs the conformance suite against the reference handler and the default simulation, exit 0, reports on disk', async () => {
    const r = await tasksim(['demo', '--report-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Every required case passed/);
    expect(r.stdout).toMatch(/INV-DET\s+re-run with seed 11: same hash/);
    for (const f of [
      'conform/index.html',
      'conform/junit.xml',
      'conform/report.json',
      'simulation/index.html',
      'simulation/report.json',
    ]) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    const sim = JSON.parse(await readFile(join(dir, 'simulation/report.json'), 'utf8'));
    expect(sim.scenario).toBe('outage-throttle');
    expect(r.stdout).toContain(join(dir, 'simulation', 'index.html'));
  });
});
