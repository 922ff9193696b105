/**
 * Ids in (time, seq) order: a push queue's tasks by ETA (PUSH-5), and the engine's scheduled jobs.
 * Most entries come in streams whose keys only grow: fresh adds (ETA = now, and the clock never goes
 * back), the retries of each attempt number (now + that attempt's RETRY-4 backoff), the answers of a
 * fixed service time. Such an entry is appended to a lane: a FIFO whose last key is below it (of
 * those, the one whose last key is highest, so the lanes stay few). Each lane is in key order by
 * construction, so the next entry is the earliest of the lanes' heads, or the heap's top for what fit
 * no lane. The order is exactly that of one heap; a million waiting retries cost an append and a head
 * read each instead of sifts through a heap of a million. Every lane and the heap hold plain numbers
 * in typed arrays, no objects.
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

  append(id: number, t: number, seq: number): void {
    if (this.tail === this.ids.length) this.makeRoom();
    const at = this.tail++;
    this.ids[at] = id;
    this.ts[at] = t;
    this.seqs[at] = seq;
  }

  /** Room for `extra` more entries without growing step by step. */
  reserve(extra: number): void {
    if (this.tail + extra > this.ids.length) this.moveInto(this.tail - this.head + extra);
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
    if (this.head > COMPACT_AFTER && this.head * 2 > this.tail) {
      this.ids.copyWithin(0, this.head, this.tail);
      this.ts.copyWithin(0, this.head, this.tail);
      this.seqs.copyWithin(0, this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    } else this.moveInto(this.ids.length * 2);
  }

  /** The live entries, moved to the front of new arrays of `size`. */
  private moveInto(size: number): void {
    this.ids = copyInto(new Int32Array(size), this.ids, this.head, this.tail);
    this.ts = copyInto(new Float64Array(size), this.ts, this.head, this.tail);
    this.seqs = copyInto(new Float64Array(size), this.seqs, this.head, this.tail);
    this.tail -= this.head;
    this.head = 0;
  }
}

export class ReadyQueue {
  private readonly future = new KeyHeap();
  private readonly lanes: Lane[] = [];
  /**
   * Each lane's entry count and its first and last keys, in flat arrays: a push and a pop scan them
   * all, and reading them from the lanes themselves cost a load per lane more.
   */
  private readonly sizes = new Int32Array(MAX_LANES);
  private readonly headT = new Float64Array(MAX_LANES);
  private readonly headSeq = new Float64Array(MAX_LANES);
  private readonly tailT = new Float64Array(MAX_LANES);
  private readonly tailSeq = new Float64Array(MAX_LANES);
  /** The lane whose head is the earliest of all lanes' heads, or -1 when every lane is empty. */
  private first = -1;
  private inLanes = 0;

  get size(): number {
    return this.future.size + this.inLanes;
  }

  /** Adds an entry: to the lane it follows in key order, else to the heap. */
  push(id: number, t: number, seq: number): void {
    const { sizes, tailT, tailSeq } = this;
    const fit = this.laneFor(t, seq);
    if (fit < 0) return this.future.push(id, t, seq);
    this.lanes[fit].append(id, t, seq);
    tailT[fit] = t;
    tailSeq[fit] = seq;
    this.inLanes++;
    // Appending never changes a lane's head, unless the lane was empty.
    if (sizes[fit]++ === 0) {
      this.headT[fit] = t;
      this.headSeq[fit] = seq;
      const f = this.first;
      if (f < 0 || t < this.headT[f] || (t === this.headT[f] && seq < this.headSeq[f])) this.first = fit;
    }
  }

  /**
   * Room for `extra` more entries due at `now` (a burst of adds): in the lane they will go to, the one
   * whose last key is the highest at or before `now` (their seqs are all later), or an empty one. A
   * hint: it changes no order, only spares a million entries a copy at each doubling of their lane.
   */
  reserve(extra: number, now: number): void {
    const fit = this.laneFor(now, Infinity); // any seq to come is later than every one so far
    if (fit >= 0) this.lanes[fit].reserve(extra);
  }

  /**
   * The lane a key (t, seq) goes to: of the lanes whose last key is below it, the one whose last key
   * is highest; else an empty lane, or a new one while there are fewer than MAX_LANES; else -1 (the heap).
   */
  private laneFor(t: number, seq: number): number {
    const { sizes, tailT, tailSeq } = this;
    const n = this.lanes.length;
    let fit = -1;
    let empty = -1;
    for (let i = 0; i < n; i++) {
      if (sizes[i] === 0) {
        if (empty < 0) empty = i;
        continue;
      }
      const lt = tailT[i];
      if (
        (lt < t || (lt === t && tailSeq[i] < seq)) &&
        (fit < 0 || lt > tailT[fit] || (lt === tailT[fit] && tailSeq[i] > tailSeq[fit]))
      )
        fit = i;
    }
    if (fit >= 0) return fit;
    return empty >= 0 ? empty : n < MAX_LANES ? this.newLane() : -1;
  }

  /** The id of the earliest entry, or -1 when empty. */
  peek(): number {
    const f = this.first;
    if (f < 0 || !this.laneFirst(f)) return this.future.peek();
    const lane = this.lanes[f];
    return lane.ids[lane.head];
  }

  /** The time of the earliest entry (Infinity when empty). */
  peekT(): number {
    const f = this.first;
    return f >= 0 && this.laneFirst(f) ? this.headT[f] : this.future.peekT();
  }

  /** Takes the earliest entry out; returns its id, or -1 when empty. */
  pop(): number {
    const f = this.first;
    if (f < 0 || !this.laneFirst(f)) return this.future.pop();
    const lane = this.lanes[f];
    const id = lane.shift();
    this.inLanes--;
    if (--this.sizes[f] > 0) this.keepHead(f, lane);
    this.first = this.earliestLane();
    return id;
  }

  /** Takes `id` out wherever it waits (linear; for rare operations such as running a task now, CT-4). */
  remove(id: number): boolean {
    for (let i = 0; i < this.lanes.length; i++) {
      const lane = this.lanes[i];
      if (!lane.remove(id)) continue;
      this.inLanes--;
      if (--this.sizes[i] > 0) {
        this.keepHead(i, lane);
        this.tailT[i] = lane.ts[lane.tail - 1];
        this.tailSeq[i] = lane.seqs[lane.tail - 1];
      }
      this.first = this.earliestLane();
      return true;
    }
    return this.future.remove(id);
  }

  private newLane(): number {
    this.lanes.push(new Lane());
    return this.lanes.length - 1;
  }

  /** Notes lane `i`'s (new) first key. */
  private keepHead(i: number, lane: Lane): void {
    this.headT[i] = lane.ts[lane.head];
    this.headSeq[i] = lane.seqs[lane.head];
  }

  /** Lane `f`'s head (the earliest of the lanes') comes before the heap's top. */
  private laneFirst(f: number): boolean {
    const future = this.future;
    if (future.size === 0) return true;
    const t = this.headT[f];
    const ft = future.peekT();
    return t < ft || (t === ft && this.headSeq[f] < future.peekSeq());
  }

  private earliestLane(): number {
    const { sizes, headT, headSeq } = this;
    let best = -1;
    for (let i = 0; i < this.lanes.length; i++) {
      if (
        sizes[i] !== 0 &&
        (best < 0 || headT[i] < headT[best] || (headT[i] === headT[best] && headSeq[i] < headSeq[best]))
      )
        best = i;
    }
    return best;
  }
}

function copyInto<A extends Int32Array | Float64Array>(to: A, from: A, start: number, end: number): A {
  to.set(from.subarray(start, end) as never);
  return to;
}
