/**
 * Task ids in (ETA, seq) order (PUSH-5), tuned for how a queue fills (the engine's jobs, which fill
 * alike, use it too). Most entries come in streams
 * whose keys only grow: fresh adds (ETA = now, and the clock never goes back), and the retries of
 * each attempt number (now + the same RETRY-4 backoff). Such an entry is appended to a lane: a FIFO
 * whose last key is below it (of those, the one whose last key is highest, so the lanes stay few).
 * Each lane is in key order by construction, so the next entry is the earliest of the lanes' heads,
 * or the heap's top for what fit no lane. The order is exactly that of one heap; a million waiting
 * retries cost a few appends and head reads instead of sifting a heap of a million. Every lane and
 * the heap hold plain numbers in typed arrays, no objects.
 */
import { KeyHeap } from './key-heap.js';

/** Enough for fresh adds and a retry stream per attempt number of a typical retry limit. */
const MAX_LANES = 8;
/** A lane compacts once this many entries at its front are spent (and they are most of it). */
const COMPACT_AFTER = 4096;

/** One FIFO of entries in increasing (t, seq) order. */
class Lane {
  ids = new Int32Array(64);
  ts = new Float64Array(64);
  seqs = new Float64Array(64);
  head = 0;
  tail = 0;

  /** The last key is below (t, seq): the entry may be appended. The lane is not empty. */
  endsBefore(t: number, seq: number): boolean {
    const lt = this.ts[this.tail - 1];
    return lt < t || (lt === t && this.seqs[this.tail - 1] < seq);
  }

  /** Its last key is above that of `other`'s (both not empty). */
  endsAfter(other: Lane): boolean {
    const t = this.ts[this.tail - 1];
    const ot = other.ts[other.tail - 1];
    return t > ot || (t === ot && this.seqs[this.tail - 1] > other.seqs[other.tail - 1]);
  }

  /** Its head comes before `other`'s head (both not empty). */
  startsBefore(other: Lane): boolean {
    const t = this.ts[this.head];
    const ot = other.ts[other.head];
    return t < ot || (t === ot && this.seqs[this.head] < other.seqs[other.head]);
  }

  append(id: number, t: number, seq: number): void {
    if (this.tail === this.ids.length) this.makeRoom();
    const at = this.tail++;
    this.ids[at] = id;
    this.ts[at] = t;
    this.seqs[at] = seq;
  }

  /** Room for `extra` more entries without growing step by step. */
  reserve(extra: number): void {
    const live = this.tail - this.head;
    if (this.tail + extra <= this.ids.length) return;
    const size = live + extra;
    this.ids = copyInto(new Int32Array(size), this.ids, this.head, this.tail);
    this.ts = copyInto(new Float64Array(size), this.ts, this.head, this.tail);
    this.seqs = copyInto(new Float64Array(size), this.seqs, this.head, this.tail);
    this.head = 0;
    this.tail = live;
  }

  shift(): number {
    const id = this.ids[this.head++];
    if (this.head === this.tail) this.head = this.tail = 0; // drained: start again at the front
    return id;
  }

  remove(id: number): boolean {
    const i = this.ids.subarray(this.head, this.tail).indexOf(id);
    if (i < 0) return false;
    const at = this.head + i;
    this.ids.copyWithin(at, at + 1, this.tail);
    this.ts.copyWithin(at, at + 1, this.tail);
    this.seqs.copyWithin(at, at + 1, this.tail);
    this.tail--;
    if (this.head === this.tail) this.head = this.tail = 0;
    return true;
  }

  /** At the array's end: drop the spent front if it is most of the array, else double the array. */
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

export class ReadyQueue {
  private readonly future = new KeyHeap();
  private readonly lanes: Lane[] = [];
  /** The lane whose head is the earliest of all lanes' heads, or undefined when every lane is empty. */
  private first: Lane | undefined = undefined;
  private inLanes = 0;

  get size(): number {
    return this.future.size + this.inLanes;
  }

  /** `now`, the current time, is not needed for the order: a lane takes any entry above its last. */
  push(id: number, t: number, seq: number, _now?: number): void {
    const lanes = this.lanes;
    let fit: Lane | undefined;
    let empty: Lane | undefined;
    for (let i = 0; i < lanes.length; i++) {
      const lane = lanes[i];
      if (lane.head === lane.tail) empty ??= lane;
      else if (lane.endsBefore(t, seq) && (fit === undefined || lane.endsAfter(fit))) fit = lane;
    }
    if (fit === undefined) fit = empty ?? (lanes.length < MAX_LANES ? this.newLane() : undefined);
    if (fit === undefined) return this.future.push(id, t, seq);
    const wasEmpty = fit.head === fit.tail;
    fit.append(id, t, seq);
    this.inLanes++;
    // Appending never changes a lane's head, unless the lane was empty.
    if (wasEmpty && (this.first === undefined || fit.startsBefore(this.first))) this.first = fit;
  }

  /**
   * Room for `extra` more entries due at `now` (a burst of adds): in the lane they will go to, the one
   * whose last key is the highest at or before `now` (their seqs are all later), or an empty one. A
   * hint: it changes no order, only spares a million entries a copy at each doubling of their lane.
   */
  reserve(extra: number, now: number): void {
    let fit: Lane | undefined;
    let empty: Lane | undefined;
    for (const lane of this.lanes) {
      if (lane.head === lane.tail) empty ??= lane;
      else if (lane.ts[lane.tail - 1] <= now && (fit === undefined || lane.endsAfter(fit))) fit = lane;
    }
    const lane = fit ?? empty ?? (this.lanes.length < MAX_LANES ? this.newLane() : undefined);
    lane?.reserve(extra);
  }

  /** The id of the earliest entry, or -1 when empty. */
  peek(): number {
    const lane = this.first;
    if (lane === undefined) return this.future.peek();
    return this.laneFirst(lane) ? lane.ids[lane.head] : this.future.peek();
  }

  /** The time of the earliest entry (Infinity when empty). */
  peekT(): number {
    const lane = this.first;
    if (lane === undefined) return this.future.peekT();
    return this.laneFirst(lane) ? lane.ts[lane.head] : this.future.peekT();
  }

  /** Takes the earliest entry out; returns its id, or -1 when empty. */
  pop(): number {
    const lane = this.first;
    if (lane === undefined || !this.laneFirst(lane)) return this.future.pop();
    const id = lane.shift();
    this.inLanes--;
    this.first = this.earliestLane();
    return id;
  }

  /** Takes `id` out wherever it waits (linear; for rare operations such as running a task now, CT-4). */
  remove(id: number): boolean {
    for (const lane of this.lanes) {
      if (lane.remove(id)) {
        this.inLanes--;
        this.first = this.earliestLane();
        return true;
      }
    }
    return this.future.remove(id);
  }

  private newLane(): Lane {
    const lane = new Lane();
    this.lanes.push(lane);
    return lane;
  }

  /** `lane`'s head (the earliest of the lanes') comes before the heap's top. */
  private laneFirst(lane: Lane): boolean {
    const future = this.future;
    if (future.size === 0) return true;
    const t = lane.ts[lane.head];
    const ft = future.peekT();
    return t < ft || (t === ft && lane.seqs[lane.head] < future.peekSeq());
  }

  private earliestLane(): Lane | undefined {
    const lanes = this.lanes;
    let best: Lane | undefined;
    for (let i = 0; i < lanes.length; i++) {
      const lane = lanes[i];
      if (lane.head !== lane.tail && (best === undefined || lane.startsBefore(best))) best = lane;
    }
    return best;
  }
}

function copyInto<A extends Int32Array | Float64Array>(to: A, from: A, start: number, end: number): A {
  to.set(from.subarray(start, end) as never);
  return to;
}
