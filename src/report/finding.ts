/**
 * One finding: what every check of tasksim reports when something broke the contract — an invariant over a
 * trace (`simulate`, `check`), a conformance case against a handler (`conform`), the fuzzer's comparison of a
 * queue with the model (`fuzz`). Each producer keeps the record its JSON has always carried and turns it into
 * this one shape with a thin adapter (`invariantFinding`, `fuzzFinding`, `caseFindings`); the terminal lines
 * and the public API speak Finding.
 */
import type { CaseResult, ConformanceReport } from '../conform/run.js';
import type { FuzzReport } from '../fuzz/campaign.js';
import type { FuzzViolation } from '../fuzz/violation.js';
import type { InvariantResult, Violation } from '../invariants/types.js';
import type { RuleId } from '../rules/index.js';

/** An adapter broke the HTTP/JSON adapter protocol: a fault of the harness's counterpart, not a rule of SPEC. */
export const PROTOCOL_FAULT = 'PROTOCOL';

/** What a finding cites: a rule of the contract, or PROTOCOL. */
export type CitedRule = RuleId | typeof PROTOCOL_FAULT;

/** Where in a run a finding was seen; each field only when the check knows it. */
export interface FindingWhere {
  /** Virtual µs since the run's zero (wall µs since reset for a real-time queue). */
  tUs?: number;
  /** The task: `queue/name` (fuzz), the trace's task ID (invariants). */
  task?: string;
  queue?: string;
}

export interface Finding {
  /** The rule broken first. */
  rule: CitedRule;
  /** Further rules the same finding breaks (a conformance case may cite several). */
  also?: readonly RuleId[];
  /** Which check saw it: an invariant (`INV-HDR`), a conformance case (`H-3.2`), `model` or `protocol` (fuzz). */
  check: string;
  expected: string;
  actual: string;
  /** The one sentence a terminal prints. */
  message: string;
  where: FindingWhere;
  /** One command line that reproduces it, when there is one. */
  replay?: string;
}

/**
 * A finding in a terminal: `✗ INV-HDR (HDR-3) at t=5000000µs task 7: …`, then expected and actual on their
 * own lines. `mark` colours the first line (the caller knows whether colour is on).
 */
export function findingLines(f: Finding, mark: (s: string) => string = (s) => s): string[] {
  const at = f.where.tUs !== undefined ? ` at t=${f.where.tUs}µs` : '';
  const task = f.where.task !== undefined ? ` task ${f.where.task}` : '';
  return [
    mark(`  ✗ ${f.check} (${f.rule})${at}${task}: ${f.message}`),
    `      expected ${f.expected}`,
    `      actual   ${f.actual}`,
  ];
}

/** An invariant's violation of a trace (`simulate`, `check`): the checker is the check; the task is its trace ID. */
export function invariantFinding(v: Violation, replay?: string): Finding {
  const where: FindingWhere = { tUs: v.t };
  if (v.id !== undefined) where.task = String(v.id);
  if (v.q !== undefined) where.queue = v.q;
  return {
    rule: v.rule,
    check: v.inv,
    expected: v.expected,
    actual: v.actual,
    message: v.message,
    where,
    ...(replay !== undefined ? { replay } : {}),
  };
}

/** Every violation an invariant suite kept, in result order. */
export function traceFindings(results: readonly InvariantResult[], replay?: string): Finding[] {
  return results.flatMap((r) => r.examples.map((v) => invariantFinding(v, replay)));
}

/** A fuzz violation: the model, an invariant or the protocol is the check; the replay is its failure's. */
export function fuzzFinding(v: FuzzViolation, replay?: string): Finding {
  const where: FindingWhere = { tUs: v.t };
  if (v.task !== undefined) where.task = v.task;
  return {
    rule: v.rule,
    check: v.check,
    expected: v.expected,
    actual: v.actual,
    message: v.message,
    where,
    ...(replay ? { replay } : {}),
  };
}

/** Every violation of a fuzz report's new failures (known deviations are not findings). */
export function fuzzFindings(r: FuzzReport): Finding[] {
  const failures = r.failures ?? (r.failure ? [r.failure] : []);
  return failures.filter((f) => !f.known).flatMap((f) => f.violations.map((v) => fuzzFinding(v, f.replay)));
}

/** A conformance case that failed or warned: the case is the check; its first rule is the rule, the rest `also`. */
export function caseFinding(c: CaseResult): Finding | undefined {
  if (c.status !== 'fail' && c.status !== 'warn') return undefined;
  const [rule, ...also] = c.rules;
  if (rule === undefined) return undefined; // every case cites a rule; a case without one has nothing to cite
  return {
    rule,
    ...(also.length > 0 ? { also } : {}),
    check: c.id,
    expected: c.expected,
    actual: c.actual,
    message: `${c.id} ${c.title}: expected ${c.expected}, got ${c.actual}`,
    where: {},
    replay: c.replay,
  };
}

/** Every case of a conformance report that failed or warned. */
export function conformanceFindings(r: ConformanceReport): Finding[] {
  return r.cases.flatMap((c) => caseFinding(c) ?? []);
}
