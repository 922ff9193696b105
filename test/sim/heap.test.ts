import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KeyHeap } from '../../src/sim/key-heap.js';
import { ReadyQueue } from '../../src/sim/ready-queue.js';

interface E {
  t: number;
  seq: number;
}

type Op = { push: number } | { pop: true } | { advance: number };

const byKey = (a: E, b: E): number => a.t - b.t || a.seq - b.seq;

/** Ops where each push has t ≥ now (an offset from the clock) and the clock only moves forward. */
const ops = fc.array(
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ push: fc.integer({ min: 0, max: 20 }) }) },
    { weight: 3, arbitrary: fc.record({ pop: fc.constant(true as const) }) },
    { weight: 2, arbitrary: fc.record({ advance: fc.integer({ min: 0, max: 15 }) }) },
  ),
  { maxLength: 300 },
);

/**
 * Drives a queue and a sorted reference with the same ops; every pop must return the reference's
 * smallest (t, seq). `seqOf` gives the i-th push its sequence number.
 */
function check(
  q: { push(e: E, now: number): void; pop(): E | undefined; peek(): E | undefined; peekT(): number; size: number },
  list: Op[],
  seqOf: (i: number) => number,
): void {
  const ref: E[] = [];
  let now = 0;
  let pushes = 0;
  const popBoth = (): void => {
    ref.sort(byKey);
    const want = ref.shift();
    expect(q.peekT()).toBe(want === undefined ? Infinity : want.t); // the engine's job loop reads it
    expect(q.peek()).toBe(want);
    expect(q.pop()).toBe(want);
  };
  for (const op of list) {
    if ('push' in op) {
      const e = { t: now + op.push, seq: seqOf(pushes++) };
      ref.push(e);
      q.push(e, now);
    } else if ('pop' in op) {
      popBoth();
      // The engine's clock is at least the time of what it just took.
    } else {
      now += op.advance;
    }
    expect(q.size).toBe(ref.length);
  }
  while (ref.length > 0) popBoth();
  expect(q.pop()).toBeUndefined();
  expect(q.size).toBe(0);
}

/** The queues hold integer handles: each entry pushed gets the next one, and pops map back to entries. */
function byHandle(q: {
  push(handle: number, t: number, seq: number, now: number): void;
  pop(): number;
  peek(): number;
  peekT(): number;
  size: number;
}) {
  const entries: E[] = [];
  const entry = (h: number): E | undefined => (h < 0 ? undefined : entries[h]);
  return {
    push: (e: E, now: number) => q.push(entries.push(e) - 1, e.t, e.seq, now),
    pop: () => entry(q.pop()),
    peek: () => entry(q.peek()),
    peekT: () => q.peekT(),
    get size() {
      return q.size;
    },
  };
}

const heapAsQueue = () => byHandle(new KeyHeap());
const readyQueue = () => byHandle(new ReadyQueue());

describe('KeyHeap and ReadyQueue order (t, seq)', () => {
  it('INV-DET KeyHeap pops in exactly (t, seq) order for any interleaving of pushes and pops', () => {
    fc.assert(
      fc.property(ops, (list) => check(heapAsQueue(), list, (i) => i)),
      { numRuns: 300 },
    );
  });

  it('INV-DET ReadyQueue pops in exactly (t, seq) order for any interleaving (increasing seq, as the engine assigns)', () => {
    fc.assert(
      fc.property(ops, (list) => check(readyQueue(), list, (i) => i)),
      { numRuns: 300 },
    );
  });

  it('INV-DET ReadyQueue and KeyHeap stay exact with arbitrary (non-monotone) sequence numbers', () => {
    fc.assert(
      fc.property(ops, fc.integer({ min: 1, max: 1_000_002 }), (list, mult) => {
        // A permutation-ish of seqs: distinct, but not in push order.
        const seqOf = (i: number) => (i * mult) % 1_000_003;
        check(readyQueue(), list, seqOf);
        check(heapAsQueue(), list, seqOf);
      }),
      { numRuns: 200 },
    );
  });

  it('PUSH-5 ReadyQueue stays exact across its FIFO compaction (more than 4096 due entries popped)', () => {
    const q = readyQueue();
    const ref: E[] = [];
    let seq = 0;
    // 10,000 due tasks at t=0, interleaved with future ones.
    for (let i = 0; i < 10_000; i++) {
      const due = { t: 0, seq: seq++ };
      q.push(due, 0);
      ref.push(due);
      if (i % 7 === 0) {
        const later = { t: 1 + (i % 13), seq: seq++ };
        q.push(later, 0);
        ref.push(later);
      }
    }
    ref.sort(byKey);
    const got: E[] = [];
    for (let i = 0; i < 6000; i++) got.push(q.pop()!);
    // Push more due entries at a later now after compaction, then drain.
    for (let i = 0; i < 50; i++) {
      const e = { t: 5, seq: seq++ };
      q.push(e, 5);
      ref.push(e);
    }
    ref.sort(byKey);
    while (q.size > 0) got.push(q.pop()!);
    expect(got).toEqual(ref);
  });

  it('PUSH-5 ReadyQueue stays exact with more growing streams than it has lanes (the rest wait in its heap)', () => {
    // Twelve retry streams, as twelve attempt numbers with their own backoff: at each instant each
    // stream adds one entry at now + its delay, the longest delay first, so every instant's keys fall.
    const list: Op[] = [];
    for (let step = 0; step < 400; step++) {
      list.push({ advance: 1 + (step % 3) });
      for (let k = 0; k < 12; k++) list.push({ push: (12 - k) * 5 });
      for (let k = 0; k < 10 + (step % 5); k++) list.push({ pop: true });
    }
    check(readyQueue(), list, (i) => i);
  });

  it("PUSH-5 ReadyQueue.reserve (a burst's hint) changes no order, whatever lane it sizes", () => {
    fc.assert(
      fc.property(ops, fc.integer({ min: 1, max: 5000 }), (list, extra) => {
        const q = new ReadyQueue();
        let pushes = 0;
        const reserving = byHandle({
          push: (h: number, t: number, seq: number, now: number) => {
            if (pushes++ % 7 === 0) q.reserve(extra, now);
            q.push(h, t, seq);
          },
          pop: () => q.pop(),
          peek: () => q.peek(),
          peekT: () => q.peekT(),
          get size() {
            return q.size;
          },
        });
        check(reserving, list, (i) => i);
      }),
      { numRuns: 200 },
    );
  });

  it('KeyHeap.remove and ReadyQueue.remove take out exactly the entry named and keep the order (CT-4, PULL-5)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ t: fc.integer({ min: 0, max: 9 }), due: fc.boolean() }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (specs, picks) => {
          const all = specs.map((s, seq) => ({ t: s.due ? 0 : s.t, seq }));
          const heap = new KeyHeap();
          const ready = new ReadyQueue();
          all.forEach((e, i) => {
            heap.push(i, e.t, e.seq);
            ready.push(i, e.t, e.seq);
          });
          const gone = new Set<number>();
          for (const p of picks) {
            const h = p % all.length;
            expect(heap.remove(h)).toBe(!gone.has(h));
            expect(ready.remove(h)).toBe(!gone.has(h));
            gone.add(h);
          }
          const want = all
            .map((e, i) => ({ ...e, i }))
            .filter((e) => !gone.has(e.i))
            .sort(byKey)
            .map((e) => e.i);
          const drain = (q: { pop(): number; size: number }): number[] => {
            const out: number[] = [];
            while (q.size > 0) out.push(q.pop());
            return out;
          };
          expect(drain(heap)).toEqual(want);
          expect(drain(ready)).toEqual(want);
          expect(heap.pop()).toBe(-1);
          expect(ready.pop()).toBe(-1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
