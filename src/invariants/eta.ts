/**
 * INV-ETA: no attempt before its ETA (PUSH-4), and every retry's ETA is exactly the failed response's
 * time plus RETRY-4's delay for that retry (expected-backoff.ts, the checkers' own arithmetic).
 */
import type { DispatchEvent, RetryEvent } from '../sim/events.js';
import { expectedBackoffUs } from './expected-backoff.js';
import { RESPONDED, isLive } from './task-table.js';
import type { TraceState } from './trace-state.js';
import { Tally, type Checker, type InvariantResult } from './types.js';

/** Backoff delays of the first retries are cached per queue; later ones are computed. */
const CACHED_RETRIES = 64;

export class EtaChecker implements Checker {
  readonly inv = 'INV-ETA' as const;
  private readonly tally = new Tally(this.inv);
  private readonly delays: (Float64Array | undefined)[] = [];
  /** The settings each cache was computed from (CT-1 UpdateQueue may replace them). */
  private readonly delaysCfg: unknown[] = [];

  constructor(private readonly st: TraceState) {}

  onDispatch(ev: DispatchEvent): void {
    if (ev.dup || !isLive(this.st.phase(ev.id))) return;
    this.tally.checked++;
    const eta = this.st.eta.get(ev.id);
    if (ev.t < eta && this.tally.count()) {
      this.tally.keep(
        'PUSH-4',
        ev.t,
        ev.id,
        ev.q,
        `task ${ev.id} attempt ${this.st.n.get(ev.id) + 1} dispatch time`,
        `t >= eta ${eta}`,
        `t = ${ev.t}`,
      );
    }
  }

  onRetry(ev: RetryEvent): void {
    const { st } = this;
    if (st.phase(ev.id) !== RESPONDED) return; // a retry out of place is INV-LIMITS' to report
    const info = st.taskQueue(ev.id);
    if (info.cfg === undefined) return;
    this.tally.checked++;
    const failed = st.n.get(ev.id); // RETRY-4: retry n follows the failure of attempt n
    const respT = st.respT.get(ev.id);
    // CT-5: a Retry-After on the failed response puts the retry no sooner than it asked.
    const delay = Math.max(
      this.delay(info.index, failed),
      st.retryAfter.size === 0 ? 0 : (st.retryAfter.get(ev.id) ?? 0),
    );
    const want = respT + delay;
    if (ev.eta !== want && this.tally.count()) {
      this.tally.keep(
        'RETRY-4',
        ev.t,
        ev.id,
        ev.q,
        `task ${ev.id} retry ${failed} ETA`,
        `eta ${want} (response at ${respT} + backoff ${delay})`,
        `eta ${ev.eta} (${ev.eta < want ? 'early' : 'late'} by ${Math.abs(ev.eta - want)}µs)`,
      );
    }
  }

  private delay(qi: number, n: number): number {
    const retry = this.st.queues[qi].cfg!.retry;
    const step = this.st.readings.backoffLinearStep;
    if (n > CACHED_RETRIES) return expectedBackoffUs(n, retry, step);
    let cache = this.delays[qi];
    if (cache === undefined || this.delaysCfg[qi] !== this.st.queues[qi].cfg) {
      this.delaysCfg[qi] = this.st.queues[qi].cfg;
      cache = this.delays[qi] = new Float64Array(CACHED_RETRIES + 1);
      for (let i = 1; i <= CACHED_RETRIES; i++) cache[i] = expectedBackoffUs(i, retry, step);
    }
    return cache[n];
  }

  result(): InvariantResult {
    return this.tally.result();
  }
}
