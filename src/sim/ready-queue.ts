/**
 * Task ids in ETA order (PUSH-5), tuned for the common case. A task enqueued with its ETA already come
 * (ETA = now: a fresh add, an immediate retry) goes to a FIFO; since the clock never goes back, that
 * FIFO is itself in (ETA, seq) order. Only future ETAs pay for the heap. The next task is the earlier
 * of the two heads, so the order is exactly that of one heap, at O(1) for bursts of a million. Both
 * hold plain numbers in typed arrays, no objects.
 */
import { KeyHeap } from './key-heap.js';

/** The FIFO compacts once this many entries at its front are spent (and they are most of it). */
const COMPACT_AFTER = 4096;

export class ReadyQueue {
  private readonly future = new KeyHeap();
  private ids = new Int32Array(64);
  private ts = new Float64Array(64);
  private seqs = new Float64Array(64);
  private head = 0;
  private tail = 0;

  get size(): number {
    return this.future.size + this.tail - this.head;
  }

  /** `now` is the current time: an entry with `t <= now` is due already. */
  push(id: number, t: number, seq: number, now: number): void {
    const tail = this.tail;
    if (
      t <= now &&
      (tail === this.head || this.ts[tail - 1] < t || (this.ts[tail - 1] === t && this.seqs[tail - 1] < seq))
    ) {
      if (tail === this.ids.length) this.makeRoom();
      const at = this.tail++;
      this.ids[at] = id;
      this.ts[at] = t;
      this.seqs[at] = seq;
    } else {
      this.future.push(id, t, seq);
    }
  }

  /** The id of the earliest entry, or -1 when empty. */
  peek(): number {
    if (this.head === this.tail) return this.future.peek();
    return this.fifoFirst() ? this.ids[this.head] : this.future.peek();
  }

  /** Takes the earliest entry out; returns its id, or -1 when empty. */
  pop(): number {
    if (this.head === this.tail) return this.future.pop();
    if (!this.fifoFirst()) return this.future.pop();
    const id = this.ids[this.head++];
    if (this.head === this.tail) this.head = this.tail = 0; // drained: start again at the front
    return id;
  }

  /** Takes `id` out wherever it waits (linear; for rare operations such as running a task now, CT-4). */
  remove(id: number): boolean {
    const i = this.ids.subarray(this.head, this.tail).indexOf(id);
    if (i < 0) return this.future.remove(id);
    const at = this.head + i;
    this.ids.copyWithin(at, at + 1, this.tail);
    this.ts.copyWithin(at, at + 1, this.tail);
    this.seqs.copyWithin(at, at + 1, this.tail);
    this.tail--;
    return true;
  }

  /** The FIFO's head comes before the heap's top (the FIFO is not empty). */
  private fifoFirst(): boolean {
    const t = this.ts[this.head];
    const ft = this.future.peekT();
    return t < ft || (t === ft && this.seqs[this.head] < this.future.peekSeq());
  }

  /** At the FIFO's end: drop the spent front if it is most of the array, else double the array. */
  private makeRoom(): void {
    const live = this.tail - this.head;
    if (this.head > COMPACT_AFTER && this.head * 2 > this.tail) {
      this.ids.copyWithin(0, this.head, this.tail);
      this.ts.copyWithin(0, this.head, this.tail);
      this.seqs.copyWithin(0, this.head, this.tail);
    } else {
      const size = this.ids.length * 2;
      this.ids = copyInto(new Int32Array(size), this.ids, this.head, this.tail);
      this.ts = copyInto(new Float64Array(size), this.ts, this.head, this.tail);
      this.seqs = copyInto(new Float64Array(size), this.seqs, this.head, this.tail);
    }
    this.head = 0;
    this.tail = live;
  }
}

function copyInto<A extends Int32Array | Float64Array>(to: A, from: A, start: number, end: number): A {
  to.set(from.subarray(start, end) as never);
  return to;
}
