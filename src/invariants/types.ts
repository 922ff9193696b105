/**
 * The vocabulary of the invariant checkers (SPEC §9): what a violation and a result look like,
 * the hooks a checker may implement, and the tally every checker keeps.
 */
import type {
  AddEvent,
  DeleteEvent,
  DispatchEvent,
  EndEvent,
  ExhaustEvent,
  ExpireEvent,
  LeaseCallEvent,
  LeaseEvent,
  ModifyEvent,
  PauseEvent,
  RateEvent,
  ResponseEvent,
  RetryEvent,
  SuccessEvent,
} from '../sim/events.js';
import type { RuleId } from '../rules/index.js';

export type InvariantId =
  | 'INV-ALO'
  | 'INV-NODUP-AFTER-DELETE'
  | 'INV-HDR'
  | 'INV-ETA'
  | 'INV-RATE'
  | 'INV-OUTCOME'
  | 'INV-LIMITS'
  | 'INV-LEASE'
  | 'INV-DEADLINE';

/** The fixed order of results. INV-DET is proven by hashing two runs, not by a checker. */
export const INVARIANT_IDS: readonly InvariantId[] = [
  'INV-ALO',
  'INV-NODUP-AFTER-DELETE',
  'INV-HDR',
  'INV-ETA',
  'INV-RATE',
  'INV-OUTCOME',
  'INV-LIMITS',
  'INV-LEASE',
  'INV-DEADLINE',
];

export interface Violation {
  inv: InvariantId;
  /** The specific SPEC rule broken, e.g. 'HDR-3', 'RETRY-4', 'PUSH-3'. */
  rule: RuleId;
  t: number;
  id?: number;
  q?: string;
  expected: string;
  actual: string;
  message: string;
}

export interface InvariantResult {
  id: InvariantId;
  status: 'pass' | 'fail' | 'skip';
  /** How many events or facts the checker judged. */
  checked: number;
  violations: number;
  /** The first MAX_EXAMPLES violations. */
  examples: Violation[];
  note?: string;
}

export const MAX_EXAMPLES = 20;

/**
 * A checker implements only the hooks it needs; the suite calls them in trace order, each before the
 * shared TraceState applies the event, so a hook sees the task as it was just before the event.
 */
export interface Checker {
  readonly inv: InvariantId;
  /** `name`: nameHash(String(ev.name)), as the checker thread's decoder hands it over the bytes. */
  onAdd?(ev: AddEvent, name: number): void;
  /** `tn`: taskNameKey(ev.h), the key of the delivery's task name (format.ts). */
  onDispatch?(ev: DispatchEvent, tn: number): void;
  onResponse?(ev: ResponseEvent): void;
  onRetry?(ev: RetryEvent): void;
  onSuccess?(ev: SuccessEvent): void;
  onExhaust?(ev: ExhaustEvent): void;
  onDelete?(ev: DeleteEvent): void;
  onRate?(ev: RateEvent): void;
  /** Both `pause` and `resume`. */
  onPause?(ev: PauseEvent): void;
  onLeaseCall?(ev: LeaseCallEvent): void;
  onLease?(ev: LeaseEvent): void;
  onModify?(ev: ModifyEvent): void;
  onExpire?(ev: ExpireEvent): void;
  onEnd?(ev: EndEvent): void;
  result(): InvariantResult;
}

/**
 * Counts what was judged and what was wrong. Violations are counted cheaply; only the first
 * MAX_EXAMPLES are built into objects, so a badly broken trace costs no more than a good one:
 *   if (bad && tally.count()) tally.keep(...)
 */
export class Tally {
  checked = 0;
  violations = 0;
  readonly examples: Violation[] = [];

  constructor(readonly inv: InvariantId) {}

  /** Counts one violation; true when the caller should describe it with keep(). */
  count(): boolean {
    this.violations++;
    return this.examples.length < MAX_EXAMPLES;
  }

  keep(
    rule: RuleId,
    t: number,
    id: number | undefined,
    q: string | undefined,
    what: string,
    expected: string,
    actual: string,
  ): void {
    const v: Violation = {
      inv: this.inv,
      rule,
      t,
      expected,
      actual,
      message: `${rule} ${what}: expected ${expected}, got ${actual}`,
    };
    if (id !== undefined) v.id = id;
    if (q !== undefined) v.q = q;
    this.examples.push(v);
  }

  /** 'fail' with violations, 'pass' if something was judged, else 'skip' (which always has a note). */
  result(note?: string, skipNote = 'nothing in the trace for this invariant to judge'): InvariantResult {
    const status = this.violations > 0 ? 'fail' : this.checked > 0 ? 'pass' : 'skip';
    const r: InvariantResult = {
      id: this.inv,
      status,
      checked: this.checked,
      violations: this.violations,
      examples: this.examples.slice(),
    };
    const text = status === 'skip' ? (note ? `${skipNote}; ${note}` : skipNote) : note;
    if (text) r.note = text;
    return r;
  }
}
