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
