/**
 * The invariants judged in a thread of their own, from the trace's canonical bytes (thread.ts): the
 * same verdicts as the in-process suite, violations included, an add's dl and a response's ra
 * included; and a checker thread that fails, dies, hangs or cannot start
 * is an error, never a pass and never a hang.
 */
import { describe, expect, it } from 'vitest';
import { checkTrace, type InvariantResult } from '../../src/invariants/index.js';
import { InvariantThread, InvariantThreadError, type InvariantThreadOptions } from '../../src/invariants/thread.js';
import { RING_SLOTS, SLOT_BYTES } from '../../src/invariants/chunk-ring.js';
import type { AddEvent, ResponseEvent, TraceEvent } from '../../src/sim/events.js';
import { TraceHasher } from '../../src/sim/trace.js';
import { bundledThread, checkerThreadEntry } from '../helpers/checker-thread.js';
import { kitchenSink } from '../helpers/engine.js';
import { TraceBuilder, expectFails, expectPasses, queue, resultOf } from './trace-builder.js';

const S = 1_000_000;
/** A fixture thread, bundled as the checker thread is (test/helpers/checker-thread.ts). */
const fixture = (name: string): InvariantThreadOptions => ({
  entry: bundledThread(new URL(`./fixtures/${name}`, import.meta.url)),
});

/**
 * The events through a hasher whose chunks feed a checker thread, as runScenario wires them. The
 * thread runs the checkers' sources bundled (test/helpers/checker-thread.ts: the same code, a third
 * of the CPU to start); the tests of failures below start it as thread.ts finds it.
 */
async function judgeInThread(
  events: TraceEvent[],
  opts: InvariantThreadOptions = { entry: checkerThreadEntry() },
): Promise<InvariantResult[]> {
  const thread = await InvariantThread.start(opts);
  try {
    const hasher = new TraceHasher();
    thread.attach(hasher);
    for (const ev of events) hasher.onEvent(ev);
    await thread.close();
    return thread.results();
  } finally {
    await thread.dispose();
  }
}

describe('invariants in a thread of their own: the same verdicts', () => {
  it('INV-NODUP-AFTER-DELETE INV-HDR a trace with a delivery after delete and a wrong header fails both, as in-process', async () => {
    const b = new TraceBuilder({ queues: [queue('default'), queue('other')] });
    b.add(1, 0, { eta: S })
      .del(1, 10)
      .attempt(1, S, 200) // delivered after its delete
      .add(2, 0)
      .attempt(2, 0, 200, { h: { qn: 'other' } }) // HDR-1: the queue's name is 'default'
      .success(2, 1000)
      .end(2 * S);
    const threaded = await judgeInThread(b.events);
    expect(threaded).toEqual(await checkTrace(b.events));
    expectFails(threaded, 'INV-NODUP-AFTER-DELETE', 'INV-NODUP-AFTER-DELETE', ['INV-HDR']);
    expectFails(threaded, 'INV-HDR', 'HDR-1', ['INV-NODUP-AFTER-DELETE']);
  });

  it('INV-DET every event type of an engine run is judged alike', async () => {
    const te = await kitchenSink();
    const threaded = await judgeInThread(te.events);
    expect(threaded).toEqual(await checkTrace(te.events));
    expect(threaded.map((r) => r.status)).not.toContain('skip' as never); // kitchenSink exercises every invariant
  });

  it('HDR-2 INV-NODUP-AFTER-DELETE a wrong task name found on the thread is shown by its real name', async () => {
    // The thread's checkers get names as hashes; the string of one shown in a violation is read
    // from the bytes then: ASCII, other Unicode, a lone surrogate, one longer than a 32 KiB piece.
    const long = 'n'.repeat(40_000);
    const b = new TraceBuilder();
    b.add(1, 0, { name: 'task-1' })
      .attempt(1, 0, 200, { h: { tn: 'task-one' } })
      .success(1, 1000)
      .add(2, 0, { name: 'tâche-2' })
      .attempt(2, 0, 200, { h: { tn: 'tâche-deux' } })
      .success(2, 1000)
      .add(3, 0, { name: 'x\ud800' })
      .attempt(3, 0, 200, { h: { tn: 'x\udc00' } })
      .success(3, 1000)
      .add(4, 0, { name: `${long}a` })
      .attempt(4, 0, 200, { h: { tn: `${long}b` } })
      .success(4, 1000)
      .add(5, 0, { name: 'right' })
      .attempt(5, 0, 200) // the name given at add: no violation
      .success(5, 1000)
      .add(6, 0, { name: 'doomed', eta: S })
      .del(6, 10)
      .dispatch(6, S, { h: { tn: '' } }) // after its delete, and with an empty name
      .end(2 * S);
    const threaded = await judgeInThread(b.events);
    expect(threaded).toEqual(await checkTrace(b.events));
    expectFails(threaded, 'INV-NODUP-AFTER-DELETE', 'INV-NODUP-AFTER-DELETE', ['INV-HDR']);
    const hdr2 = resultOf(threaded, 'INV-HDR').examples.filter((v) => v.rule === 'HDR-2');
    expect(hdr2.map((v) => [v.id, v.expected, v.actual])).toEqual([
      [1, 'the name given at add', '"task-one"'],
      [2, 'the name given at add', '"tâche-deux"'],
      [3, 'the name given at add', '"x\\udc00"'],
      [4, 'the name given at add', `"${long}b"`],
      [6, 'a non-empty name', '""'],
    ]);
  });

  it('INV-DET the thread judges engine runs as the in-process suite does, seed after seed', async () => {
    for (const seed of [2, 3, 4]) {
      const te = await kitchenSink(seed);
      expect(await judgeInThread(te.events)).toEqual(await checkTrace(te.events));
    }
  });

  it('DEADLINE-1 CT-2 CT-5 an add’s own deadline and a Retry-After reach the checkers through the bytes', async () => {
    const b = new TraceBuilder({ deadlineUs: 10 * S });
    // A long non-ASCII tag flushes a chunk as it goes: dl follows it in the next one.
    b.add(1, 0, { tag: 'é'.repeat(40_000) });
    (b.events.at(-1) as AddEvent).dl = 2 * S;
    b.attempt(1, 0, 0, { out: 'deadline', lat: 3 * S }); // past its own 2 s, within the queue's 10 s
    b.retry(1, 3 * S, 3 * S + 100_000); // one minimum backoff (100 ms) after the response
    b.attempt(1, 4 * S, 503, { lat: 1000 });
    (b.events.at(-1) as ResponseEvent).ra = 60 * S;
    b.retry(1, 4 * S + 1000, 64 * S + 1000) // Retry-After's 60 s, not the 200 ms backoff
      .attempt(1, 64 * S + 1000, 200)
      .success(1, 64 * S + 2000)
      .end(65 * S);
    const threaded = await judgeInThread(b.events);
    expectPasses(threaded, 'INV-DEADLINE');
    expectPasses(threaded, 'INV-ETA');
    expect(threaded).toEqual(await checkTrace(b.events));
    // Without them the same trace fails: the fields were needed, and carried.
    const stripped = b.events.map((ev) => {
      const { dl: _dl, ra: _ra, ...rest } = ev as unknown as Record<string, unknown>;
      return rest as unknown as TraceEvent;
    });
    const without = await checkTrace(stripped);
    expectFails(without, 'INV-DEADLINE', 'DEADLINE-1', ['INV-ETA']);
    expectFails(without, 'INV-ETA', 'RETRY-4', ['INV-DEADLINE']);
  });
});

describe('invariants in a thread of their own: failure is an error, never a pass or a hang', () => {
  it('bytes the thread cannot decode: results() throws with what was wrong', async () => {
    const thread = await InvariantThread.start();
    try {
      thread.write(new Uint8Array([77, 1, 2, 3]));
      await thread.close();
      expect(() => thread.results()).toThrow(InvariantThreadError);
      expect(() => thread.results()).toThrow(/could not be judged: trace bytes: unknown event type 77/);
    } finally {
      await thread.dispose();
    }
  });

  it('a thread that dies before its results: results() throws with its exit code', async () => {
    const thread = await InvariantThread.start(fixture('thread-exits.ts'));
    try {
      thread.write(new Uint8Array(1000));
      await thread.close();
      expect(() => thread.results()).toThrow(/could not be judged: it exited \(code 3\) before giving its results/);
    } finally {
      await thread.dispose();
    }
  });

  it('a thread that never reads: the engine waits at most stallMs once the ring is full, then it is an error', async () => {
    const thread = await InvariantThread.start({ ...fixture('thread-never-reads.ts'), stallMs: 300 });
    try {
      const chunk = new Uint8Array(SLOT_BYTES);
      for (let i = 0; i < RING_SLOTS; i++) thread.write(chunk);
      expect(thread.failure).toBeUndefined(); // the ring holds RING_SLOTS chunks without waiting
      thread.write(chunk);
      expect(thread.failure).toBe('the checker thread read nothing for 0.3 s with the ring full');
      thread.write(chunk); // dropped at once: no second wait
      await thread.close();
      expect(() => thread.results()).toThrow(/could not be judged: the checker thread read nothing for 0\.3 s/);
    } finally {
      await thread.dispose();
    }
  });

  it('a thread that cannot start: start() rejects and says so', async () => {
    const started = InvariantThread.start(fixture('thread-cannot-start.ts'));
    await expect(started).rejects.toThrow(InvariantThreadError);
    await expect(started).rejects.toThrow(/did not start: it crashed: cannot load the checkers/);
  });
});
