import type { TraceEvent } from '../sim/events.js';
import type { FieldSink } from '../sim/trace.js';

/** The headline numbers of a run, counted as the trace streams by. */
export class RunCounters implements FieldSink {
  tasks = 0;
  rejected = 0;
  attempts = 0;
  succeeded = 0;
  exhausted = 0;
  deleted = 0;
  duplicates = 0;
  leases = 0;
  expired = 0;

  onEvent(ev: TraceEvent): void {
    // The commonest types first: a switch tries its cases in order, and a response or a retry
    // (counted by no field) would otherwise be compared with every case.
    switch (ev.e) {
      case 'response':
      case 'retry':
        break;
      case 'dispatch':
        if (ev.dup) this.duplicates++;
        else this.attempts++;
        break;
      case 'success':
        this.succeeded++;
        break;
      case 'add':
        this.tasks++;
        break;
      case 'reject':
        this.rejected++;
        break;
      case 'exhaust':
        this.exhausted++;
        break;
      case 'delete':
        this.deleted++;
        break;
      case 'lease':
        this.leases++;
        break;
      case 'expire':
        this.expired++;
        break;
    }
  }

  // The commonest events as fields (FieldSink): each counts as its event does in onEvent.
  onAdd(): void {
    this.tasks++;
  }

  onDispatch(
    _t: number,
    _id: number,
    _q: string,
    _n: number,
    _name: string | undefined,
    _rc: string,
    _ec: string,
    _etaEpochUs: number,
    _pr: string | undefined,
    _rr: string | undefined,
    _ff: string | undefined,
    dup: boolean | undefined,
  ): void {
    if (dup) this.duplicates++;
    else this.attempts++;
  }

  onResponse(): void {}

  onRetry(): void {}

  onSuccess(): void {
    this.succeeded++;
  }

  onExhaust(): void {
    this.exhausted++;
  }

  toJSON(): Record<string, number> {
    const { tasks, rejected, attempts, succeeded, exhausted, deleted, duplicates, leases, expired } = this;
    return { tasks, rejected, attempts, succeeded, exhausted, deleted, duplicates, leases, expired };
  }
}
