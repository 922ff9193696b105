/**
 * Tasks in ETA order (PUSH-5), tuned for the common case. A task enqueued with its ETA already come
 * (ETA = now: a fresh add, an immediate retry) goes to a FIFO; since the clock never goes back, that
 * FIFO is itself in (ETA, seq) order. Only future ETAs pay for the heap. The next task is the earlier
 * of the two heads, so the order is exactly that of one heap, at O(1) for bursts of a million.
 */
import { TimeHeap, type HeapEntry } from './heap.js';

export class ReadyQueue<E extends HeapEntry> {
  private readonly future = new TimeHeap<E>();
  private fifo: E[] = [];
  private head = 0;

  get size(): number {
    return this.future.size + this.fifo.length - this.head;
  }

  /** `now` is the current time: an entry with `t <= now` is due already. */
  push(entry: E, now: number): void {
    const last = this.fifo.length > this.head ? this.fifo[this.fifo.length - 1] : undefined;
    if (entry.t <= now && (last === undefined || last.t < entry.t || (last.t === entry.t && last.seq < entry.seq))) {
      this.fifo.push(entry);
    } else {
      this.future.push(entry);
    }
  }

  peek(): E | undefined {
    const a = this.head < this.fifo.length ? this.fifo[this.head] : undefined;
    const b = this.future.peek();
    if (a === undefined) return b;
    if (b === undefined) return a;
    return b.t < a.t || (b.t === a.t && b.seq < a.seq) ? b : a;
  }

  pop(): E | undefined {
    const top = this.peek();
    if (top === undefined) return undefined;
    if (this.head < this.fifo.length && this.fifo[this.head] === top) {
      this.fifo[this.head++] = undefined as unknown as E; // let it be collected
      if (this.head > 4096 && this.head * 2 > this.fifo.length) {
        this.fifo = this.fifo.slice(this.head);
        this.head = 0;
      }
    } else {
      this.future.pop();
    }
    return top;
  }

  /** Takes `entry` out wherever it waits (linear; for rare operations such as running a task now, CT-4). */
  remove(entry: E): boolean {
    const i = this.fifo.indexOf(entry, this.head);
    if (i >= 0) {
      this.fifo.splice(i, 1);
      return true;
    }
    return this.future.removeWhere((e) => e === entry) > 0;
  }
}
