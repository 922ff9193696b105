/**
 * INV-NODUP-AFTER-DELETE: no delivery or lease of a task after it was deleted (PULL-7) or exhausted
 * (RETRY-5, PULL-10), and no ordinary redelivery after a 2xx (HANDLER-1). The one exception is a delivery
 * marked `dup` after a 2xx: a rare duplicate HANDLER-4 allows, counted in the note.
 */
import type { DispatchEvent, LeaseEvent } from '../sim/events.js';
import type { RuleId } from '../rules/index.js';
import { DELETED, EXHAUSTED, NONE, SUCCEEDED } from './task-table.js';
import type { TraceState } from './trace-state.js';
import { Tally, type Checker, type InvariantResult } from './types.js';

export class NoDupChecker implements Checker {
  readonly inv = 'INV-NODUP-AFTER-DELETE' as const;
  private readonly tally = new Tally(this.inv);
  private duplicates = 0;

  constructor(private readonly st: TraceState) {}

  onDispatch(ev: DispatchEvent): void {
    this.tally.checked++;
    const phase = this.st.phase(ev.id);
    if (phase === SUCCEEDED && ev.dup) {
      this.duplicates++;
      return;
    }
    if (ev.dup && phase !== NONE && phase < SUCCEEDED) {
      // The trace's only sanctioned duplicate is one after a 2xx; a live task's attempts are not dups.
      if (this.tally.count())
        this.tally.keep(
          'HANDLER-4',
          ev.t,
          ev.id,
          ev.q,
          `delivery of task ${ev.id} marked dup`,
          'a duplicate only after the task succeeded',
          'the task still live',
        );
      return;
    }
    this.judge(ev.t, ev.id, ev.q, phase, 'delivery');
  }

  onLease(ev: LeaseEvent): void {
    this.tally.checked++;
    this.judge(ev.t, ev.id, ev.q, this.st.phase(ev.id), 'lease');
  }

  private judge(t: number, id: number, q: string, phase: number, what: string): void {
    let rule: RuleId;
    let state: string;
    switch (phase) {
      case NONE:
        rule = 'INV-NODUP-AFTER-DELETE';
        state = 'a task never added';
        break;
      case SUCCEEDED:
        rule = 'HANDLER-1';
        state = 'already succeeded (2xx), not marked dup';
        break;
      case EXHAUSTED:
        rule = what === 'lease' ? 'PULL-10' : 'RETRY-5';
        state = 'already exhausted';
        break;
      case DELETED:
        rule = what === 'lease' ? 'PULL-7' : 'INV-NODUP-AFTER-DELETE';
        state = 'already deleted';
        break;
      default:
        return;
    }
    if (this.tally.count())
      this.tally.keep(rule, t, id, q, `${what} of task ${id}`, `no ${what} of a task that is not live`, state);
  }

  result(): InvariantResult {
    return this.tally.result(
      this.duplicates > 0 ? `${this.duplicates} reported duplicate deliveries after 2xx (HANDLER-4)` : undefined,
    );
  }
}
