import { describe, expect, it } from 'vitest';
import { TraceBuilder, expectFails, expectPasses, queue, resultOf } from './trace-builder.js';

const S = 1_000_000;

describe('INV-NODUP-AFTER-DELETE', () => {
  it('allows a duplicate marked dup after 2xx and reports it (HANDLER-4)', async () => {
    const b = new TraceBuilder();
    b.add(1, 0)
      .attempt(1, 0, 200)
      .success(1, 1000)
      .dispatch(1, 5000, { dup: true })
      .respond(1, 6000, 200, { dup: true })
      .end(S);
    const results = await b.check();
    expectPasses(results, 'INV-NODUP-AFTER-DELETE');
    expect(resultOf(results, 'INV-NODUP-AFTER-DELETE').note).toMatch(/1 reported duplicate/);
  });

  it('fails a delivery after delete', async () => {
    const b = new TraceBuilder();
    b.add(1, 0, { eta: S })
      .del(1, 10)
      .attempt(1, S, 200)
      .end(2 * S);
    expectFails(await b.check(), 'INV-NODUP-AFTER-DELETE', 'INV-NODUP-AFTER-DELETE');
  });

  it('fails a delivery after exhaust (RETRY-5)', async () => {
    const b = new TraceBuilder({
      queues: [queue('default', { retry: { minBackoffUs: 0, maxBackoffUs: 0, maxDoublings: 0, taskRetryLimit: 0 } })],
    });
    b.add(1, 0)
      .attempt(1, 0, 500)
      .exhaust(1, 1000)
      .attempt(1, S, 500)
      .end(2 * S);
    expectFails(await b.check(), 'INV-NODUP-AFTER-DELETE', 'RETRY-5');
  });

  it('fails a redelivery after 2xx not marked as a duplicate (HANDLER-1)', async () => {
    const b = new TraceBuilder();
    b.add(1, 0).attempt(1, 0, 200).success(1, 1000).dispatch(1, 5000).respond(1, 6000, 200, { dup: true }).end(S);
    expectFails(await b.check(), 'INV-NODUP-AFTER-DELETE', 'HANDLER-1');
  });

  it('fails a lease after delete (PULL-7)', async () => {
    const b = new TraceBuilder({ queues: [queue('pullq', { mode: 'pull' })] });
    b.add(1, 0, { q: 'pullq' })
      .lease(1, 0, S, 1)
      .del(1, 10)
      .lease(1, 20, S, 2)
      .end(2 * S);
    expectFails(await b.check(), 'INV-NODUP-AFTER-DELETE', 'PULL-7');
  });
});
