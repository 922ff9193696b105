import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TimeHeap } from '../../src/sim/heap.js';
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
  q: { push(e: E, now: number): void; pop(): E | undefined; peek(): E | undefined; size: number },
  list: Op[],
  seqOf: (i: number) => number,
): void {
  const ref: E[] = [];
  let now = 0;
  let pushes = 0;
  const popBoth = (): void => {
    ref.sort(byKey);
    const want = ref.shift();
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

const heapAsQueue = () => {
  const h = new TimeHeap<E>();
  return {
    push: (e: E) => h.push(e),
    pop: () => h.pop(),
    peek: () => h.peek(),
    get size() {
      return h.size;
    },
  };
};

describe('TimeHeap and ReadyQueue order (t, seq)', () => {
  it('INV-DET TimeHeap pops in exactly (t, seq) order for any interleaving of pushes and pops', () => {
    fc.assert(
      fc.property(ops, (list) => check(heapAsQueue(), list, (i) => i)),
      { numRuns: 300 },
    );
  });

  it('INV-DET ReadyQueue pops in exactly (t, seq) order for any interleaving (increasing seq, as the engine assigns)', () => {
    fc.assert(
      fc.property(ops, (list) => check(new ReadyQueue<E>(), list, (i) => i)),
      { numRuns: 300 },
    );
  });

  it('INV-DET ReadyQueue and TimeHeap stay exact with arbitrary (non-monotone) sequence numbers', () => {
    fc.assert(
      fc.property(ops, fc.integer({ min: 1, max: 1_000_002 }), (list, mult) => {
        // A permutation-ish of seqs: distinct, but not in push order.
        const seqOf = (i: number) => (i * mult) % 1_000_003;
        check(new ReadyQueue<E>(), list, seqOf);
        check(heapAsQueue(), list, seqOf);
      }),
      { numRuns: 200 },
    );
  });

  it('PUSH-5 ReadyQueue stays exact across its FIFO compaction (more than 4096 due entries popped)', () => {
    const q = new ReadyQueue<E>();
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

  it('TimeHeap.removeWhere removes exactly the matching entries and keeps the order', () => {
    const h = new TimeHeap<E>();
    const all = Array.from({ length: 50 }, (_, i) => ({ t: (i * 37) % 11, seq: i }));
    for (const e of all) h.push(e);
    expect(h.removeWhere((e) => e.seq % 3 === 0)).toBe(17);
    expect(h.removeWhere(() => false)).toBe(0);
    const out: E[] = [];
    while (h.size > 0) out.push(h.pop()!);
    expect(out).toEqual(all.filter((e) => e.seq % 3 !== 0).sort(byKey));
  });
});
