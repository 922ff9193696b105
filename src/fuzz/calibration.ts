/**
 * Calibrated real time: on the wall clock the harness measures its own lateness as it runs, and
 * widens every tolerance by what it measured. A difference beyond the stated tolerance but inside
 * the measured noise is *inconclusive*: reported, never failing (a verdict must be earned; a busy
 * machine is not a defect of the queue).
 *
 * What is measured, per run (the largest seen so far):
 *  - event-loop lag: perf_hooks' monitorEventLoopDelay (above its resolution), and how late each of
 *    the harness's own timers fired (every wait it makes is one);
 *  - the handler's answers: how much longer than intended each took to go back;
 *  - round trips: each call to the queue, from sending to its answer, the one that collects its
 *    events at every step included (the queue's own lateness shows here: a stalled queue answers
 *    late; so does a harness starved of CPU, as it is on a delivery's way to the handler, which no
 *    one can time).
 * The noise is lag + max(answers, round trips): a delivery is timed late by the harness's lag, and
 * made late by the queue's (or answered late, which moves the retry).
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Micros } from '../sim/time.js';
import { US_PER_MS } from '../sim/time.js';

const RESOLUTION_MS = 5;

export interface Lateness {
  loopLagUs: Micros;
  answerOverrunUs: Micros;
  roundTripUs: Micros;
  /** loopLag + max(answerOverrun, roundTrip): what every tolerance is widened by. */
  noiseUs: Micros;
}

export const NO_LATENESS: Lateness = Object.freeze({ loopLagUs: 0, answerOverrunUs: 0, roundTripUs: 0, noiseUs: 0 });

export class LatenessMeter {
  private readonly eld: IntervalHistogram;
  private loopLagUs = 0;
  private answerOverrunUs = 0;
  private roundTripUs = 0;

  constructor() {
    this.eld = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.eld.enable();
  }

  /** Takes in the event-loop histogram since the last sample. */
  sample(): void {
    const maxNs = this.eld.max;
    if (Number.isFinite(maxNs) && maxNs > 0) this.lag(Math.round(maxNs / 1000) - RESOLUTION_MS * US_PER_MS);
    this.eld.reset();
  }

  /** A timer of the harness fired `us` after it was due. */
  lag(us: Micros): void {
    if (us > this.loopLagUs) this.loopLagUs = us;
  }

  answerOverrun(us: Micros): void {
    if (us > this.answerOverrunUs) this.answerOverrunUs = us;
  }

  roundTrip(us: Micros): void {
    if (us > this.roundTripUs) this.roundTripUs = us;
  }

  get noiseUs(): Micros {
    return this.loopLagUs + Math.max(this.answerOverrunUs, this.roundTripUs);
  }

  read(): Lateness {
    return {
      loopLagUs: this.loopLagUs,
      answerOverrunUs: this.answerOverrunUs,
      roundTripUs: this.roundTripUs,
      noiseUs: this.noiseUs,
    };
  }

  stop(): void {
    this.eld.disable();
  }
}

/** The larger of two readings, figure by figure (a campaign's calibration is its worst run's). */
export function maxLateness(a: Lateness, b: Lateness): Lateness {
  return {
    loopLagUs: Math.max(a.loopLagUs, b.loopLagUs),
    answerOverrunUs: Math.max(a.answerOverrunUs, b.answerOverrunUs),
    roundTripUs: Math.max(a.roundTripUs, b.roundTripUs),
    noiseUs: Math.max(a.noiseUs, b.noiseUs),
  };
}

const ms = (us: Micros): string => `${(us / US_PER_MS).toFixed(1)} ms`;

export function describeLateness(l: Lateness): string {
  return `measured harness lateness: event loop ≤ ${ms(l.loopLagUs)}, handler answers ≤ ${ms(l.answerOverrunUs)} over, round trips ≤ ${ms(l.roundTripUs)}; every tolerance widened by up to ${ms(l.noiseUs)}`;
}
