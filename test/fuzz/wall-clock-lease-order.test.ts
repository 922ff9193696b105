/**
 * PULL-2/6 on the wall clock: a pull queue leases the oldest task first, and the harness knows a
 * task's ETA on the queue's clock only to within the round trip of the add that set it (and the
 * measured noise). Two tasks closer than that may be leased in either order: inconclusive, not a
 * failure. Tasks far apart are still judged exactly: a queue that leases the newest first fails.
 */
import { describe, expect, it } from 'vitest';
import type { LeaseOutcome, LeaseSpec, QueueUnderTest, TaskSpec } from '../../src/adapters/contract.js';
import { ReferenceQueue } from '../../src/adapters/reference.js';
import { buildConfig } from '../../src/fuzz/config-arb.js';
import type { Lockstep } from '../../src/fuzz/lockstep.js';
import { runOnWallClock } from '../helpers/lockstep.js';
import { wrapQueue } from '../helpers/wrap-queue.js';
import { FuzzFailure } from '../../src/fuzz/violation.js';
import type { ResolvedConfig } from '../../src/model/config.js';

/** p0: a pull queue with no lease limit. */
function config(): ResolvedConfig {
  return buildConfig('appengine', [
    {
      name: 'p0',
      mode: 'pull',
      rate: '5/s',
      ratePerSec: 5,
      bucketSize: 5,
      retry: { minBackoffUs: 100_000, maxBackoffUs: 1_000_000, maxDoublings: 16 },
    },
  ]);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The real-time reference, with its first add answered `firstAddDelayMs` after it took it, and leases as `lease` makes them. */
function wrap(
  inner: ReferenceQueue,
  firstAddDelayMs: number,
  lease?: (q: string, s: LeaseSpec) => Promise<LeaseOutcome>,
): QueueUnderTest {
  let adds = 0;
  return wrapQueue(inner, 'wrapped', {
    addTasks: async (q: string, t: TaskSpec[]) => {
      const r = await inner.addTasks(q, t);
      await sleep(adds++ === 0 ? firstAddDelayMs : 0);
      return r;
    },
    ...(lease ? { leaseTasks: lease } : {}),
  });
}

function runOn(sut: QueueUnderTest, body: (run: Lockstep) => Promise<void>) {
  return runOnWallClock(sut, config(), 11, body);
}

describe('lease order on the wall clock (PULL-2)', () => {
  it('two tasks due closer than the add round trip: leased in either order is inconclusive, not failing', async () => {
    // The queue takes "a" (countdown 300 ms) at r and answers at r + 400 ms: its ETA is r + 300 ms on
    // the queue, r + 700 ms on the model (which adds at the answer). "b" is due at the harness's
    // now + 20 ms, ≥ r + 420 ms on both. The queue leases a (older there), the model b.
    const inner = new ReferenceQueue().onWallClock();
    const { run, error } = await runOn(wrap(inner, 400), async (r) => {
      await r.add('p0', [{ name: 'a', countdownUs: 300_000 }], 'pull');
      await r.add('p0', [{ name: 'b', etaUs: r.now + 20_000 }], 'pull');
      await r.advance(1_000_000);
      await r.lease('p0', { worker: 'w', leaseSeconds: 5, maxTasks: 1 });
    });
    await inner.close();
    expect(error).toBeUndefined();
    // The two orders differ when b is due first on the model (a machine stalled 280 ms between
    // the adds makes them agree), and the lease is made when a quiet moment came.
    const [a, b] = ['a', 'b'].map((n) => run.book.findByName('p0', n)!);
    const leased = !run.log.some((l) => l.includes('skipped'));
    if (leased && Math.max(b.eta, b.addedAt) < Math.max(a.eta, a.addedAt))
      expect(run.inconclusive.map((v) => v.rule)).toContain('PULL-2');
  });

  for (const answerAfterMs of [0, 120]) {
    it(`a queue that leases the newest of two tasks 1.5 s apart fails PULL-2 (its lease answered after ${answerAfterMs} ms)`, async () => {
      const inner = new ReferenceQueue().onWallClock();
      // Leases one more than asked and hands back the last: the newest, not the oldest. A slow answer
      // (120 ms, past the harness's 25 ms for a slow call) changes nothing: no ETA and no lease end
      // falls within it, so the lease is still compared (a busy machine makes such answers).
      const newestFirst = async (q: string, s: LeaseSpec): Promise<LeaseOutcome> => {
        const got = await inner.leaseTasks(q, { ...s, maxTasks: s.maxTasks + 1 });
        await sleep(answerAfterMs);
        return got.ok ? { ...got, tasks: got.tasks.slice(-s.maxTasks) } : got;
      };
      const { error } = await runOn(wrap(inner, 0, newestFirst), async (r) => {
        await r.add('p0', [{ name: 'a' }], 'pull');
        await r.advance(1_000_000);
        await r.advance(500_000);
        await r.add('p0', [{ name: 'b' }], 'pull');
        await r.advance(500_000); // b is due 0.5 s before the lease: more than the guard and a slow call's noise
        await r.lease('p0', { worker: 'w', leaseSeconds: 5, maxTasks: 1 });
      });
      await inner.close();
      expect(error).toBeInstanceOf(FuzzFailure);
      expect((error as FuzzFailure).violations[0]).toMatchObject({
        rule: 'PULL-2',
        check: 'model',
        expected: '[p0/a]',
        actual: '[p0/b]',
      });
    });
  }
});
