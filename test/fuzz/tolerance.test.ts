import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/fuzz/config-arb.js';
import { SideState } from '../../src/fuzz/model-state.js';
import type { Seen } from '../../src/fuzz/side.js';
import { TaskBook } from '../../src/fuzz/task-book.js';
import {
  TolerantMatcher,
  WALL_CLOCK_TOLERANCE,
  deliveryTolerance,
  describeTolerance,
  type MatchContext,
} from '../../src/fuzz/tolerance.js';
import { formatEpochSeconds } from '../../src/sim/time.js';

const MS = 1000;
const EPOCH = 1_767_225_600_000_000;

/** One push queue at 100/s (a token interval of 10 ms), one task `default/a` with ETA 100 ms. */
function setup() {
  const config = buildConfig('appengine', []);
  config.queues[0] = { ...config.queues[0], rate: '100/s', ratePerSec: 100 };
  const book = new TaskBook();
  const e = book.add({
    q: 'default',
    mode: 'push',
    named: true,
    names: { model: 'a', sut: 'a' },
    eta: 100 * MS,
    addedAt: 0,
    size: 0,
  });
  const tainted = new Set<number>();
  const noise = { us: 0 };
  const etaWindow = { us: 0 };
  const inconclusive: { rule: string }[] = [];
  const ctx: MatchContext = {
    book,
    model: new SideState('model', book),
    modelLog: [],
    config,
    epochUs: EPOCH,
    tainted,
    etaWindow: () => etaWindow.us,
    noiseUs: () => noise.us,
    inconclusive: (v) => inconclusive.push(v),
  };
  ctx.tolerance = (s) => deliveryTolerance(s, ctx);
  const model: Seen[] = [];
  const sut: Seen[] = [];
  const seen = (t: number, nth = 1, over: Partial<Seen['h']> = {}): Seen => ({
    t,
    key: e.key,
    nth,
    method: 'POST',
    url: '/_ah/queue/default',
    body: '',
    seq: 0,
    h: { qn: 'default', tn: 'a', rc: String(nth - 1), ec: '0', eta: formatEpochSeconds(EPOCH + 100 * MS), ...over },
    answer: { status: 200, outcome: 'ok', latencyUs: 20 * MS },
  });
  return {
    ctx,
    model,
    sut,
    seen,
    tainted,
    noise,
    etaWindow,
    inconclusive,
    matcher: new TolerantMatcher(model, sut, ctx),
    key: e.key,
  };
}

describe('wall-clock tolerances', () => {
  it('are named figures: 100 ms + 20 ms per attempt + 2 token intervals', () => {
    const { ctx, seen } = setup();
    expect(WALL_CLOCK_TOLERANCE).toMatchObject({
      deliveryUs: 100 * MS,
      perAttemptUs: 20 * MS,
      tokenIntervals: 2,
      earlyUs: 20 * MS,
      leaseEndUs: 50 * MS,
    });
    // 100 ms + 20 ms × 1 + 2 × 10 ms (100/s)
    expect(deliveryTolerance(seen(100 * MS, 1), ctx)).toBe(140 * MS);
    expect(deliveryTolerance(seen(300 * MS, 3), ctx)).toBe(180 * MS);
    expect(describeTolerance()).toMatch(
      /±\(100 ms \+ 20 ms per attempt \+ 2 token intervals\).*INV-ETA, INV-RATE replaced/,
    );
  });

  it('a delivery within tolerance of the model is the same delivery', () => {
    const { model, sut, seen, matcher } = setup();
    model.push(seen(100 * MS));
    sut.push(seen(150 * MS, 1, { eta: formatEpochSeconds(EPOCH + 103 * MS) }));
    expect(matcher.check(200 * MS, 200 * MS)).toBeUndefined();
    expect(matcher.allModelMatched()).toBe(true);
  });

  it('past tolerance it is late (PUSH-5); a header that differs is named by its rule (HDR-3)', () => {
    let s = setup();
    s.model.push(s.seen(100 * MS));
    s.sut.push(s.seen(300 * MS));
    expect(s.matcher.check(400 * MS, 400 * MS)).toBeUndefined(); // timing: judged at the end of the run
    expect(s.matcher.check(400 * MS, 400 * MS, true)).toMatchObject({ rule: 'PUSH-5', check: 'model' });
    s = setup();
    s.model.push(s.seen(100 * MS));
    s.sut.push(s.seen(101 * MS, 1, { rc: '1' }));
    expect(s.matcher.check(200 * MS, 200 * MS)).toMatchObject({ rule: 'HDR-3', expected: '"0"', actual: '"1"' });
  });

  it('a delivery the queue has not made is judged missing at the end of the run; if it comes late, late', () => {
    const { model, sut, seen, matcher } = setup();
    model.push(seen(100 * MS));
    expect(matcher.check(260 * MS, 260 * MS)).toBeUndefined();
    expect(matcher.check(2000 * MS, 2000 * MS, true)).toMatchObject({ rule: 'PUSH-5', actual: 'none' });
    const late = setup();
    late.model.push(late.seen(100 * MS));
    expect(late.matcher.check(260 * MS, 260 * MS)).toBeUndefined();
    late.sut.push(late.seen(400 * MS));
    expect(late.matcher.check(400 * MS, 400 * MS, true)).toMatchObject({
      rule: 'PUSH-5',
      expected: 'at t=0.100000s',
      actual: 'at t=0.400000s',
    });
  });

  it('a first attempt well before its ETA is PUSH-4 (at the end of the run)', () => {
    const { sut, seen, matcher } = setup();
    sut.push(seen(50 * MS)); // ETA 100 ms, early slack 20 ms
    expect(matcher.check(51 * MS, 51 * MS)).toBeUndefined();
    expect(matcher.check(60 * MS, 60 * MS, true)).toMatchObject({ rule: 'PUSH-4' });
  });

  it("a first attempt early by less than early slack + the ETA's window is on time (ETA 100 ms, slack 20 ms, window 80 ms)", () => {
    // The queue's zero came 80 ms before the harness's (its reset's round trip): an absolute ETA falls due that much earlier.
    const { model, sut, seen, matcher, etaWindow, inconclusive } = setup();
    etaWindow.us = 80 * MS;
    sut.push(seen(1 * MS)); // 100 − 20 − 80 = 0 ms: not before it
    expect(matcher.check(2 * MS, 2 * MS)).toBeUndefined();
    model.push(seen(100 * MS)); // 99 ms apart: within 140 ms
    expect(matcher.check(2000 * MS, 2000 * MS, true)).toBeUndefined();
    expect(inconclusive).toEqual([]);
    expect(matcher.allModelMatched()).toBe(true);
  });

  it('tainted tasks are neither compared nor judged', () => {
    const { model, sut, seen, matcher, tainted, key } = setup();
    tainted.add(key);
    model.push(seen(100 * MS));
    sut.push(seen(900 * MS, 1, { rc: '7' }));
    expect(matcher.check(2000 * MS, 2000 * MS, true)).toBeUndefined();
  });

  describe("calibrated by the harness's measured lateness (noise 60 ms: tolerance 140 ms becomes 200 ms)", () => {
    it('a delivery 160 ms late is inconclusive: reported, not failing', () => {
      const { model, sut, seen, matcher, noise, inconclusive } = setup();
      noise.us = 60 * MS;
      model.push(seen(100 * MS));
      sut.push(seen(260 * MS));
      expect(matcher.check(400 * MS, 400 * MS, true)).toBeUndefined();
      expect(inconclusive).toMatchObject([{ rule: 'PUSH-5' }]);
    });

    it('a delivery 210 ms late still fails (PUSH-5): beyond the tolerance and the noise', () => {
      const { model, sut, seen, matcher, noise, inconclusive } = setup();
      noise.us = 60 * MS;
      model.push(seen(100 * MS));
      sut.push(seen(310 * MS));
      expect(matcher.check(400 * MS, 400 * MS, true)).toMatchObject({ rule: 'PUSH-5' });
      expect(inconclusive).toEqual([]);
    });

    it('the noise measured by the end of the run counts, not the noise when the delivery came', () => {
      const { model, sut, seen, matcher, noise, inconclusive } = setup();
      model.push(seen(100 * MS));
      sut.push(seen(260 * MS)); // 160 ms late: past 140 ms, seen before any lateness was measured
      expect(matcher.check(300 * MS, 300 * MS)).toBeUndefined();
      noise.us = 60 * MS; // the stall that delayed it is measured afterwards
      expect(matcher.check(400 * MS, 400 * MS, true)).toBeUndefined();
      expect(inconclusive).toMatchObject([{ rule: 'PUSH-5' }]);
    });

    it('a first attempt early by less than early slack + noise is inconclusive (ETA 100 ms, slack 20 ms, noise 60 ms)', () => {
      const { sut, seen, matcher, noise, inconclusive } = setup();
      noise.us = 60 * MS;
      sut.push(seen(50 * MS));
      expect(matcher.check(51 * MS, 51 * MS, true)).toBeUndefined();
      expect(inconclusive).toMatchObject([{ rule: 'PUSH-4' }]);
      const far = setup();
      far.noise.us = 60 * MS;
      far.sut.push(far.seen(10 * MS));
      expect(far.matcher.check(11 * MS, 11 * MS, true)).toMatchObject({ rule: 'PUSH-4' });
    });

    it("an early first attempt is still the model's attempt: PUSH-4 inconclusive, not also a delivery never made (PUSH-5)", () => {
      const { model, sut, seen, matcher, noise, inconclusive } = setup();
      noise.us = 60 * MS;
      sut.push(seen(50 * MS)); // 50 ms early: past the 20 ms slack, within slack + noise (80 ms)
      expect(matcher.check(51 * MS, 51 * MS)).toBeUndefined();
      model.push(seen(100 * MS)); // the model makes the same attempt at its ETA
      expect(matcher.check(100 * MS, 100 * MS)).toBeUndefined();
      expect(matcher.allModelMatched()).toBe(true);
      expect(matcher.check(2000 * MS, 2000 * MS, true)).toBeUndefined();
      expect(inconclusive).toMatchObject([{ rule: 'PUSH-4' }]);
    });

    it('an early first attempt beyond the slack and the noise fails as PUSH-4, matched or not', () => {
      const { model, sut, seen, matcher, noise, inconclusive } = setup();
      noise.us = 60 * MS;
      sut.push(seen(10 * MS)); // 90 ms early: past 20 ms + 60 ms
      model.push(seen(100 * MS));
      expect(matcher.check(2000 * MS, 2000 * MS, true)).toMatchObject({ rule: 'PUSH-4', actual: 'at t=0.010000s' });
      expect(inconclusive).toEqual([]);
    });

    it('the printed tolerances carry the noise', () => {
      expect(describeTolerance(WALL_CLOCK_TOLERANCE, 60 * MS)).toMatch(
        /±\(160 ms \+ 20 ms per attempt \+ 2 token intervals\); first attempts ≥ ETA − 80 ms; lease ends ±110 ms/,
      );
    });
  });
});
