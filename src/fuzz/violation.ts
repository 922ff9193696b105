/** What a failed fuzz run reports: each violation names the SPEC rule, expected and actual. */
import type { InvariantId } from '../invariants/index.js';
import type { Micros } from '../sim/time.js';
import type { CitedRule } from '../report/finding.js';
import type { RuleId } from '../rules/index.js';

export interface FuzzViolation {
  /**
   * Which check saw it: `model` (the queue under test did something the model did not), an INV id
   * (a trace invariant judged the queue's trace), or `protocol` (the adapter answered garbage).
   */
  check: 'model' | 'protocol' | InvariantId;
  /** The SPEC rule broken, e.g. `HDR-3`; PROTOCOL when the adapter broke its protocol. */
  rule: CitedRule;
  /** Virtual µs since the run's zero (wall µs since reset for real-time adapters). */
  t: Micros;
  /** `queue/name` of the task concerned, when there is one. */
  task?: string;
  expected: string;
  actual: string;
  message: string;
}

/** Thrown out of a run to fail it; fast-check shrinks the run that threw. */
export class FuzzFailure extends Error {
  constructor(readonly violations: FuzzViolation[]) {
    super(violations.map(formatViolation).join('\n'));
    this.name = 'FuzzFailure';
  }
}

export function violation(
  rule: RuleId,
  t: Micros,
  what: string,
  expected: string,
  actual: string,
  task?: string,
  check: FuzzViolation['check'] = 'model',
): FuzzViolation {
  const v: FuzzViolation = {
    check,
    rule,
    t,
    expected,
    actual,
    message: `${what}: expected ${expected}, got ${actual}`,
  };
  if (task !== undefined) v.task = task;
  return v;
}

/** Virtual time as seconds to the µs: two different instants never print the same. */
export function at(t: Micros): string {
  return `t=${(t / 1_000_000).toFixed(6)}s`;
}

export function formatViolation(v: FuzzViolation): string {
  return `${v.rule} [${v.check}] at ${at(v.t)}${v.task ? ` ${v.task}` : ''}: ${v.message}`;
}
