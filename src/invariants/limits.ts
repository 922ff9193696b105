/**
 * INV-LIMITS: attempts stop exactly when RETRY-1/RETRY-2 say. After every failing response the next
 * event of the task must be `retry` if RETRY-1/2 (expected-retry.ts, the checkers' own reading) allow
 * one, else `exhaust` (RETRY-5); after a 2xx it must be `success` (HANDLER-1). Failures count against
 * task_retry_limit unless they are handler 503s and the run reads 503s as uncounted (SPEC §10).
 */
import type { AddEvent, DispatchEvent, ExhaustEvent, ResponseEvent, RetryEvent, SuccessEvent } from '../sim/events.js';
import type { RetryParameters } from '../model/config.js';
import type { RuleId } from '../rules/index.js';
import { retryExpected } from './expected-retry.js';
import { DELETED, F64Column, IN_FLIGHT, RESPONDED, U32Column, WAITING, isLive } from './task-table.js';
import { OUT_OK, outcomeName, type TraceState } from './trace-state.js';
import { Tally, type Checker, type InvariantResult } from './types.js';

type Verdict = 'success' | 'retry' | 'exhaust';

/** RETRY-2 governs whenever an age limit is set (alone, or with a count limit: both must be reached). */
function limitRule(retry: RetryParameters | undefined): RuleId {
  return retry?.taskAgeLimitUs !== undefined ? 'RETRY-2' : 'RETRY-1';
}

export class LimitsChecker implements Checker {
  readonly inv = 'INV-LIMITS' as const;
  private readonly tally = new Tally(this.inv);
  private readonly counted: U32Column;
  /** When the task's age starts: its add (ageFrom 'creation') or its first attempt. */
  private readonly ageStart: F64Column;
  private readonly fromCreation: boolean;
  private readonly uncounted503: boolean;
  private afterDelete = 0;

  constructor(private readonly st: TraceState) {
    this.counted = st.tasks.column(new U32Column());
    this.ageStart = st.tasks.column(new F64Column());
    this.fromCreation = st.readings.ageFrom === 'creation';
    this.uncounted503 = st.readings.handler503Counts === false;
  }

  onAdd(ev: AddEvent): void {
    if (this.fromCreation) this.ageStart.set(ev.id, ev.t);
  }

  onDispatch(ev: DispatchEvent): void {
    if (ev.dup) return;
    const phase = this.st.phase(ev.id);
    if (!isLive(phase)) return; // INV-NODUP's to report
    if (phase !== WAITING) {
      if (this.tally.count())
        this.tally.keep(
          'HANDLER-2',
          ev.t,
          ev.id,
          ev.q,
          `task ${ev.id} attempt ${ev.n}`,
          'a new attempt only after the previous one failed and a retry was scheduled',
          phase === IN_FLIGHT ? 'the previous attempt still in flight' : 'no retry after the previous response',
        );
    }
    if (!this.fromCreation && this.st.n.get(ev.id) === 0) this.ageStart.set(ev.id, ev.t);
  }

  onResponse(ev: ResponseEvent): void {
    if (ev.out === 'ok' || this.st.phase(ev.id) !== IN_FLIGHT) return;
    if (this.uncounted503 && ev.out === 'error' && ev.status === 503) return;
    this.counted.set(ev.id, this.counted.get(ev.id) + 1);
  }

  onRetry(ev: RetryEvent): void {
    this.judge(ev, 'retry');
  }

  onSuccess(ev: SuccessEvent): void {
    this.judge(ev, 'success');
  }

  onExhaust(ev: ExhaustEvent): void {
    this.judge(ev, 'exhaust');
  }

  private judge(ev: RetryEvent | SuccessEvent | ExhaustEvent, got: Verdict): void {
    const { st, tally } = this;
    const id = ev.id;
    const phase = st.phase(id);
    const info = st.taskQueue(id);
    if (info.mode === 'pull' && phase !== RESPONDED) return; // a pull task's end (PULL-10) is INV-LEASE's
    if (phase === DELETED) {
      this.afterDelete++; // deleted while its attempt was in flight: the verdict no longer matters
      return;
    }
    tally.checked++;
    if (phase !== RESPONDED) {
      const rule = got === 'success' ? 'HANDLER-1' : got === 'retry' ? 'HANDLER-2' : 'RETRY-5';
      if (tally.count())
        tally.keep(
          rule,
          ev.t,
          id,
          info.name,
          `task ${id} '${got}'`,
          'a verdict only right after a response',
          isLive(phase) ? 'no response to judge' : 'the task had already finished',
        );
      return;
    }
    const out = st.lastOut.get(id);
    let want: Verdict;
    if (out === OUT_OK) want = 'success';
    else {
      const age = st.respT.get(id) - this.ageStart.get(id);
      want = retryExpected(info.cfg?.retry ?? {}, st.readings.retryLimitMeans, this.counted.get(id), age)
        ? 'retry'
        : 'exhaust';
    }
    if (got === want) return;
    if (!tally.count()) return;
    const rule = want === 'success' ? 'HANDLER-1' : got === 'success' ? 'HANDLER-2' : limitRule(info.cfg?.retry);
    tally.keep(
      rule,
      ev.t,
      id,
      info.name,
      `task ${id} after attempt ${st.n.get(id)} ${outcomeName(out)} (status ${st.lastStatus.get(id)})`,
      `${want} (${this.describe(id, info.cfg?.retry)})`,
      got,
    );
  }

  private describe(id: number, retry: RetryParameters | undefined): string {
    const counted = this.counted.get(id);
    const age = this.st.respT.get(id) - this.ageStart.get(id);
    const limit =
      retry?.taskRetryLimit === undefined ? 'unset' : `${retry.taskRetryLimit} ${this.st.readings.retryLimitMeans}`;
    const ageLimit = retry?.taskAgeLimitUs === undefined ? 'unset' : `${retry.taskAgeLimitUs}µs`;
    return `counted failures ${counted}, task_retry_limit ${limit}; age ${age}µs, task_age_limit ${ageLimit}`;
  }

  result(): InvariantResult {
    return this.tally.result(
      this.afterDelete > 0 ? `${this.afterDelete} verdicts on tasks deleted mid-attempt not judged` : undefined,
    );
  }
}
