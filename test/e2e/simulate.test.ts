/**
 * `tasksim simulate` as a user runs it: the built CLI in a subprocess. Tests that assert different
 * things of the same command line share one run of it (`shared`), started by whichever test needs it
 * first.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { hashTrace, readNdjson } from '../../src/sim/trace.js';
import { checkTrace, INVARIANT_IDS } from '../../src/invariants/index.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run.js';
import { ROOT, ensureCliBuilt, runCli, runCliAsync } from '../helpers/engine.js';

const BURST = 'scenarios/burst-drain.yaml';
let dir: string;

beforeAll(async () => {
  ensureCliBuilt();
  dir = await mkdtemp(join(tmpdir(), 'tasksim-e2e-'));
}, 180_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function parse(r: { code: number | null; stdout: string; stderr: string }): {
  code: number | null;
  out: Record<string, any>;
  stderr: string;
} {
  let out: Record<string, any> = {};
  try {
    out = JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, out, stderr: r.stderr };
}

const json = (args: string[]) => parse(runCli(args));
const jsonAsync = async (args: string[]) => parse(await runCliAsync(args));

/** One run of a command, shared by the tests that read it (started by the first to ask). */
function shared<T>(start: () => Promise<T>): () => Promise<T> {
  let run: Promise<T> | undefined;
  return () => (run ??= start());
}

/** burst-drain with INV-DET's re-run (the default). */
const burstWithDet = shared(() => jsonAsync(['simulate', BURST, '--json']));
/** burst-drain without the re-run, its trace written (to `burstTraceFile()`). */
const burstTraceFile = () => join(dir, 'trace.ndjson');
const burstNoDet = shared(() =>
  jsonAsync(['simulate', BURST, '--json', '--no-det-check', '--trace', burstTraceFile()]),
);
/** The human summary of a three-task scenario that meets its expectation. */
const tinyText = shared(async () => {
  const file = await scenario('tiny.yaml', {
    queues: [{ name: 'q' }],
    workload: [{ queue: 'q', count: 3 }],
    expect: { succeeded: 3 },
  });
  return runCliAsync(['simulate', file]);
});

/** A small scenario written to the temp dir. */
async function scenario(name: string, body: Record<string, unknown>): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, stringify(body));
  return file;
}

describe('tasksim simulate', () => {
  it('INV-DET --json: the documented shape, every invariant with status and counts, exit 0 on a passing scenario', async () => {
    const { code, out, stderr } = await burstWithDet();
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(out).toMatchObject({
      scenario: 'burst-drain',
      seed: 7,
      tasks: 2000,
      attempts: 2000,
      succeeded: 2000,
      exhausted: 0,
      ok: true,
      unmet: [],
    });
    expect(out.traceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(out.events).toBeGreaterThan(2000 * 4);
    expect(out.virtualSeconds).toBeGreaterThan(30); // 2000 tasks at 50/s after a bucket of 20
    expect(typeof out.wallMs).toBe('number');
    for (const id of [...INVARIANT_IDS, 'INV-DET']) {
      expect(out.invariants[id], id).toMatchObject({
        status: expect.stringMatching(/^(pass|skip)$/),
        checked: expect.any(Number),
        violations: 0,
      });
    }
    expect(out.invariants['INV-DET']).toMatchObject({ status: 'pass', checked: 1, violations: 0 });
    expect(out.invariants['INV-RATE'].status).toBe('pass');
    expect(out.replay).toBe('tasksim simulate scenarios/burst-drain.yaml --seed 7');
  });

  it('INV-DET across processes: two runs print the same traceHash, and it equals the in-process run', async () => {
    // Two processes on the same seed: one with INV-DET's re-run, one without it and writing its trace
    // (neither of which may change the hash).
    const [a, b] = (await Promise.all([burstWithDet(), burstNoDet()])).map((r) => r.out);
    expect(b.traceHash).toBe(a.traceHash);
    expect(b.invariants['INV-DET'].status).toBe('skip');
    const inProcess = await runScenario(await loadScenario(join(ROOT, BURST)), { checkInvariants: false });
    expect(inProcess.traceHash).toBe(a.traceHash);
  });

  it('INV-DET --seed changes the hash (and is echoed); the same --seed reproduces it', async () => {
    const [base, s8] = (
      await Promise.all([burstNoDet(), jsonAsync(['simulate', BURST, '--json', '--no-det-check', '--seed', '8'])])
    ).map((r) => r.out);
    expect(s8.seed).toBe(8);
    expect(s8.traceHash).not.toBe(base.traceHash);
    // The same seed in another process (this one) reproduces it.
    const again = await runScenario(await loadScenario(join(ROOT, BURST)), { seed: 8, checkInvariants: false });
    expect(again.traceHash).toBe(s8.traceHash);
    expect(s8.replay).toContain('--seed 8');
  });

  it('INV-DET --trace writes NDJSON that parses back, hashes to the printed traceHash, and passes every invariant', async () => {
    const file = burstTraceFile();
    const { code, out } = await burstNoDet();
    expect(code).toBe(0);
    const text = await readFile(file, 'utf8');
    expect(text.split('\n').filter(Boolean)).toHaveLength(out.events);
    expect(await hashTrace(readNdjson(file))).toBe(out.traceHash);
    const results = await checkTrace(readNdjson(file));
    expect(results.filter((r) => r.status === 'fail')).toEqual([]);
    const first = JSON.parse(text.slice(0, text.indexOf('\n')));
    expect(first).toMatchObject({ t: 0, e: 'config', seed: 7 });
  });

  // Regression test (fixed; was: src/sim/trace.ts NdjsonWriter.close, l.101-106): `this.out.end(this.pending, () => resolve())`
  // resolves whether or not the stream failed, and the 'error' listener comes too late to matter, so
  // `--trace` into a directory that does not exist (or onto a directory) writes nothing, prints
  // nothing on stderr and exits 0, as if the trace had been written.
  it('--trace to a path that cannot be written is bad input: exit 2 and a message naming the file', () => {
    const target = join(dir, 'no-such-dir', 'trace.ndjson');
    const r = runCli(['simulate', BURST, '--json', '--no-det-check', '--trace', target]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(target);
    expect(r.stderr).not.toContain('    at ');
  });

  it('exit 1 when an expectation is unmet, naming it on stdout', async () => {
    const file = await scenario('unmet.yaml', {
      queues: [{ name: 'q', rate: '100/s' }],
      workload: [{ queue: 'q', count: 5 }],
      expect: { succeeded: 6 },
    });
    const { code, out } = json(['simulate', file, '--json']);
    expect(code).toBe(1);
    expect(out.ok).toBe(false);
    expect(out.unmet).toEqual(['succeeded = 5, expected 6']);
    const human = runCli(['simulate', file]);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('expectation unmet: succeeded = 5, expected 6');
    expect(human.stdout).toContain(`replay: tasksim simulate ${file} --seed 1`);
  });

  it('exit 0 and a readable summary without --json', async () => {
    const r = await tinyText();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/scenario\s+tiny\s+seed 1/);
    expect(r.stdout).toMatch(/3 added · 3 succeeded/);
    for (const id of [...INVARIANT_IDS, 'INV-DET']) expect(r.stdout).toContain(id);
    expect(r.stdout).not.toContain('\x1b['); // NO_COLOR / not a TTY
  });

  it('INV-DET is a timed phase of its own: the summary and --json give the wall time of the whole command and of each phase; no bar off a TTY', async () => {
    const text = await tinyText();
    expect(text.code).toBe(0);
    expect(text.stderr).toBe(''); // not a TTY: no progress bar, nothing to clear
    expect(text.stdout).toMatch(/^wall\s+[\d,]+ ms in all · simulate [\d,]+ ms · INV-DET re-run [\d,]+ ms$/m);
    const [withDet, without] = await Promise.all([burstWithDet(), burstNoDet()]);
    expect(Object.keys(withDet.out.phases)).toEqual(['simulate', 'INV-DET re-run']);
    expect(Object.keys(without.out.phases)).toEqual(['simulate']);
    for (const o of [withDet.out, without.out]) {
      const phases = Object.values(o.phases as Record<string, number>);
      expect(phases.every((ms) => Number.isInteger(ms) && ms >= 0)).toBe(true);
      // The whole command (from process start) holds every phase, and the run phase is what wallMs reports.
      expect(o.totalWallMs).toBeGreaterThanOrEqual(phases.reduce((a, b) => a + b, 0));
      expect(o.phases.simulate).toBe(o.wallMs);
    }
  });

  it('--profile overrides the scenario’s profile', async () => {
    const file = await scenario('limit.yaml', {
      queues: [{ name: 'q', retry_parameters: { task_retry_limit: 2 } }],
      service: { statuses: { 500: 1 }, service_time: '1ms' },
      workload: [{ queue: 'q', count: 1 }],
    });
    const [legacy, cloud] = await Promise.all([
      jsonAsync(['simulate', file, '--json']),
      jsonAsync(['simulate', file, '--json', '--profile', 'cloud-tasks']),
    ]);
    expect(legacy.out.attempts).toBe(3); // RETRY-1: N retries
    expect(cloud.out.attempts).toBe(2); // SPEC §10 cloud-tasks: N attempts
  });

  it('--help exits 0, for the program and for simulate', () => {
    const top = runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('simulate');
    const sub = runCli(['simulate', '--help']);
    expect(sub.code).toBe(0);
    for (const opt of ['--seed', '--json', '--trace', '--profile', '--no-det-check']) expect(sub.stdout).toContain(opt);
    expect(sub.stdout).toMatch(/Exit codes: 0 .*1 .*2 bad input/);
  });
});
