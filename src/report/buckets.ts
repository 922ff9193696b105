/**
 * Fixed-size time series over virtual time. Memory never grows with the run: every series is one
 * array of MAX_BUCKETS entries. When an event falls past the last bucket, the shared grid doubles its
 * width and each series merges its buckets in pairs (lazily, on its next use), so a run of any length
 * ends with at most MAX_BUCKETS buckets and totals stay exact.
 */

export const INITIAL_BUCKET_US = 100_000; // 100 ms
export const MAX_BUCKETS = 600;

/** The bucket width all series of one run share, so their charts line up. */
export class BucketGrid {
  widthUs: number;
  /** Times the width has doubled; series compare it with their own to know how often to merge. */
  generation = 0;
  /** Highest bucket index any event has touched. */
  lastIndex = 0;

  constructor(
    readonly maxBuckets = MAX_BUCKETS,
    initialWidthUs = INITIAL_BUCKET_US,
  ) {
    if (maxBuckets < 2 || maxBuckets % 2 !== 0) throw new RangeError('maxBuckets must be even and >= 2');
    this.widthUs = initialWidthUs;
  }

  /** The bucket of time t, widening the grid first if t is past the end. */
  indexOf(t: number): number {
    let i = Math.floor(Math.max(0, t) / this.widthUs);
    while (i >= this.maxBuckets) {
      this.widthUs *= 2;
      this.generation++;
      this.lastIndex >>= 1;
      i = Math.floor(Math.max(0, t) / this.widthUs);
    }
    if (i > this.lastIndex) this.lastIndex = i;
    return i;
  }

  /** Buckets in use: 0 … lastIndex. */
  get count(): number {
    return this.lastIndex + 1;
  }
}

abstract class GridSeries {
  protected values: Float64Array;
  private generation: number;

  constructor(protected readonly grid: BucketGrid) {
    this.values = new Float64Array(grid.maxBuckets);
    this.generation = grid.generation;
  }

  /** Catches up with the grid's doublings: one pairwise merge per doubling. */
  protected sync(): void {
    while (this.generation < this.grid.generation) {
      const v = this.values;
      const half = v.length >> 1;
      for (let k = 0; k < half; k++) v[k] = this.merge(v[2 * k], v[2 * k + 1], 2 * k + 1);
      v.fill(this.empty(), half);
      this.afterHalving();
      this.generation++;
    }
  }

  protected abstract merge(a: number, b: number, indexOfB: number): number;
  protected abstract empty(): number;
  protected afterHalving(): void {}
}

/** Events per bucket (dispatches, adds…): buckets merge by summing. */
export class CountSeries extends GridSeries {
  add(index: number, n = 1): void {
    this.sync();
    this.values[index] += n;
  }

  toArray(buckets: number): number[] {
    this.sync();
    return Array.from(this.values.subarray(0, buckets));
  }

  protected merge(a: number, b: number): number {
    return a + b;
  }

  protected empty(): number {
    return 0;
  }
}

/**
 * The highest (or lowest) value a level such as in-flight or depth took during each bucket. A
 * bucket with no change holds the level carried in from before, so buckets are filled forward up
 * to the one being written; filling is amortised O(1) because each bucket is filled once per width.
 */
export class LevelSeries extends GridSeries {
  private current: number;
  /** Last bucket whose value is initialised; later ones are filled with `current` when reached. */
  private filledTo = -1;
  private readonly pick: (a: number, b: number) => number;

  constructor(
    grid: BucketGrid,
    readonly kind: 'max' | 'min',
    initial = 0,
  ) {
    super(grid);
    this.current = initial;
    this.pick = kind === 'max' ? Math.max : Math.min;
  }

  get level(): number {
    return this.current;
  }

  /** The level changes to `value` at bucket `index`. */
  set(index: number, value: number): void {
    this.fillTo(index);
    this.values[index] = this.pick(this.values[index], value);
    this.current = value;
  }

  toArray(buckets: number): number[] {
    this.fillTo(buckets - 1);
    return Array.from(this.values.subarray(0, buckets));
  }

  private fillTo(index: number): void {
    this.sync();
    const v = this.values;
    for (let k = this.filledTo + 1; k <= index; k++) v[k] = this.current;
    if (index > this.filledTo) this.filledTo = index;
  }

  protected merge(a: number, b: number, indexOfB: number): number {
    // An unfilled right half has not started yet; its carried-in level is already in `a`.
    return indexOfB <= this.filledTo ? this.pick(a, b) : a;
  }

  protected empty(): number {
    return 0;
  }

  protected override afterHalving(): void {
    this.filledTo = this.filledTo < 0 ? -1 : this.filledTo >> 1;
  }
}
