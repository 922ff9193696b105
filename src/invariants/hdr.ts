/**
 * INV-HDR: the X-AppEngine headers of every delivery (HDR-1…7). The expected values come from the
 * trace: the add (queue, name, ETA), the retries (ETA), and the earlier responses of the same task,
 * read under the run's SPEC §10 readings (readings.ts), never through the engine's header builder.
 */
import type { AddEvent, DispatchEvent, ResponseEvent } from '../sim/events.js';
import { decimalValue, epochMicrosOf, isDecimalOf, shown } from './format.js';
import type { Readings } from './readings.js';
import { F64Column, IN_FLIGHT, U32Column, isLive } from './task-table.js';
import { OUT_ERROR, outcomeName, type TraceState } from './trace-state.js';
import { Tally, type Checker, type InvariantResult } from './types.js';

export class HeaderChecker implements Checker {
  readonly inv = 'INV-HDR' as const;
  private readonly tally = new Tally(this.inv);
  /** HDR-4: earlier responses that reached the handler and failed. */
  private readonly ec: U32Column;
  /** HDR-2: a fingerprint of the name given at add. */
  private readonly name: U32Column;
  /** HDR-5 under the `original` reading: the ETA given at add. */
  private readonly firstEta: F64Column | undefined;
  private dups = 0;
  /**
   * HDR-5: the last two ETA headers found to agree with their expected µs, the latest first. A burst's
   * first attempts share one ETA between retries that each carry their own, so most checks are a
   * string compare instead of a parse. The µs live in a typed array: a number this large kept in an
   * object field is a new heap box per write.
   */
  private readonly agreedEtaUs = new Float64Array([Number.NaN, Number.NaN]);
  private agreedEtaText0: unknown;
  private agreedEtaText1: unknown;

  constructor(private readonly st: TraceState) {
    this.ec = st.tasks.column(new U32Column());
    this.name = st.tasks.column(new U32Column());
    if (st.readings.retryEtaHeader === 'original') this.firstEta = st.tasks.column(new F64Column());
  }

  /** `name`: nameHash(String(ev.name)) (Checker.onAdd). */
  onAdd(ev: AddEvent, name: number): void {
    this.name.set(ev.id, name);
    this.firstEta?.set(ev.id, ev.eta);
  }

  onResponse(ev: ResponseEvent): void {
    if (this.st.phase(ev.id) !== IN_FLIGHT) return;
    if (countsAsExecution(ev, this.st.readings)) this.ec.set(ev.id, this.ec.get(ev.id) + 1);
  }

  /** `tn`: the key of the delivery's task name, -1 when it has none (taskNameKey). */
  onDispatch(ev: DispatchEvent, tn: number): void {
    this.tally.checked++;
    const h = ev.h;
    if (h === null || typeof h !== 'object') {
      if (this.tally.count())
        this.tally.keep('HDR-1', ev.t, ev.id, ev.q, 'headers of the delivery', 'X-AppEngine headers', shown(h));
      return;
    }
    if (ev.dup || !isLive(this.st.phase(ev.id))) {
      this.dups++;
      this.checkWellFormed(ev, tn);
      return;
    }
    const { st, tally } = this;
    const id = ev.id;
    const t = ev.t;
    const qname = st.taskQueue(id).name;
    if (h.qn !== qname && tally.count())
      tally.keep('HDR-1', t, id, ev.q, `task ${id} X-AppEngine-QueueName`, shown(qname), shown(h.qn));
    // The name's string is read only to be shown (from the checker thread's decoder, built then).
    if ((tn < 0 || tn !== this.name.get(id)) && tally.count()) {
      tally.keep('HDR-2', t, id, ev.q, `task ${id} X-AppEngine-TaskName`, 'the name given at add', shown(h.tn));
    }
    const attempt = st.n.get(id) + 1;
    if (!isDecimalOf(h.rc, attempt - 1)) {
      if (tally.count())
        tally.keep(
          'HDR-3',
          t,
          id,
          ev.q,
          `task ${id} attempt ${attempt} X-AppEngine-TaskRetryCount`,
          shown(String(attempt - 1)),
          shown(h.rc),
        );
    } else if (ev.n !== attempt && tally.count()) {
      tally.keep('HDR-3', t, id, ev.q, `task ${id} attempt number`, `n=${attempt}`, `n=${ev.n}`);
    }
    const ec = this.ec.get(id);
    if (!isDecimalOf(h.ec, ec) && tally.count()) {
      tally.keep(
        'HDR-4',
        t,
        id,
        ev.q,
        `task ${id} attempt ${attempt} X-AppEngine-TaskExecutionCount`,
        shown(String(ec)),
        shown(h.ec),
      );
    }
    // HDR-5: the retry's ETA, or under the Java stub's reading the ETA given at add.
    const etaUs = st.epochUs + (this.firstEta === undefined ? st.eta.get(id) : this.firstEta.get(id));
    if (!this.etaAgrees(h.eta, etaUs) && tally.count()) {
      tally.keep(
        'HDR-5',
        t,
        id,
        ev.q,
        `task ${id} attempt ${attempt} X-AppEngine-TaskETA`,
        `${etaUs / 1e6} seconds`,
        shown(h.eta),
      );
    }
    if (attempt === 1) {
      // HDR-6/7: nothing to report before the first attempt.
      if (h.pr !== undefined && tally.count())
        tally.keep(
          'HDR-6',
          t,
          id,
          ev.q,
          `task ${id} attempt 1 X-AppEngine-TaskPreviousResponse`,
          'absent',
          shown(h.pr),
        );
      if (h.rr !== undefined && tally.count())
        tally.keep('HDR-7', t, id, ev.q, `task ${id} attempt 1 X-AppEngine-TaskRetryReason`, 'absent', shown(h.rr));
      return;
    }
    const status = st.lastStatus.get(id);
    if (!isDecimalOf(h.pr, status) && tally.count()) {
      tally.keep(
        'HDR-6',
        t,
        id,
        ev.q,
        `task ${id} attempt ${attempt} X-AppEngine-TaskPreviousResponse`,
        shown(String(status)),
        shown(h.pr),
      );
    }
    // HDR-7 as production captures show it (SPEC §10).
    const out = st.lastOut.get(id);
    const reason = out === OUT_ERROR ? 'App Error' : 'Instance Unavailable';
    if (h.rr !== reason && tally.count()) {
      tally.keep(
        'HDR-7',
        t,
        id,
        ev.q,
        `task ${id} attempt ${attempt} X-AppEngine-TaskRetryReason after '${outcomeName(out)}'`,
        shown(reason),
        shown(h.rr),
      );
    }
  }

  /**
   * HDR-5: does the header read as `expectedUs`? A text equal to one that read as the same µs before
   * reads the same again (epochMicrosOf depends on the text alone); anything else is parsed.
   */
  private etaAgrees(text: unknown, expectedUs: number): boolean {
    const agreed = this.agreedEtaUs;
    if (expectedUs === agreed[0] && text === this.agreedEtaText0) return true;
    if (expectedUs !== agreed[1] || text !== this.agreedEtaText1) {
      if (epochMicrosOf(text) !== expectedUs) return false;
    }
    agreed[1] = agreed[0];
    this.agreedEtaText1 = this.agreedEtaText0;
    agreed[0] = expectedUs;
    this.agreedEtaText0 = text;
    return true;
  }

  /** A duplicate after 2xx (HANDLER-4): the task's facts are gone, so only the form is judged. */
  private checkWellFormed(ev: DispatchEvent, tn: number): void {
    const { tally } = this;
    const h = ev.h;
    const what = `duplicate of task ${ev.id}`;
    if (h.qn !== ev.q && tally.count())
      tally.keep('HDR-1', ev.t, ev.id, ev.q, `${what} X-AppEngine-QueueName`, shown(ev.q), shown(h.qn));
    if (tn < 0 && tally.count())
      tally.keep('HDR-2', ev.t, ev.id, ev.q, `${what} X-AppEngine-TaskName`, 'a non-empty name', shown(h.tn));
    if (decimalValue(h.rc) < 0 && tally.count())
      tally.keep('HDR-3', ev.t, ev.id, ev.q, `${what} X-AppEngine-TaskRetryCount`, 'a decimal integer', shown(h.rc));
    if (decimalValue(h.ec) < 0 && tally.count())
      tally.keep(
        'HDR-4',
        ev.t,
        ev.id,
        ev.q,
        `${what} X-AppEngine-TaskExecutionCount`,
        'a decimal integer',
        shown(h.ec),
      );
    if (Number.isNaN(epochMicrosOf(h.eta)) && tally.count())
      tally.keep(
        'HDR-5',
        ev.t,
        ev.id,
        ev.q,
        `${what} X-AppEngine-TaskETA`,
        'decimal seconds since the epoch',
        shown(h.eta),
      );
  }

  result(): InvariantResult {
    return this.tally.result(
      this.dups > 0 ? `${this.dups} deliveries of finished tasks (duplicates) judged for form only` : undefined,
    );
  }
}

/**
 * HDR-4: an attempt that reached the handler and got a non-2xx answer counts as an execution; a
 * missed deadline counts only under that §10 reading, and Cloud Tasks leaves out every 5xx (CT-5).
 */
export function countsAsExecution(ev: Pick<ResponseEvent, 'out' | 'status'>, r: Readings): boolean {
  if (ev.out === 'deadline') return r.deadlineCountsAsExecution;
  if (ev.out !== 'error') return false;
  return !(r.executionCountExcludes5xx && ev.status >= 500 && ev.status <= 599);
}
