import { describe, it } from 'vitest';
import { TraceBuilder, expectFails, expectPasses, queue } from './trace-builder.js';

const S = 1_000_000;

describe('INV-ETA', () => {
  it("passes attempts at or after their ETA and retries exactly one backoff after the failure", async () => {
    // The builder's queue: min_backoff 0.1 s, so RETRY-4 waits 0.1 s, then 0.2 s.
    const b = new TraceBuilder();
    b.add(1, 0, { eta: 5 * S }).attempt(1, 5 * S, 500); // answered at 5.001 s
    b.retry(1, 5_001_000, 5_101_000).attempt(1, 5_101_000, 500); // answered at 5.102 s
    b.retry(1, 5_102_000, 5_302_000).attempt(1, 5_302_007, 200).success(1, 9 * S).end(9 * S);
    expectPasses(await b.check(), 'INV-ETA');
  });

  it("fails a dispatch before the add's ETA (PUSH-4)", async () => {
    const b = new TraceBuilder();
    b.add(1, 0, { eta: 5 * S }).attempt(1, 5 * S - 1, 200).success(1, 6 * S).end(6 * S);
    expectFails(await b.check(), 'INV-ETA', 'PUSH-4');
  });

  it("fails a dispatch before the retry's ETA (PUSH-4)", async () => {
    const b = new TraceBuilder();
    b.add(1, 0).attempt(1, 0, 500).retry(1, 1000, 101_000).attempt(1, 100_999, 200).success(1, 10 * S).end(10 * S);
    expectFails(await b.check(), 'INV-ETA', 'PUSH-4');
  });

  it('fails a retry scheduled earlier than the backoff (RETRY-4)', async () => {
    // min 10 s, D 0: delays 10, 20, 30 s (SPEC RETRY-4's example). The second retry comes 19.999999 s after.
    const b = new TraceBuilder({ queues: [queue('default', { retry: { minBackoffUs: 10 * S, maxBackoffUs: 300 * S, maxDoublings: 0 } })] });
    b.add(1, 0).attempt(1, 0, 500).retry(1, 1000, 1000 + 10 * S);
    b.attempt(1, 1000 + 10 * S, 500);
    const r2 = 2000 + 10 * S;
    b.retry(1, r2, r2 + 20 * S - 1).attempt(1, r2 + 20 * S, 200).success(1, r2 + 21 * S).end(r2 + 21 * S);
    expectFails(await b.check(), 'INV-ETA', 'RETRY-4');
  });

  it("uses the profile's linear step after max_doublings (SPEC §10)", async () => {
    // min 10 s, D 1: 'double' → 10, 20, 40 s; 'half' → 10, 20, 30 s. A third retry 30 s later is early only under 'double'.
    const run = (step: 'double' | 'half') => {
      const b = new TraceBuilder({ options: { backoffLinearStep: step }, queues: [queue('default', { retry: { minBackoffUs: 10 * S, maxBackoffUs: 300 * S, maxDoublings: 1 } })] });
      b.add(1, 0);
      let t = 0;
      for (const wait of [10, 20, 30]) {
        b.attempt(1, t, 500).retry(1, t + 1000, t + 1000 + wait * S);
        t += 1000 + wait * S;
      }
      return b.attempt(1, t, 200).success(1, t + 1000).end(t + 1000).check();
    };
    expectPasses(await run('half'), 'INV-ETA');
    expectFails(await run('double'), 'INV-ETA', 'RETRY-4');
  });
});
