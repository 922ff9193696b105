import { describe, expect, it } from 'vitest';
import { TraceBuilder, expectFails, expectPasses, queue, resultOf } from './trace-builder.js';

const S = 1_000_000;
const slow = (over = {}) =>
  new TraceBuilder({ queues: [queue('default', { ratePerSec: 1, rate: '1/s', bucketSize: 2, ...over })] });

/** Adds tasks 1..n at t=0 and answers each dispatch 200 right away. */
function dispatchAt(b: TraceBuilder, times: number[]): TraceBuilder {
  times.forEach((_, i) => b.add(i + 1, 0));
  times.forEach((t, i) => b.attempt(i + 1, t, 200, { lat: 0 }).success(i + 1, t));
  return b.end(Math.max(...times) + 1);
}

describe('INV-RATE', () => {
  it('passes a full burst of bucket_size, then one dispatch per token refilled (PUSH-2)', async () => {
    expectPasses(await dispatchAt(slow(), [0, 0, S, 2 * S, 3 * S]).check(), 'INV-RATE');
  });

  it('fails a burst over the bucket (PUSH-2)', async () => {
    expectFails(await dispatchAt(slow(), [0, 0, 0]).check(), 'INV-RATE', 'PUSH-2');
  });

  it('fails a dispatch just before the token is back, beyond the 1e-6-token slack (PUSH-2)', async () => {
    // At 1 token/s the slack is 1 µs: 1 µs early passes, 2 µs early does not.
    expectPasses(await dispatchAt(slow(), [0, 0, S - 1]).check(), 'INV-RATE');
    expectFails(await dispatchAt(slow(), [0, 0, S - 2]).check(), 'INV-RATE', 'PUSH-2');
  });

  it('refills from the last dispatch, not from the start of the run (PUSH-2)', async () => {
    // 1 token/s, bucket 2: two at 0 s empty it, one at 1 s takes the token refilled since 0 s, and the
    // next token is whole only at 2 s; at 1.5 s there is half a token.
    expectPasses(await dispatchAt(slow(), [0, 0, S, 2 * S]).check(), 'INV-RATE');
    expectFails(await dispatchAt(slow(), [0, 0, S, 1.5 * S]).check(), 'INV-RATE', 'PUSH-2');
  });

  it('follows the effective rate of `rate` events (INST-2 throttling)', async () => {
    const b = slow();
    b.rate('default', 0, 0.5);
    expectFails(await dispatchAt(b, [0, 0, S]).check(), 'INV-RATE', 'PUSH-2');
    const ok = slow();
    ok.rate('default', 0, 0.5);
    expectPasses(await dispatchAt(ok, [0, 0, 2 * S]).check(), 'INV-RATE');
  });

  it('counts a duplicate delivery against the bucket', async () => {
    const b = new TraceBuilder({ queues: [queue('default', { ratePerSec: 1, rate: '1/s', bucketSize: 1 })] });
    b.add(1, 0)
      .attempt(1, 0, 200, { lat: 0 })
      .success(1, 0)
      .dispatch(1, 10, { dup: true })
      .respond(1, 20, 200, { dup: true })
      .end(S);
    expectFails(await b.check(), 'INV-RATE', 'PUSH-2');
  });

  it('fails more in flight than max_concurrent_requests (PUSH-3)', async () => {
    const b = new TraceBuilder({ queues: [queue('default', { maxConcurrentRequests: 1 })] });
    b.add(1, 0)
      .add(2, 0)
      .dispatch(1, 0)
      .dispatch(2, 10)
      .respond(1, 20, 200)
      .success(1, 20)
      .respond(2, 30, 200)
      .success(2, 30)
      .end(S);
    expectFails(await b.check(), 'INV-RATE', 'PUSH-3');
    const ok = new TraceBuilder({ queues: [queue('default', { maxConcurrentRequests: 1 })] });
    ok.add(1, 0)
      .add(2, 0)
      .dispatch(1, 0)
      .respond(1, 20, 200)
      .success(1, 20)
      .dispatch(2, 20)
      .respond(2, 30, 200)
      .success(2, 30)
      .end(S);
    expectPasses(await ok.check(), 'INV-RATE');
  });

  it('fails a dispatch while paused, passes after resume (PUSH-8)', async () => {
    const b = new TraceBuilder();
    b.add(1, 0).pause('default', 0).attempt(1, 10, 200).success(1, 2000).end(S);
    expectFails(await b.check(), 'INV-RATE', 'PUSH-8');
    const ok = new TraceBuilder();
    ok.add(1, 0).pause('default', 0).resume('default', 5).attempt(1, 10, 200).success(1, 2000).end(S);
    expectPasses(await ok.check(), 'INV-RATE');
  });

  it('treats a queue configured with rate 0 as paused from the start (PUSH-8)', async () => {
    const b = new TraceBuilder({ queues: [queue('default', { ratePerSec: 0, rate: '0' })] });
    b.add(1, 0).attempt(1, 10, 200).success(1, 2000).end(S);
    expectFails(await b.check(), 'INV-RATE', 'PUSH-8');
  });

  it('fails a rate event raising a queue above its configuration, and keeps judging at the configured rate (INST-2)', async () => {
    // Configured 1/s, bucket 2. A `rate` event of 2/s is a violation by itself; the bucket still refills
    // at 1/s, so dispatches at 0, 0, 0.5 s (what 2/s would allow) also break PUSH-2.
    const raised = slow();
    raised.rate('default', 0, 2);
    const results = await dispatchAt(raised, [0, 0, S / 2]).check();
    expectFails(results, 'INV-RATE', 'INST-2');
    expect(resultOf(results, 'INV-RATE').examples.map((v) => v.rule)).toEqual(['INST-2', 'PUSH-2']);
    // Exactly the configured rate is allowed, and so is 0 (a fully throttled queue).
    const same = slow();
    same.rate('default', 0, 1).rate('default', 0, 0).rate('default', 0, 1);
    expectPasses(await dispatchAt(same, [0, 0, S]).check(), 'INV-RATE');
    for (const bad of [1.000001, -1, Number.NaN]) {
      const b = slow();
      b.rate('default', 0, bad);
      expectFails(await dispatchAt(b, [0]).check(), 'INV-RATE', 'INST-2');
    }
  });

  it('allows exactly max_concurrent_requests in flight, not one more (PUSH-3)', async () => {
    const run = (inFlight: number) => {
      const b = new TraceBuilder({ queues: [queue('default', { maxConcurrentRequests: 2 })] });
      for (let id = 1; id <= inFlight; id++) b.add(id, 0).dispatch(id, 0);
      for (let id = 1; id <= inFlight; id++) b.respond(id, S, 200).success(id, S);
      return b.end(2 * S).check();
    };
    expectPasses(await run(2), 'INV-RATE');
    expectFails(await run(3), 'INV-RATE', 'PUSH-3');
  });
});
