/**
 * Compact per-task state for a trace of a million live tasks. Task ids are dense increasing integers,
 * so state lives in typed arrays indexed by id, cut into pages of 65,536 ids. Each checker asks the
 * table for the columns it needs; a page of every column is freed once all its tasks are finished
 * (success, exhaust, delete), because nothing but the task's phase is needed after that. The phase
 * itself (one byte per task) is kept for the whole run: INV-NODUP-AFTER-DELETE needs it for ever.
 */

export const PAGE_BITS = 16;
export const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;
/** Slots a page starts with. */
const MIN_PAGE = 64;

// Task phases. Live = WAITING | IN_FLIGHT | RESPONDED; the rest are terminal.
export const NONE = 0; // never added
export const WAITING = 1; // added or retry scheduled: the next attempt (or lease) is due
export const IN_FLIGHT = 2; // an attempt was dispatched, no response yet
export const RESPONDED = 3; // the attempt's response came; success/retry/exhaust must follow
export const SUCCEEDED = 4;
export const EXHAUSTED = 5;
export const DELETED = 6;

export function isLive(phase: number): boolean {
  return phase >= WAITING && phase <= RESPONDED;
}

type NumArray = Float64Array | Uint32Array | Uint16Array | Uint8Array;

/**
 * One number per task, stored in pages; reads of a page never written (or freed) give 0. The hot
 * get/set live in one subclass per array type: a single shared get over four kinds of typed array
 * made every read in every checker a polymorphic element load, a third of the checkers' time.
 */
export abstract class Column<A extends NumArray = NumArray> {
  protected readonly pages: (A | undefined)[] = [];

  abstract get(id: number): number;
  /** Only for live tasks: writing a finished task's slot would bring its freed page back. */
  abstract set(id: number, v: number): void;
  protected abstract make(n: number): A;

  /**
   * A page starts small and doubles up to PAGE_SIZE: a short trace (a fuzz run checks thousands of
   * them) must not pay for zeroing 65,536 slots per column.
   */
  protected grow(k: number, old: A | undefined, i: number): A {
    while (this.pages.length < k) this.pages.push(undefined);
    let n = old === undefined ? MIN_PAGE : old.length * 2;
    while (n <= i) n *= 2;
    const p = this.make(Math.min(n, PAGE_SIZE));
    if (old !== undefined) p.set(old as never);
    this.pages[k] = p;
    return p;
  }

  free(k: number): void {
    if (k < this.pages.length) this.pages[k] = undefined;
  }

  /** Pages currently held (for tests of the freeing). */
  held(): number {
    let n = 0;
    for (const p of this.pages) if (p !== undefined) n++;
    return n;
  }
}

// The four columns below differ only in their array type; see Column for why each has its own get/set.

export class F64Column extends Column<Float64Array> {
  get(id: number): number {
    const p = this.pages[id >>> PAGE_BITS];
    const i = id & PAGE_MASK;
    return p === undefined || i >= p.length ? 0 : p[i];
  }
  set(id: number, v: number): void {
    const k = id >>> PAGE_BITS;
    const i = id & PAGE_MASK;
    let p = this.pages[k];
    if (p === undefined || i >= p.length) p = this.grow(k, p, i);
    p[i] = v;
  }
  protected make(n: number): Float64Array {
    return new Float64Array(n);
  }
}

export class U32Column extends Column<Uint32Array> {
  get(id: number): number {
    const p = this.pages[id >>> PAGE_BITS];
    const i = id & PAGE_MASK;
    return p === undefined || i >= p.length ? 0 : p[i];
  }
  set(id: number, v: number): void {
    const k = id >>> PAGE_BITS;
    const i = id & PAGE_MASK;
    let p = this.pages[k];
    if (p === undefined || i >= p.length) p = this.grow(k, p, i);
    p[i] = v;
  }
  protected make(n: number): Uint32Array {
    return new Uint32Array(n);
  }
}

export class U16Column extends Column<Uint16Array> {
  get(id: number): number {
    const p = this.pages[id >>> PAGE_BITS];
    const i = id & PAGE_MASK;
    return p === undefined || i >= p.length ? 0 : p[i];
  }
  set(id: number, v: number): void {
    const k = id >>> PAGE_BITS;
    const i = id & PAGE_MASK;
    let p = this.pages[k];
    if (p === undefined || i >= p.length) p = this.grow(k, p, i);
    p[i] = v;
  }
  protected make(n: number): Uint16Array {
    return new Uint16Array(n);
  }
}

export class U8Column extends Column<Uint8Array> {
  get(id: number): number {
    const p = this.pages[id >>> PAGE_BITS];
    const i = id & PAGE_MASK;
    return p === undefined || i >= p.length ? 0 : p[i];
  }
  set(id: number, v: number): void {
    const k = id >>> PAGE_BITS;
    const i = id & PAGE_MASK;
    let p = this.pages[k];
    if (p === undefined || i >= p.length) p = this.grow(k, p, i);
    p[i] = v;
  }
  protected make(n: number): Uint8Array {
    return new Uint8Array(n);
  }
}

export class TaskTable {
  private phases = new Uint8Array(MIN_PAGE); // grows by doubling in add()
  /** Live tasks per page; a page is freed when this drops to 0 and no later add can land in it. */
  private live: number[] = [];
  private readonly columns: Pick<Column, 'free'>[] = [];
  /** Highest id added so far; ids are dense, so 1..maxId covers every task. */
  maxId = 0;
  added = 0;

  /** Registers a column (e.g. `new F64Column()`) so its pages are freed with the table's. */
  column<C extends Pick<Column, 'free'>>(c: C): C {
    this.columns.push(c);
    return c;
  }

  phase(id: number): number {
    return id < this.phases.length ? this.phases[id] : NONE;
  }

  add(id: number): void {
    if (id >= this.phases.length) {
      let n = this.phases.length * 2;
      while (n <= id) n *= 2;
      const grown = new Uint8Array(n);
      grown.set(this.phases);
      this.phases = grown;
    }
    if (isLive(this.phases[id])) return; // the same id added twice: keep one live count
    this.phases[id] = WAITING;
    this.added++;
    const k = id >>> PAGE_BITS;
    while (this.live.length <= k) this.live.push(0);
    this.live[k]++;
    if (id > this.maxId) {
      const before = this.maxId >>> PAGE_BITS;
      this.maxId = id;
      // Ids only grow: pages before this one are now closed and may be freed if all done.
      for (let j = before; j < k; j++) this.maybeFree(j);
    }
  }

  /** Sets a live phase (WAITING, IN_FLIGHT, RESPONDED) of a live task. */
  move(id: number, phase: number): void {
    this.phases[id] = phase;
  }

  /** Ends a live task (SUCCEEDED, EXHAUSTED, DELETED); frees its page when that was the last one. */
  finish(id: number, phase: number): void {
    if (!isLive(this.phase(id))) return;
    this.phases[id] = phase;
    const k = id >>> PAGE_BITS;
    this.live[k]--;
    this.maybeFree(k);
  }

  private maybeFree(k: number): void {
    if (this.live[k] !== 0) return;
    const lastOfPage = ((k + 1) << PAGE_BITS) - 1;
    if (this.maxId < lastOfPage) return; // more tasks may still be added to this page
    for (const c of this.columns) c.free(k);
  }
}
