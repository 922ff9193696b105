/**
 * A wall-clock run as the harness lived it, for judging a verdict: when each call went out and came
 * back, what the harness waited for, each delivery either side made (as the handler saw it), the
 * queue's own account of its dispatches (Capabilities.events), the drain's deadlines and the noise
 * measured by then. Recorded only when asked (LockstepOptions.timeline), bounded, and kept with
 * the run's failure (FailureReport.timeline).
 */
import type { TraceEvent } from '../sim/events.js';
import type { Micros } from '../sim/time.js';
import { US_PER_MS } from '../sim/time.js';
import type { Seen } from './side.js';
import type { TaskBook } from './task-book.js';

/** Lines kept per run; past it the rest is counted, not kept. */
export const TIMELINE_MAX_LINES = 400;

const ms = (us: Micros): string => `${(us / US_PER_MS).toFixed(1)} ms`;

export class WallTimeline {
  private readonly lines: { t: Micros; text: string }[] = [];
  private dropped = 0;

  constructor(private readonly book: TaskBook) {}

  /** `what` happened at wall µs `t` (since the harness's zero). */
  note(t: Micros, what: string): void {
    if (this.lines.length < TIMELINE_MAX_LINES) this.lines.push({ t, text: `${ms(t).padStart(10)}  ${what}` });
    else this.dropped++;
  }

  /** A delivery as the handler saw it (`side`: whose). */
  delivery(side: 'model' | 'queue', s: Seen): void {
    const task =
      s.key === undefined ? `unknown ${JSON.stringify(s.h.qn)}/${JSON.stringify(s.h.tn)}` : this.book.label(s.key);
    this.note(
      s.t,
      `${side} delivers ${task} #${s.nth} (RetryCount ${s.h.rc}, ETA ${s.h.eta}); answered ${s.answer.outcome} ${s.answer.status} after ${ms(s.answer.latencyUs)}`,
    );
  }

  /** The queue's own events (times on its clock: µs since its zero), as taken at wall µs `t`. */
  queueEvents(t: Micros, events: readonly TraceEvent[]): void {
    for (const ev of events) {
      const on = `at ${ms(ev.t)} on its clock`;
      if (ev.e === 'add') this.note(t, `queue reports: added ${ev.q}/${ev.name} due ${ms(ev.eta)}, ${on}`);
      else if (ev.e === 'dispatch') this.note(t, `queue reports: dispatched ${ev.q}/${ev.h.tn} #${ev.n}, ${on}`);
      else if (ev.e === 'retry')
        this.note(t, `queue reports: a retry of task ${ev.id} (n ${ev.n}) due ${ms(ev.eta)}, ${on}`);
      else if (ev.e === 'success' || ev.e === 'exhaust' || ev.e === 'delete')
        this.note(t, `queue reports: ${ev.e} of task ${ev.id}, ${on}`);
    }
  }

  /** In wall time (a delivery is noted when the harness takes it in, after it came): stable within an instant. */
  read(): string[] {
    const lines = this.lines
      .map((l, i) => ({ ...l, i }))
      .sort((a, b) => a.t - b.t || a.i - b.i)
      .map((l) => l.text);
    return this.dropped > 0 ? [...lines, `… ${this.dropped} more lines not kept`] : lines;
  }
}
