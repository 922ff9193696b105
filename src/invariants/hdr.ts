/**
 * INV-HDR: the X-AppEngine headers of every delivery (HDR-1…7). The expected values come from the
 * trace: the add (queue, name, ETA), the retries (ETA), and the earlier responses of the same task.
 */
import type { AddEvent, DispatchEvent, ResponseEvent } from '../sim/events.js';
import { formatEpochSeconds } from '../sim/time.js';
import { decimalValue, epochMicrosOf, isDecimalOf, nameHash, shown } from './format.js';
import { Column, IN_FLIGHT, isLive } from './task-table.js';
import { OUT_ERROR, OUT_OK, outcomeName, type TraceState } from './trace-state.js';
import { Tally, type Checker, type InvariantResult } from './types.js';

export class HeaderChecker implements Checker {
  readonly inv = 'INV-HDR' as const;
  private readonly tally = new Tally(this.inv);
  /** HDR-4: earlier responses that reached the handler and failed. */
  private readonly ec: Column<Uint32Array>;
  /** HDR-2: a fingerprint of the name given at add. */
  private readonly name: Column<Uint32Array>;
  /** HDR-5: the ETA given at add, for the `original` reading of a retry's ETA header (SPEC §10). */
  private readonly firstEta: Column<Float64Array>;
  private readonly deadlineCounts: boolean;
  private readonly counts5xx: boolean;
  private readonly originalEta: boolean;
  private dups = 0;

  constructor(private readonly st: TraceState) {
    this.ec = st.tasks.column((n) => new Uint32Array(n));
    this.name = st.tasks.column((n) => new Uint32Array(n));
    this.firstEta = st.tasks.column((n) => new Float64Array(n));
    this.deadlineCounts = st.options.deadlineCountsAsExecution;
    this.counts5xx = st.options.executionCounts5xx !== false;
    this.originalEta = st.options.retryEtaHeader === 'original';
  }

  onAdd(ev: AddEvent): void {
    this.name.set(ev.id, nameHash(String(ev.name)));
    this.firstEta.set(ev.id, ev.eta);
  }

  onResponse(ev: ResponseEvent): void {
    if (this.st.phase(ev.id) !== IN_FLIGHT) return;
    // HDR-4 / SPEC §10: a handler's non-2xx counts (its 5xx not under CT-5's reading); a missed
    // deadline only under its option; connection and no-instance failures never.
    const handlerFailure = ev.out === 'error' && (this.counts5xx || !(ev.status >= 500 && ev.status <= 599));
    if (handlerFailure || (ev.out === 'deadline' && this.deadlineCounts)) this.ec.set(ev.id, this.ec.get(ev.id) + 1);
  }

  onDispatch(ev: DispatchEvent): void {
    this.tally.checked++;
    const h = ev.h;
    if (h === null || typeof h !== 'object') {
      if (this.tally.count()) this.tally.keep('HDR-1', ev.t, ev.id, ev.q, 'headers of the delivery', 'X-AppEngine headers', shown(h));
      return;
    }
    if (ev.dup || !isLive(this.st.phase(ev.id))) {
      this.dups++;
      this.checkWellFormed(ev);
      return;
    }
    const { st, tally } = this;
    const id = ev.id;
    const t = ev.t;
    const qname = st.taskQueue(id).name;
    if (h.qn !== qname && tally.count()) tally.keep('HDR-1', t, id, ev.q, `task ${id} X-AppEngine-QueueName`, shown(qname), shown(h.qn));
    if ((typeof h.tn !== 'string' || h.tn.length === 0 || nameHash(h.tn) !== this.name.get(id)) && tally.count()) {
      tally.keep('HDR-2', t, id, ev.q, `task ${id} X-AppEngine-TaskName`, 'the name given at add', shown(h.tn));
    }
    const attempt = st.n.get(id) + 1;
    if (!isDecimalOf(h.rc, attempt - 1)) {
      if (tally.count()) tally.keep('HDR-3', t, id, ev.q, `task ${id} attempt ${attempt} X-AppEngine-TaskRetryCount`, shown(String(attempt - 1)), shown(h.rc));
    } else if (ev.n !== attempt && tally.count()) {
      tally.keep('HDR-3', t, id, ev.q, `task ${id} attempt number`, `n=${attempt}`, `n=${ev.n}`);
    }
    const ec = this.ec.get(id);
    if (!isDecimalOf(h.ec, ec) && tally.count()) {
      tally.keep('HDR-4', t, id, ev.q, `task ${id} attempt ${attempt} X-AppEngine-TaskExecutionCount`, shown(String(ec)), shown(h.ec));
    }
    const etaUs = st.epochUs + (this.originalEta ? this.firstEta.get(id) : st.eta.get(id));
    if (epochMicrosOf(h.eta) !== etaUs && tally.count()) {
      tally.keep('HDR-5', t, id, ev.q, `task ${id} attempt ${attempt} X-AppEngine-TaskETA`, shown(formatEpochSeconds(etaUs)), shown(h.eta));
    }
    if (attempt === 1) {
      // HDR-6/7: nothing to report before the first attempt.
      if (h.pr !== undefined && tally.count()) tally.keep('HDR-6', t, id, ev.q, `task ${id} attempt 1 X-AppEngine-TaskPreviousResponse`, 'absent', shown(h.pr));
      if (h.rr !== undefined && tally.count()) tally.keep('HDR-7', t, id, ev.q, `task ${id} attempt 1 X-AppEngine-TaskRetryReason`, 'absent', shown(h.rr));
      return;
    }
    // HDR-6: the previous answer's status, 0 when it got none (no instance, deadline, connection).
    const lastOut = st.lastOut.get(id);
    const status = lastOut === OUT_ERROR || lastOut === OUT_OK ? st.lastStatus.get(id) : 0;
    if (!isDecimalOf(h.pr, status) && tally.count()) {
      tally.keep('HDR-6', t, id, ev.q, `task ${id} attempt ${attempt} X-AppEngine-TaskPreviousResponse`, shown(String(status)), shown(h.pr));
    }
    // HDR-7 as production captures show it (SPEC §10).
    const out = st.lastOut.get(id);
    const reason = out === OUT_ERROR ? 'App Error' : 'Instance Unavailable';
    if (h.rr !== reason && tally.count()) {
      tally.keep('HDR-7', t, id, ev.q, `task ${id} attempt ${attempt} X-AppEngine-TaskRetryReason after '${outcomeName(out)}'`, shown(reason), shown(h.rr));
    }
  }

  /** A duplicate after 2xx (HANDLER-4): the task's facts are gone, so only the form is judged. */
  private checkWellFormed(ev: DispatchEvent): void {
    const { tally } = this;
    const h = ev.h;
    const what = `duplicate of task ${ev.id}`;
    if (h.qn !== ev.q && tally.count()) tally.keep('HDR-1', ev.t, ev.id, ev.q, `${what} X-AppEngine-QueueName`, shown(ev.q), shown(h.qn));
    if ((typeof h.tn !== 'string' || h.tn.length === 0) && tally.count()) tally.keep('HDR-2', ev.t, ev.id, ev.q, `${what} X-AppEngine-TaskName`, 'a non-empty name', shown(h.tn));
    if (decimalValue(h.rc) < 0 && tally.count()) tally.keep('HDR-3', ev.t, ev.id, ev.q, `${what} X-AppEngine-TaskRetryCount`, 'a decimal integer', shown(h.rc));
    if (decimalValue(h.ec) < 0 && tally.count()) tally.keep('HDR-4', ev.t, ev.id, ev.q, `${what} X-AppEngine-TaskExecutionCount`, 'a decimal integer', shown(h.ec));
    if (Number.isNaN(epochMicrosOf(h.eta)) && tally.count()) tally.keep('HDR-5', ev.t, ev.id, ev.q, `${what} X-AppEngine-TaskETA`, 'seconds with six fraction digits', shown(h.eta));
  }

  result(): InvariantResult {
    return this.tally.result(this.dups > 0 ? `${this.dups} deliveries of finished tasks (duplicates) judged for form only` : undefined);
  }
}
