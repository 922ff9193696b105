/**
 * Steps that are usually answered at once. In virtual time against a queue in this process both
 * sides answer every call at once, so a run's operations need no promise each: a step returns
 * undefined when it is done, or the promise to wait for, and an operation whose steps were all done
 * at once returns RESOLVED, which the run loop does not wait for (campaign.ts executeRun).
 */

/** The promise of an operation that was done at once: one for every such operation. */
export const RESOLVED: Promise<void> = Promise.resolve();

/** A value now, or a promise of it. */
export type Later<T> = T | Promise<T>;

/** `next` at once when there is nothing to wait for, else once `waiting` has settled (a rejection skips it). */
export function after(
  waiting: Promise<void> | undefined,
  next: () => Promise<void> | undefined,
): Promise<void> | undefined {
  return waiting ? waiting.then(next) : next();
}

/** `next(value)` at once when `value` is here, else once its promise has fulfilled (a rejection skips it). */
export function whenHere<T>(value: Later<T>, next: (v: T) => Promise<void> | undefined): Promise<void> | undefined {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** A step as a promise: RESOLVED when it was done at once. */
export function toPromise(p: Promise<void> | undefined): Promise<void> {
  return p ?? RESOLVED;
}

/** `step()` as a promise: a throw becomes a rejection, as from an async function. */
export function asPromise(step: () => Promise<void> | undefined): Promise<void> {
  try {
    return step() ?? RESOLVED;
  } catch (err) {
    return Promise.reject(err);
  }
}
