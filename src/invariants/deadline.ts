/**
 * INV-DEADLINE: a request past its deadline is counted as failed (DEADLINE-2), and a request is
 * only reported as having missed the deadline once the deadline has passed (DEADLINE-1).
 * The latency judged is the response's `lat` (response.t − dispatch.t, as the engine writes it).
 */
import type { ResponseEvent } from '../sim/events.js';
import type { TraceState } from './trace-state.js';
import { Tally, type Checker, type InvariantResult } from './types.js';

export class DeadlineChecker implements Checker {
  readonly inv = 'INV-DEADLINE' as const;
  private readonly tally = new Tally(this.inv);
  constructor(private readonly st: TraceState) {}

  onResponse(ev: ResponseEvent): void {
    const { tally } = this;
    const deadline = this.st.deadlineOf(ev.id);
    tally.checked++;
    if (ev.out === 'ok' && ev.lat > deadline) {
      if (tally.count())
        tally.keep(
          'DEADLINE-2',
          ev.t,
          ev.id,
          ev.q,
          `task ${ev.id} attempt ${ev.n} past the ${deadline}µs deadline`,
          "a failure (out 'deadline')",
          `out 'ok' after lat ${ev.lat}`,
        );
    } else if (ev.out === 'deadline' && !(ev.lat >= deadline)) {
      if (tally.count())
        tally.keep(
          'DEADLINE-1',
          ev.t,
          ev.id,
          ev.q,
          `task ${ev.id} attempt ${ev.n} reported as missing the deadline`,
          `lat >= ${deadline}`,
          `lat ${ev.lat}`,
        );
    }
  }

  result(): InvariantResult {
    return this.tally.result();
  }
}
