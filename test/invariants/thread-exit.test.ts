/**
 * A checker thread that exits mid-run is noticed at once, not after the stall bound: the thread says
 * so on the ring on its way out (an exit or an uncaught error), and the engine's waits between slices
 * let the thread's 'exit' event and a signal in (a thread killed outright, which says nothing). Every
 * test sets a stall bound of minutes: a run that got its answer only from the stall would hang until
 * the test's timeout, so the assertions are on what ended the run, never on how long it took.
 */
import { BroadcastChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { RING_SLOTS, SLOT_BYTES, TEST_EXIT_CODE } from '../../src/invariants/chunk-ring.js';
import { InvariantThread, InvariantThreadError } from '../../src/invariants/thread.js';
import { scenarioFromObject } from '../../src/scenario/load.js';
import { SLICE_EVENTS, runScenario } from '../../src/scenario/run.js';
import type { Scenario } from '../../src/scenario/types.js';
import { TraceHasher } from '../../src/sim/trace.js';
import { bundledThread, checkerThreadEntry } from '../helpers/checker-thread.js';

/** Far beyond any test's timeout: only a failure to notice would reach it. */
const STALL_MS = 600_000;
/** The channel of fixtures/thread-reads-when-told.ts. */
const WAIT_CHANNEL = 'tasksim-test-writer-sleeps';
/**
 * A fixture thread, and the real checker thread, bundled (test/helpers/checker-thread.ts): the same
 * code, started in less CPU.
 */
const fixture = (name: string): URL => bundledThread(new URL(`./fixtures/${name}`, import.meta.url));

/**
 * 240,001 events, tasks arriving one at a time (no burst of a million adds in one step): each slice of
 * 100,000 events is about 82 ring slots of 64 KiB (more than half the ring, less than all of it), so
 * the engine fills the ring only at a slice's end, where it waits for room between slices.
 */
function steady(): Promise<Scenario> {
  return scenarioFromObject(
    {
      name: 'steady',
      seed: 5,
      queues: [{ name: 'steady', rate: '1000/s', bucket_size: 100, max_concurrent_requests: 1000 }],
      service: { scaling: 'automatic', service_time: '20ms', statuses: { 200: 100 } },
      workload: [{ queue: 'steady', kind: 'constant', rate: '1000/s', count: 60_000 }],
    },
    'steady.yaml',
  );
}

describe('a checker thread that exits mid-run ends the run at once with InvariantThreadError', () => {
  it('the real checker thread exits while the engine waits on a full ring: the wait ends, not after the stall', async () => {
    const thread = await InvariantThread.start({ entry: checkerThreadEntry(), exitAfterChunks: 2, stallMs: STALL_MS });
    try {
      const hasher = new TraceHasher();
      thread.attach(hasher);
      // More than the ring holds: a success event is 1 + 8 + 8 + (2 + 4) + 8 = 31 bytes; RING_SLOTS + 16 chunks.
      const events = Math.ceil(((RING_SLOTS + 16) * SLOT_BYTES) / 31);
      for (let i = 0; i < events; i++) hasher.onEvent({ t: i, e: 'success', id: i, q: 'bulk', n: 0 });
      hasher.drain();
      // The write that found the ring full returned: the thread said it failed as it exited.
      expect(thread.failure).toBe('the checker thread failed');
      await thread.close();
      expect(() => thread.results()).toThrow(InvariantThreadError);
      expect(() => thread.results()).toThrow(
        new RegExp(`could not be judged: it exited \\(code ${TEST_EXIT_CODE}\\) before giving its results`),
      );
    } finally {
      await thread.dispose();
    }
  });

  it('runScenario: the real checker thread exits inside a burst of 200,000 adds: an error naming the exit', async () => {
    const s = await scenarioFromObject(
      {
        name: 'burst',
        queues: [{ name: 'bulk', rate: '500/s' }],
        workload: [{ queue: 'bulk', kind: 'burst', count: 200_000 }], // one step: about 150 slots of adds
      },
      'burst.yaml',
    );
    const run = runScenario(s, {
      invariantThread: { entry: checkerThreadEntry(), exitAfterChunks: 3, stallMs: STALL_MS },
    });
    await expect(run).rejects.toThrow(InvariantThreadError);
    await expect(run).rejects.toThrow(new RegExp(`it exited \\(code ${TEST_EXIT_CODE}\\) before giving its results`));
  });

  it('runScenario: a thread killed outright, with no word on the ring, is seen by the wait between slices', async () => {
    const run = runScenario(await steady(), {
      invariantThread: { entry: fixture('thread-exits-silently.ts'), stallMs: STALL_MS },
    });
    await expect(run).rejects.toThrow(/invariants could not be judged: it exited \(code 9\) before giving its results/);
  });

  it('runScenario: a signal while the engine waits for the checkers stops the run there, judged in full', async () => {
    const stop = new AbortController();
    const channel = new BroadcastChannel(WAIT_CHANNEL);
    // The thread says the engine sleeps; only a wait that lets events in hears the abort. Then it reads.
    channel.onmessage = () => {
      stop.abort();
      channel.postMessage('go');
    };
    try {
      const r = await runScenario(await steady(), {
        signal: stop.signal,
        invariantThread: { entry: fixture('thread-reads-when-told.ts'), stallMs: STALL_MS },
      });
      // Stopped where it first waited, after the first slice of SLICE_EVENTS (its last step may add a few
      // events) and before the second: a stop seen only after the wait would have run that slice too.
      expect(SLICE_EVENTS).toBe(100_000);
      expect(r.end).toBe('stopped');
      expect(r.events).toBeGreaterThan(100_000);
      expect(r.events).toBeLessThan(200_000);
      expect(r.invariants.map((i) => i.status)).not.toContain('fail');
      expect(r.invariants.length).toBe(9);
    } finally {
      channel.close();
    }
  });
});
