/**
 * The real timers, captured when this module loads. FunctionTarget installs fake timers globally so a
 * handler's setTimeout follows the virtual clock; everything of ours that must wait in real time
 * (HTTP timeouts, the driver's polling) uses these instead, so it keeps working while they are faked.
 */
export const realSetTimeout = globalThis.setTimeout;
export const realClearTimeout = globalThis.clearTimeout;
export const realSetImmediate = globalThis.setImmediate;
const perf = globalThis.performance;

/** Real monotonic milliseconds. */
export function realNow(): number {
  return perf.now();
}

export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, ms));
}

/** Lets pending I/O callbacks and microtasks run once. */
export function realYield(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}
