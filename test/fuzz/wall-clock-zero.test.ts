/**
 * PUSH-4 on the wall clock: the queue's zero is somewhere in its reset's round trip, and the harness
 * takes the end of it as its own. A queue whose reset answers late runs ahead of the harness by up
 * to that round trip, so an absolute ETA falls due that much earlier than the model's. The harness
 * measured that window: such a first attempt is on time, and it is the model's attempt, never a
 * delivery before its ETA plus an attempt never made (PUSH-5).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { QueueUnderTest } from '../../src/adapters/contract.js';
import { HttpJsonQueue } from '../../src/adapters/http-json.js';
import { serveQueueOverHttp, type Served } from '../../src/adapters/http-json-server.js';
import { ReferenceQueue } from '../../src/adapters/reference.js';
import { onePushQueue, runOnWallClock } from '../helpers/lockstep.js';
import { wrapQueue } from '../helpers/wrap-queue.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The real-time reference, answering its reset `ms` after it set its clock's zero (a stall, made certain). */
function lateResetAnswer(inner: ReferenceQueue, ms: number): QueueUnderTest {
  return wrapQueue(inner, 'late-reset-answer', {
    reset: async (s) => {
      await inner.reset(s);
      await sleep(ms);
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

describe("an absolute ETA on a queue whose clock runs ahead by its reset's round trip (wall clock)", () => {
  it('PUSH-4 / PUSH-5: the early first attempt is the model’s attempt, on time', async () => {
    served = await serveQueueOverHttp(lateResetAnswer(new ReferenceQueue().onWallClock(), 80));
    sut = new HttpJsonQueue(served.url);
    const { run, error } = await runOnWallClock(sut, config, 5, async (r) => {
      // Due 200 ms after the harness's zero: on the queue's clock, which is ≥ 80 ms ahead, sooner.
      await r.add('q0', [{ name: 'a', etaUs: r.now + 200_000, payload: 'hi' }], 'push');
      await r.advance(300_000);
    });
    expect(error).toBeUndefined();
    const key = run.book.findByName('q0', 'a')!.key;
    // One attempt on each side, matched: not a delivery before its ETA (PUSH-4) and one never made (PUSH-5).
    expect(run.sut.log.map((s) => [s.key, s.nth])).toEqual([[key, 1]]);
    expect(run.model.log.map((s) => [s.key, s.nth])).toEqual([[key, 1]]);
    expect(run.inconclusive.filter((v) => v.rule === 'PUSH-4')).toEqual([]);
  });
});

describe('the timeline of a wall-clock run (LockstepOptions.timeline)', () => {
  it("shows the reset's window, the add, both sides' deliveries and the queue's own dispatch, in wall time", async () => {
    served = await serveQueueOverHttp(lateResetAnswer(new ReferenceQueue().onWallClock(), 80));
    sut = new HttpJsonQueue(served.url);
    const { timeline } = await runOnWallClock(
      sut,
      config,
      5,
      async (r) => {
        await r.add('q0', [{ name: 'a', etaUs: r.now + 200_000, payload: 'hi' }], 'push');
        await r.advance(300_000);
      },
      { timeline: true },
    );
    const lines = timeline ?? [];
    const reset = /reset answered after ([\d.]+) ms/.exec(lines[0] ?? '');
    expect(Number(reset?.[1])).toBeGreaterThanOrEqual(79); // the answer came 80 ms after the zero (a timer may fire 1 ms early)
    for (const want of [
      /sent: .*; answered at [\d.]+ ms/,
      /advance 300 ms: waited/,
      /model delivers q0\/a #1 \(RetryCount 0/,
      /queue delivers q0\/a #1 \(RetryCount 0/,
      /queue reports: dispatched q0\/a #1, at [\d.]+ ms on its clock/,
      /drain: the model idle/,
      /final judgement; measured harness lateness/,
    ])
      expect(
        lines.some((l) => want.test(l)),
        `${want} in\n${lines.join('\n')}`,
      ).toBe(true);
    const times = lines.map((l) => Number.parseFloat(l));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('is not recorded unless asked', async () => {
    served = await serveQueueOverHttp(new ReferenceQueue().onWallClock());
    sut = new HttpJsonQueue(served.url);
    const { timeline, error } = await runOnWallClock(sut, config, 5, async (r) => {
      await r.advance(10_000);
    });
    expect(error).toBeUndefined();
    expect(timeline).toBeUndefined();
  });
});
