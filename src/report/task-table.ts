/**
 * A number per live task id (add time, lease start…). The engine numbers tasks densely from 0, so a
 * growable Float64Array (8 bytes a task, no per-entry objects) holds them; ids that do not fit that
 * pattern fall back to a Map. Entries are deleted when a task ends, so a Map only holds live tasks.
 */

const DENSE_LIMIT = 1 << 26; // 64 Mi ids (512 MB) at most in the dense array
const INITIAL_CAPACITY = 1024;

export class TaskTable {
  private dense = new Float64Array(0);
  private sparse: Map<number, number> | undefined;
  size = 0;

  get(id: number): number | undefined {
    if (this.isDense(id) && id < this.dense.length) {
      const v = this.dense[id];
      if (!Number.isNaN(v)) return v;
    }
    // An id may have gone to the Map before the dense array grew past it.
    return this.sparse?.get(id);
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  set(id: number, value: number): void {
    if (!this.sparse?.has(id) && this.isDense(id) && this.reserve(id)) {
      if (Number.isNaN(this.dense[id])) this.size++;
      this.dense[id] = value;
      return;
    }
    this.sparse ??= new Map();
    if (!this.sparse.has(id)) this.size++;
    this.sparse.set(id, value);
  }

  delete(id: number): boolean {
    if (this.isDense(id) && id < this.dense.length && !Number.isNaN(this.dense[id])) {
      this.dense[id] = NaN;
      this.size--;
      return true;
    }
    if (this.sparse?.delete(id)) {
      this.size--;
      return true;
    }
    return false;
  }

  private isDense(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id < DENSE_LIMIT;
  }

  /** Grows the dense array to hold `id` if ids look dense (id within twice the current size). */
  private reserve(id: number): boolean {
    if (id < this.dense.length) return true;
    const cap = Math.max(this.dense.length, INITIAL_CAPACITY);
    if (id >= 2 * cap) return false;
    let next = cap;
    while (next <= id) next *= 2;
    const grown = new Float64Array(next).fill(NaN);
    grown.set(this.dense);
    this.dense = grown;
    return true;
  }
}
