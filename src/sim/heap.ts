/**
 * A binary min-heap ordered by (time, seq). The sequence number is assigned at push and makes
 * ties at the same instant break by order of scheduling, never by insertion luck (DESIGN: one
 * pure core).
 */
export interface HeapEntry {
  t: number;
  seq: number;
}

function before(a: HeapEntry, b: HeapEntry): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}

export class TimeHeap<E extends HeapEntry> {
  private readonly items: E[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): E | undefined {
    return this.items[0];
  }

  push(entry: E): void {
    const a = this.items;
    let i = a.length;
    a.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, a[parent])) break;
      a[i] = a[parent];
      i = parent;
    }
    a[i] = entry;
  }

  pop(): E | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    const n = a.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(a[r], a[l]) ? r : l;
        if (!before(a[c], last)) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }

  /** Removes every entry matching `drop` (linear; for rare operations such as deleting a task). */
  removeWhere(drop: (e: E) => boolean): number {
    const keep = this.items.filter((e) => !drop(e));
    const removed = this.items.length - keep.length;
    if (removed > 0) {
      this.items.length = 0;
      for (const e of keep) this.push(e);
    }
    return removed;
  }

  *[Symbol.iterator](): IterableIterator<E> {
    yield* this.items;
  }
}
