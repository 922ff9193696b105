/**
 * Holds a long simulation's heap near its live size. V8 collects a growing old generation late:
 * throughput-1m keeps about 200–400 MB live, yet one process peaked at 900 MB and the next at 400 MB,
 * depending only on whether a major collection happened to come before the run ended. Between slices
 * of the run the CLI asks for a full collection once the heap has grown by `growthBytes` since the
 * last one, a handful of collections per million tasks. Only the CLI does this: the core never sees it.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How much the heap may grow past its last measured live size before a collection is asked for. */
export const DEFAULT_HEAP_GROWTH_BYTES = 128 * 1024 * 1024;

export class HeapBudget {
  private liveBytes = process.memoryUsage().heapUsed;
  collections = 0;

  constructor(private readonly growthBytes = DEFAULT_HEAP_GROWTH_BYTES) {}

  /** Called between slices: collects when the heap grew past the budget. */
  check(): void {
    if (process.memoryUsage().heapUsed > this.liveBytes + this.growthBytes) this.collect();
  }

  /** A full collection now (e.g. between a run and its INV-DET re-run); the live size is measured after it. */
  collect(): void {
    collectGarbage();
    this.collections++;
    this.liveBytes = process.memoryUsage().heapUsed;
  }
}

function collectGarbage(): void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed();
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
