import { describe, expect, it } from 'vitest';
import { TraceBuilder, expectFails, expectPasses, queue, resultOf } from './trace-builder.js';

const S = 1_000_000;

describe('INV-ETA', () => {
  it('passes attempts at or after their ETA and retries exactly one backoff after the failure', async () => {
    // The builder's queue: min_backoff 0.1 s, so RETRY-4 waits 0.1 s, then 0.2 s.
    const b = new TraceBuilder();
    b.add(1, 0, { eta: 5 * S }).attempt(1, 5 * S, 500); // answered at 5.001 s
    b.retry(1, 5_001_000, 5_101_000).attempt(1, 5_101_000, 500); // answered at 5.102 s
    b.retry(1, 5_102_000, 5_302_000)
      .attempt(1, 5_302_007, 200)
      .success(1, 9 * S)
      .end(9 * S);
    expectPasses(await b.check(), 'INV-ETA');
  });

  it("fails a dispatch before the add's ETA (PUSH-4)", async () => {
    const b = new TraceBuilder();
    b.add(1, 0, { eta: 5 * S })
      .attempt(1, 5 * S - 1, 200)
      .success(1, 6 * S)
      .end(6 * S);
    expectFails(await b.check(), 'INV-ETA', 'PUSH-4');
  });

  it("fails a dispatch before the retry's ETA (PUSH-4)", async () => {
    const b = new TraceBuilder();
    b.add(1, 0)
      .attempt(1, 0, 500)
      .retry(1, 1000, 101_000)
      .attempt(1, 100_999, 200)
      .success(1, 10 * S)
      .end(10 * S);
    expectFails(await b.check(), 'INV-ETA', 'PUSH-4');
  });

  it('fails a retry scheduled earlier than the backoff (RETRY-4)', async () => {
    // min 10 s, D 0: delays 10, 20, 30 s (SPEC RETRY-4's example). The second retry comes 19.999999 s after.
    const b = new TraceBuilder({
      queues: [queue('default', { retry: { minBackoffUs: 10 * S, maxBackoffUs: 300 * S, maxDoublings: 0 } })],
    });
    b.add(1, 0)
      .attempt(1, 0, 500)
      .retry(1, 1000, 1000 + 10 * S);
    b.attempt(1, 1000 + 10 * S, 500);
    const r2 = 2000 + 10 * S;
    b.retry(1, r2, r2 + 20 * S - 1)
      .attempt(1, r2 + 20 * S, 200)
      .success(1, r2 + 21 * S)
      .end(r2 + 21 * S);
    expectFails(await b.check(), 'INV-ETA', 'RETRY-4');
  });

  it("uses the profile's linear step after max_doublings (SPEC §10)", async () => {
    // min 10 s, D 1: 'double' → 10, 20, 40 s; 'half' → 10, 20, 30 s. A third retry 30 s later is early only under 'double'.
    const run = (step: 'double' | 'half') => {
      const b = new TraceBuilder({
        options: { backoffLinearStep: step },
        queues: [queue('default', { retry: { minBackoffUs: 10 * S, maxBackoffUs: 300 * S, maxDoublings: 1 } })],
      });
      b.add(1, 0);
      let t = 0;
      for (const wait of [10, 20, 30]) {
        b.attempt(1, t, 500).retry(1, t + 1000, t + 1000 + wait * S);
        t += 1000 + wait * S;
      }
      return b
        .attempt(1, t, 200)
        .success(1, t + 1000)
        .end(t + 1000)
        .check();
    };
    expectPasses(await run('half'), 'INV-ETA');
    expectFails(await run('double'), 'INV-ETA', 'RETRY-4');
  });

  it('fails every backoff one doubling too long, once per retry (RETRY-4)', async () => {
    // min 10 s, max 300 s, D 3: SPEC's delays 10, 20, 40, 80, 160, 240, 300 s. The bad trace doubles each one.
    const run = (waits: number[]) => {
      const b = new TraceBuilder({
        queues: [queue('default', { retry: { minBackoffUs: 10 * S, maxBackoffUs: 300 * S, maxDoublings: 3 } })],
      });
      b.add(1, 0);
      let t = 0;
      for (const wait of waits) {
        b.attempt(1, t, 500).retry(1, t + 1000, t + 1000 + wait * S);
        t += 1000 + wait * S;
      }
      return b
        .attempt(1, t, 200)
        .success(1, t + 1000)
        .end(t + 1000)
        .check();
    };
    expectPasses(await run([10, 20, 40, 80, 160, 240, 300]), 'INV-ETA');
    const results = await run([20, 40, 80, 160, 320, 480, 600]);
    expectFails(results, 'INV-ETA', 'RETRY-4');
    expect(resultOf(results, 'INV-ETA').violations).toBe(7);
    expect(resultOf(results, 'INV-ETA').examples[0].expected).toBe(
      'eta 10001000 (response at 1000 + backoff 10000000)',
    );
  });

  it('fails a retry ETA one microsecond late as well as one early: the ETA is exact (RETRY-4)', async () => {
    for (const off of [-1, 1]) {
      const b = new TraceBuilder();
      b.add(1, 0)
        .attempt(1, 0, 500)
        .retry(1, 1000, 101_000 + off)
        .attempt(1, 101_001, 200)
        .success(1, 102_001)
        .end(S);
      expectFails(await b.check(), 'INV-ETA', 'RETRY-4');
    }
  });

  it('reads the backoff of the queue the task is on', async () => {
    // Queue 'slow' waits 10 s first; 'default' (the builder's) 0.1 s.
    const b = new TraceBuilder({
      queues: [
        queue('default'),
        queue('slow', { retry: { minBackoffUs: 10 * S, maxBackoffUs: 300 * S, maxDoublings: 3 } }),
      ],
    });
    b.add(1, 0, { q: 'slow' })
      .attempt(1, 0, 500)
      .retry(1, 1000, 10_001_000)
      .attempt(1, 10_001_000, 200)
      .success(1, 10_002_000);
    b.add(2, 0)
      .attempt(2, 0, 500)
      .retry(2, 1000, 101_000)
      .attempt(2, 101_000, 200)
      .success(2, 102_000)
      .end(11 * S);
    expectPasses(await b.check(), 'INV-ETA');
  });
});
