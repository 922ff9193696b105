/**
 * A binary min-heap ordered by (time, seq). The sequence number is assigned at push and makes
 * ties at the same instant break by order of scheduling, never by insertion luck (DESIGN: one
 * pure core). Keys are copied into parallel arrays so sifting touches only flat numbers, not the
 * entries themselves (the heap of waiting retries holds hundreds of thousands in a 1M-task run).
 */
export interface HeapEntry {
  t: number;
  seq: number;
}

export class TimeHeap<E extends HeapEntry> {
  private items: E[] = [];
  private ts: number[] = [];
  private seqs: number[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): E | undefined {
    return this.items[0];
  }

  push(entry: E): void {
    const { items, ts, seqs } = this;
    const t = entry.t;
    const seq = entry.seq;
    let i = items.length;
    items.push(entry);
    ts.push(t);
    seqs.push(seq);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = ts[p];
      if (pt < t || (pt === t && seqs[p] < seq)) break;
      items[i] = items[p];
      ts[i] = pt;
      seqs[i] = seqs[p];
      i = p;
    }
    items[i] = entry;
    ts[i] = t;
    seqs[i] = seq;
  }

  pop(): E | undefined {
    const { items, ts, seqs } = this;
    const n = items.length - 1;
    if (n < 0) return undefined;
    const top = items[0];
    const last = items.pop()!;
    const lt = ts.pop()!;
    const ls = seqs.pop()!;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        const r = c + 1;
        if (r < n && (ts[r] < ts[c] || (ts[r] === ts[c] && seqs[r] < seqs[c]))) c = r;
        const ct = ts[c];
        if (lt < ct || (lt === ct && ls < seqs[c])) break;
        items[i] = items[c];
        ts[i] = ct;
        seqs[i] = seqs[c];
        i = c;
      }
      items[i] = last;
      ts[i] = lt;
      seqs[i] = ls;
    }
    return top;
  }

  /** Removes every entry matching `drop` (linear; for rare operations such as modifying a lease). */
  removeWhere(drop: (e: E) => boolean): number {
    const keep = this.items.filter((e) => !drop(e));
    const removed = this.items.length - keep.length;
    if (removed > 0) {
      this.items = [];
      this.ts = [];
      this.seqs = [];
      for (const e of keep) this.push(e);
    }
    return removed;
  }
}

/** Something the job heap runs: a plain function, or an object whose `run` does the work. */
export type Runnable = (() => void) | { run(): void };

/**
 * The engine's job queue: a (time, seq) min-heap with the keys in flat typed arrays and the job
 * beside them, so a scheduled job costs no wrapper object (millions are scheduled in a 1M-task
 * run). Same order as TimeHeap: ties at one instant run in scheduling order.
 */
export class JobHeap {
  private ts = new Float64Array(1024);
  private seqs = new Float64Array(1024);
  private jobs: (Runnable | undefined)[] = [];
  private n = 0;

  get size(): number {
    return this.n;
  }

  /** Time of the earliest job (check `size` first). */
  get topTime(): number {
    return this.ts[0];
  }

  push(t: number, seq: number, job: Runnable): void {
    if (this.n === this.ts.length) this.grow();
    const { ts, seqs, jobs } = this;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = ts[p];
      if (pt < t || (pt === t && seqs[p] < seq)) break;
      ts[i] = pt;
      seqs[i] = seqs[p];
      jobs[i] = jobs[p];
      i = p;
    }
    ts[i] = t;
    seqs[i] = seq;
    jobs[i] = job;
  }

  /** Removes the earliest job and returns it (check `size` first). */
  pop(): Runnable {
    const { ts, seqs, jobs } = this;
    const top = jobs[0]!;
    const n = --this.n;
    const lt = ts[n];
    const ls = seqs[n];
    const lj = jobs[n];
    jobs[n] = undefined; // let it be collected
    if (n > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        const r = c + 1;
        if (r < n && (ts[r] < ts[c] || (ts[r] === ts[c] && seqs[r] < seqs[c]))) c = r;
        const ct = ts[c];
        if (lt < ct || (lt === ct && ls < seqs[c])) break;
        ts[i] = ct;
        seqs[i] = seqs[c];
        jobs[i] = jobs[c];
        i = c;
      }
      ts[i] = lt;
      seqs[i] = ls;
      jobs[i] = lj;
    }
    return top;
  }

  private grow(): void {
    const ts = new Float64Array(this.ts.length * 2);
    const seqs = new Float64Array(this.ts.length * 2);
    ts.set(this.ts);
    seqs.set(this.seqs);
    this.ts = ts;
    this.seqs = seqs;
  }
}
