/**
 * A binary min-heap of integer handles (task ids, job slots) ordered by (time, seq), every key and
 * handle in a typed array. It holds no objects: a million waiting retries cost the garbage collector
 * nothing to trace, and sifting touches only flat numbers. Sequence numbers are unique per engine, so
 * the order is total and any correct heap pops the same sequence (INV-DET).
 */
export class KeyHeap {
  private ts = new Float64Array(64);
  private seqs = new Float64Array(64);
  private handles = new Int32Array(64);
  private n = 0;

  get size(): number {
    return this.n;
  }

  /** The handle of the smallest (t, seq), or -1 when empty. */
  peek(): number {
    return this.n > 0 ? this.handles[0] : -1;
  }

  /** The time of the smallest entry (Infinity when empty). */
  peekT(): number {
    return this.n > 0 ? this.ts[0] : Infinity;
  }

  peekSeq(): number {
    return this.n > 0 ? this.seqs[0] : Infinity;
  }

  push(handle: number, t: number, seq: number): void {
    if (this.n === this.ts.length) this.grow();
    this.siftUp(this.n++, t, seq, handle);
  }

  private siftUp(from: number, t: number, seq: number, handle: number): void {
    const { ts, seqs, handles } = this;
    let i = from;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = ts[p];
      if (pt < t || (pt === t && seqs[p] < seq)) break;
      ts[i] = pt;
      seqs[i] = seqs[p];
      handles[i] = handles[p];
      i = p;
    }
    ts[i] = t;
    seqs[i] = seq;
    handles[i] = handle;
  }

  /** Takes the smallest entry out; returns its handle, or -1 when empty. */
  pop(): number {
    if (this.n === 0) return -1;
    const { ts, seqs, handles } = this;
    const top = handles[0];
    const n = --this.n;
    if (n > 0) this.siftDown(0, ts[n], seqs[n], handles[n]);
    return top;
  }

  /** Takes `handle` out wherever it is (linear; for rare operations such as running a task now, CT-4). */
  remove(handle: number): boolean {
    const { ts, seqs, handles } = this;
    const i = handles.subarray(0, this.n).indexOf(handle);
    if (i < 0) return false;
    const n = --this.n;
    if (i === n) return true;
    // The last entry fills the hole; it may belong above or below it.
    const t = ts[n];
    const seq = seqs[n];
    const h = handles[n];
    const p = (i - 1) >> 1;
    if (i > 0 && (t < ts[p] || (t === ts[p] && seq < seqs[p]))) this.siftUp(i, t, seq, h);
    else this.siftDown(i, t, seq, h);
    return true;
  }

  private siftDown(from: number, t: number, seq: number, handle: number): void {
    const { ts, seqs, handles } = this;
    const n = this.n;
    let i = from;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (ts[r] < ts[c] || (ts[r] === ts[c] && seqs[r] < seqs[c]))) c = r;
      const ct = ts[c];
      if (t < ct || (t === ct && seq < seqs[c])) break;
      ts[i] = ct;
      seqs[i] = seqs[c];
      handles[i] = handles[c];
      i = c;
    }
    ts[i] = t;
    seqs[i] = seq;
    handles[i] = handle;
  }

  private grow(): void {
    const size = this.ts.length * 2;
    const ts = new Float64Array(size);
    const seqs = new Float64Array(size);
    const handles = new Int32Array(size);
    ts.set(this.ts);
    seqs.set(this.seqs);
    handles.set(this.handles);
    this.ts = ts;
    this.seqs = seqs;
    this.handles = handles;
  }
}
