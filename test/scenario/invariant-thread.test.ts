/**
 * runScenario with its invariants judged in a thread of their own: the same trace hash, counts and
 * verdicts as in-process on every scenario; a stop by signal ends both alike; a checker thread that
 * dies or hangs makes the run an error; no thread outlives the run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { THREAD_MIN_TASKS, runScenario, usesInvariantThread } from '../../src/scenario/run.js';
import type { Scenario } from '../../src/scenario/types.js';
import { InvariantThreadError } from '../../src/invariants/thread.js';
import { TraceHasher } from '../../src/sim/trace.js';
import { bundledThread, checkerThreadEntry } from '../helpers/checker-thread.js';
import { ROOT, ensureCliBuilt } from '../helpers/engine.js';

const SCENARIOS = join(ROOT, 'scenarios');
/** A fixture thread, bundled as the checker thread is (test/helpers/checker-thread.ts). */
const fixture = (name: string): URL => bundledThread(new URL(`../invariants/fixtures/${name}`, import.meta.url));

/**
 * A scenario file, its streams cut to at most `tasks` tasks each (throughput-1m has a million). At
 * 1,000 a stream every scenario keeps its queues, workers, actions and event types, and its trace
 * still spans several 64 KiB chunks (3 to 15; deadlines, 120 tasks in all, fits in one), so the
 * thread reads a trace chunk after chunk; the run costs little beside the thread's start.
 */
async function scenario(file: string, tasks = 1_000): Promise<Scenario> {
  const s = await loadScenario(join(SCENARIOS, file));
  for (const stream of s.workload) stream.count = Math.min(stream.count, tasks);
  return s;
}

/** The one scenario whose whole trace fits in a chunk (deadlines: 120 tasks). */
const ONE_CHUNK = new Set(['deadlines.yaml']);

describe('runScenario judges alike in a thread and in-process (INV-DET)', async () => {
  const files = (await readdir(SCENARIOS)).filter((f) => f.endsWith('.yaml'));

  it('INV-DET the shipped scenarios are all compared below', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  for (const f of files) {
    it(`INV-DET ${f}: the same hash, counts and results, with the thread and without`, async () => {
      const s = await scenario(f);
      // The chunks the thread reads, counted on a second hasher beside the in-process run.
      const bytes = new TraceHasher();
      let chunks = 0;
      bytes.shareChunks(() => chunks++);
      const inProcess = await runScenario(s, { invariantThread: 'off', sinks: [bytes] });
      bytes.drain();
      // The checker thread's code bundled (test/helpers/checker-thread.ts): the same sources, started
      // in less CPU; the runs below start it from the sources as thread.ts finds it.
      const threaded = await runScenario(s, { invariantThread: { entry: checkerThreadEntry() } });
      expect(threaded).toEqual(inProcess);
      expect(threaded.invariants.length).toBe(9);
      // Not a comparison of one-chunk traces: the thread reads the trace chunk after chunk.
      if (!ONE_CHUNK.has(f)) expect(chunks).toBeGreaterThanOrEqual(3);
    });
  }

  it('INV-DET a run stopped by its signal stops at the same event either way, with the same results', async () => {
    const s = await scenario('throughput-1m.yaml', 200_000);
    const stopped = AbortSignal.abort(); // seen after the first slice
    const inProcess = await runScenario(s, { invariantThread: 'off', signal: stopped });
    const threaded = await runScenario(s, { invariantThread: 'on', signal: stopped });
    expect(threaded.end).toBe('stopped');
    // A whole run has each task's add, dispatch and response at least: 600,000 events.
    expect(threaded.events).toBeLessThan(600_000);
    expect(threaded).toEqual(inProcess);
  });

  it('auto: a thread for runs of THREAD_MIN_TASKS tasks or more on two cores or more, none for the small ones', async () => {
    const small = await scenario('retry-backoff.yaml');
    const big = await scenario('throughput-1m.yaml', THREAD_MIN_TASKS);
    const justBelow = await scenario('throughput-1m.yaml', THREAD_MIN_TASKS - 1);
    expect(THREAD_MIN_TASKS).toBe(100_000);
    expect(usesInvariantThread(small, 'auto', 2)).toBe(false);
    expect(usesInvariantThread(justBelow, 'auto', 2)).toBe(false);
    expect(usesInvariantThread(big, 'auto', 2)).toBe(true);
    expect(usesInvariantThread(big, 'off', 2)).toBe(false);
    expect(usesInvariantThread(small, 'on', 2)).toBe(true);
    expect(usesInvariantThread(small, { stallMs: 1 }, 2)).toBe(true);
    // With one core the thread would only take turns with the engine.
    expect(usesInvariantThread(big, 'auto', 1)).toBe(false);
    expect(usesInvariantThread(big, 'on', 1)).toBe(true);
  });
});

describe('runScenario with a checker thread that fails', () => {
  it('one that dies: the run is an InvariantThreadError naming its exit, not a pass', async () => {
    const s = await scenario('retry-backoff.yaml');
    const run = runScenario(s, { invariantThread: { entry: fixture('thread-exits.ts') } });
    await expect(run).rejects.toThrow(InvariantThreadError);
    await expect(run).rejects.toThrow(/invariants could not be judged: it exited \(code 3\) before giving its results/);
  });

  it('one that hangs: the engine stops at its next slice and the run is an error, not a hang', async () => {
    const s = await scenario('throughput-1m.yaml', 200_000);
    const run = runScenario(s, { invariantThread: { entry: fixture('thread-never-reads.ts'), stallMs: 300 } });
    await expect(run).rejects.toThrow(/invariants could not be judged: the checker thread read nothing for 0\.3 s/);
  });

  it('no checker thread keeps the process alive: a script that ran one exits by itself', async () => {
    // The built code, as the CLI runs it (its thread is the built thread-worker.js): nothing to compile.
    ensureCliBuilt();
    const dist = (file: string): string => JSON.stringify(pathToFileURL(join(ROOT, 'dist/src', file)).href);
    const dir = await mkdtemp(join(tmpdir(), 'tasksim-thread-exit-'));
    const script = join(dir, 'run.mjs');
    await writeFile(
      script,
      `
      import { loadScenario } from ${dist('scenario/load.js')};
      import { runScenario } from ${dist('scenario/run.js')};
      const s = await loadScenario('scenarios/deadlines.yaml'); // the smallest: a run with a thread is all it takes
      const r = await runScenario(s, { invariantThread: 'on' });
      console.log(r.invariants.filter((i) => i.status === 'pass').length > 0 ? 'judged' : 'not judged');
    `,
    );
    try {
      // The timeout is only a guard: a lingering thread would hold the process until it.
      const r = spawnSync(process.execPath, [script], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
      expect(r.stderr).toBe('');
      expect([r.status, r.stdout.trim()]).toEqual([0, 'judged']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
