/**
 * Calibration on the wall clock: a harness starved of CPU is slow on every hop, and the hop no one
 * can time is a delivery's way from the queue to the handler. Every call to the queue is timed,
 * including the one that collects its events at each step; a delivery late by no more than the
 * tolerance and the noise measured is inconclusive, later than that it fails (PUSH-5).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { QueueUnderTest } from '../../src/adapters/contract.js';
import { HttpJsonQueue } from '../../src/adapters/http-json.js';
import { serveQueueOverHttp, type Served } from '../../src/adapters/http-json-server.js';
import { ReferenceQueue } from '../../src/adapters/reference.js';
import { FuzzFailure } from '../../src/fuzz/violation.js';
import type { Lockstep } from '../../src/fuzz/lockstep.js';
import { onePushQueue, runOnWallClock } from '../helpers/lockstep.js';
import { wrapQueue } from '../helpers/wrap-queue.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The real-time reference with each delivery `deliveryMs` on its way, and each call collecting its events `eventsMs` late. */
function slowHops(inner: ReferenceQueue, deliveryMs: number, eventsMs: number): QueueUnderTest {
  return wrapQueue(inner, 'slow-hops', {
    reset: (s) =>
      inner.reset({
        ...s,
        handler: async (req) => {
          await sleep(deliveryMs);
          return s.handler(req);
        },
      }),
    advance: async (us) => {
      await sleep(eventsMs);
      return inner.advance(us);
    },
  });
}

const config = onePushQueue();

let served: Served | undefined;
let sut: HttpJsonQueue | undefined;
afterEach(async () => {
  await sut?.close();
  await served?.close();
});

/** Task a, due now, then 400 ms: its one delivery comes 250 ms after the model's. */
async function lateDelivery(eventsMs: number) {
  served = await serveQueueOverHttp(slowHops(new ReferenceQueue().onWallClock(), 250, eventsMs));
  sut = new HttpJsonQueue(served.url);
  return runOnWallClock(sut, config, 7, async (r) => {
    await r.add('q0', [{ name: 'a', payload: 'hi' }], 'push');
    await r.advance(400_000);
  });
}

/** Tolerance of a first attempt at 100/s: 100 ms + 20 ms × 1 + 2 token intervals of 10 ms. */
const TOLERANCE_US = 140_000;

/**
 * The verdict the rule gives for what was measured: late past the tolerance and the noise, PUSH-5;
 * past the tolerance only, inconclusive; within it (the add's answer came that late), none.
 */
function expectVerdictByNoise(run: Lockstep, error: unknown): void {
  const [m] = run.model.log;
  const [s] = run.sut.log;
  expect([m.nth, s.nth, s.key]).toEqual([1, 1, m.key]);
  // 250 ms from its dispatch, which is somewhere in the add's round trip; the model's is at its end.
  const late = s.t - m.t;
  if (late <= TOLERANCE_US) {
    expect(error).toBeUndefined();
    expect(run.inconclusive).toEqual([]);
    return;
  }
  if (late > TOLERANCE_US + run.clock.noiseUs) {
    expect(error).toBeInstanceOf(FuzzFailure);
    expect((error as FuzzFailure).violations[0]).toMatchObject({ rule: 'PUSH-5', task: 'q0/a' });
    return;
  }
  expect(error).toBeUndefined();
  expect(run.inconclusive).toMatchObject([{ rule: 'PUSH-5', task: 'q0/a' }]);
}

describe('a delivery late by the round trips the harness measured (wall clock)', () => {
  it('PUSH-5: collecting the queue’s events is a call like any other, timed (a starved harness is slow there too)', async () => {
    const { run, error } = await lateDelivery(250);
    expect(run.clock.lateness()!.roundTripUs).toBeGreaterThanOrEqual(249_000); // its 250 ms (a timer may fire 1 ms early)
    expectVerdictByNoise(run, error);
  });

  it('PUSH-5: a queue that delivers late and answers its calls at once is judged by the noise measured', async () => {
    const { run, error } = await lateDelivery(0);
    expectVerdictByNoise(run, error);
  });
});
