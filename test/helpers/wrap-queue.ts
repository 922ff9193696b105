import type { QueueUnderTest } from '../../src/adapters/contract.js';

/** The contract calls a test may answer itself (`name` is the wrapper's own). */
export type QueueOverrides = Partial<Omit<QueueUnderTest, 'name'>>;

/**
 * A queue that forwards every contract call to `inner` except those in `overrides`: how the
 * wall-clock tests put a fault (a late answer, a slow hop) in front of the real-time reference.
 * RunTask is not forwarded unless overridden, as a queue without it would not offer it.
 */
export function wrapQueue(inner: QueueUnderTest, name: string, overrides: QueueOverrides = {}): QueueUnderTest {
  return {
    name,
    describe: () => inner.describe(),
    reset: (s) => inner.reset(s),
    addTasks: (q, t) => inner.addTasks(q, t),
    deleteTask: (q, n) => inner.deleteTask(q, n),
    pauseQueue: (q) => inner.pauseQueue(q),
    resumeQueue: (q) => inner.resumeQueue(q),
    leaseTasks: (q, s) => inner.leaseTasks(q, s),
    modifyLease: (q, n, u, s) => inner.modifyLease(q, n, u, s),
    advance: (us) => inner.advance(us),
    setOutage: (on) => inner.setOutage(on),
    takeEvents: () => inner.takeEvents(),
    close: () => inner.close(),
    ...overrides,
  };
}
