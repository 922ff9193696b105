/**
 * INV-RATE: a shadow token bucket per push queue (PUSH-2), the in-flight cap (PUSH-3), and nothing
 * dispatched while paused (PUSH-8). The bucket starts full at t=0, refills continuously at the
 * effective rate up to bucket_size, and every dispatch, duplicates too, takes a token. The effective
 * rate is the configured one, then each `rate` event's (INST-2): throttling may lower it, never raise
 * it above the configuration, so a `rate` event above it is a violation and the bucket keeps refilling
 * at the configured rate.
 */
import type { DispatchEvent, RateEvent, ResponseEvent } from '../sim/events.js';
import type { TraceState } from './trace-state.js';
import { Tally, type Checker, type InvariantResult } from './types.js';

/** Rounding slack: a dispatch finding 1 − 1e-6 tokens is on time. */
const SLACK = 1e-6;

export class RateChecker implements Checker {
  readonly inv = 'INV-RATE' as const;
  private readonly tally = new Tally(this.inv);
  // Per configured queue, by index.
  private readonly tokens: Float64Array;
  private readonly last: Float64Array;
  private readonly rate: Float64Array;
  private readonly configured: Float64Array;
  private readonly cap: Float64Array;
  private readonly limit: Float64Array; // max_concurrent_requests, Infinity when unset
  private readonly inflight: Int32Array;
  private readonly judged: Uint8Array; // push queues with settings
  private readonly judgedCfg: unknown[]; // the settings judged by: another object means the API changed them

  constructor(private readonly st: TraceState) {
    const n = st.configuredQueues;
    this.tokens = new Float64Array(n);
    this.last = new Float64Array(n);
    this.rate = new Float64Array(n);
    this.configured = new Float64Array(n);
    this.cap = new Float64Array(n);
    this.limit = new Float64Array(n);
    this.inflight = new Int32Array(n);
    this.judged = new Uint8Array(n);
    this.judgedCfg = st.queues.slice(0, n).map((q) => q.cfg);
    for (let i = 0; i < n; i++) {
      const cfg = st.queues[i].cfg!;
      this.judged[i] = cfg.mode === 'push' ? 1 : 0;
      this.tokens[i] = this.cap[i] = cfg.bucketSize;
      this.rate[i] = this.configured[i] = cfg.ratePerSec;
      this.limit[i] = cfg.maxConcurrentRequests ?? Infinity;
    }
  }

  private refill(qi: number, t: number): void {
    const dt = t - this.last[qi];
    if (dt > 0) {
      this.tokens[qi] = Math.min(this.cap[qi], this.tokens[qi] + (this.rate[qi] * dt) / 1e6);
      this.last[qi] = t;
    }
  }

  onDispatch(ev: DispatchEvent): void {
    const info = this.st.queue(ev.q);
    const qi = info.index;
    if (qi >= this.judged.length || this.judged[qi] === 0) return;
    // CT-1 UpdateQueue changed the settings mid-run: this shadow bucket no longer applies (judge nothing rather than wrongly).
    if (info.cfg !== this.judgedCfg[qi]) return void (this.judged[qi] = 0);
    // CT-4: RunTask dispatches whatever the rate and the cap; it still counts in flight.
    if (this.st.ranNow === ev.id) return void this.inflight[qi]++;
    const { tally } = this;
    tally.checked++;
    if (info.paused && tally.count())
      tally.keep(
        'PUSH-8',
        ev.t,
        ev.id,
        ev.q,
        `dispatch of task ${ev.id} on queue '${ev.q}'`,
        'none while the queue is paused',
        'a dispatch',
      );
    this.refill(qi, ev.t);
    const have = this.tokens[qi];
    if (have < 1 - SLACK && tally.count()) {
      tally.keep(
        'PUSH-2',
        ev.t,
        ev.id,
        ev.q,
        `dispatch of task ${ev.id} on queue '${ev.q}' (rate ${this.rate[qi]}/s, bucket ${this.cap[qi]})`,
        'a token (>= 1)',
        `${have.toFixed(6)} tokens`,
      );
    }
    this.tokens[qi] = Math.max(0, have - 1); // clamp: one violation must not cascade into the next
    const inflight = ++this.inflight[qi];
    if (inflight > this.limit[qi] && tally.count()) {
      tally.keep(
        'PUSH-3',
        ev.t,
        ev.id,
        ev.q,
        `in flight on queue '${ev.q}' after dispatch of task ${ev.id}`,
        `<= ${this.limit[qi]} (max_concurrent_requests)`,
        String(inflight),
      );
    }
  }

  onResponse(ev: ResponseEvent): void {
    const qi = this.st.queue(ev.q).index;
    if (qi < this.inflight.length && this.inflight[qi] > 0) this.inflight[qi]--;
  }

  onRate(ev: RateEvent): void {
    const qi = this.st.queue(ev.q).index;
    if (qi >= this.judged.length) return;
    const { tally } = this;
    tally.checked++;
    const configured = this.configured[qi];
    const lawful = ev.rate >= 0 && ev.rate <= configured;
    if (!lawful && tally.count()) {
      tally.keep(
        'INST-2',
        ev.t,
        undefined,
        ev.q,
        `throttled rate of queue '${ev.q}'`,
        `between 0 and the configured ${configured}/s`,
        `${ev.rate}/s`,
      );
    }
    this.refill(qi, ev.t);
    this.rate[qi] = lawful ? ev.rate : Math.min(Math.max(ev.rate, 0), configured) || 0;
  }

  result(): InvariantResult {
    return this.tally.result();
  }
}
