/**
 * One finding for every check: an invariant's violation, a fuzz violation and a conformance case each become
 * the same Finding (rule, check, expected, actual, where, replay), and a terminal prints a finding one way.
 * Expected values are written out by hand from the records below.
 */
import { describe, expect, it } from 'vitest';
import type { CaseResult, ConformanceReport } from '../../src/conform/run.js';
import type { FuzzReport, FailureReport } from '../../src/fuzz/campaign.js';
import type { FuzzViolation } from '../../src/fuzz/violation.js';
import type { InvariantResult, Violation } from '../../src/invariants/types.js';
import {
  caseFinding,
  conformanceFindings,
  findingLines,
  fuzzFinding,
  fuzzFindings,
  invariantFinding,
  traceFindings,
} from '../../src/report/finding.js';

const VIOLATION: Violation = {
  inv: 'INV-HDR',
  rule: 'HDR-3',
  t: 5_000_000,
  id: 7,
  q: 'mail',
  expected: '1',
  actual: '0',
  message: 'HDR-3 X-AppEngine-TaskRetryCount: expected 1, got 0',
};

describe('an invariant violation', () => {
  it('becomes a finding: the checker is the check, the trace ID is the task', () => {
    expect(invariantFinding(VIOLATION, 'tasksim simulate s.yaml --seed 3')).toEqual({
      rule: 'HDR-3',
      check: 'INV-HDR',
      expected: '1',
      actual: '0',
      message: 'HDR-3 X-AppEngine-TaskRetryCount: expected 1, got 0',
      where: { tUs: 5_000_000, task: '7', queue: 'mail' },
      replay: 'tasksim simulate s.yaml --seed 3',
    });
  });

  it('prints as three lines: the mark, expected, actual', () => {
    expect(findingLines(invariantFinding(VIOLATION), (s) => `<${s}>`)).toEqual([
      '<  ✗ INV-HDR (HDR-3) at t=5000000µs task 7: HDR-3 X-AppEngine-TaskRetryCount: expected 1, got 0>',
      '      expected 1',
      '      actual   0',
    ]);
    const { id: _id, ...noTask } = VIOLATION;
    expect(findingLines(invariantFinding(noTask))[0]).toBe(
      '  ✗ INV-HDR (HDR-3) at t=5000000µs: HDR-3 X-AppEngine-TaskRetryCount: expected 1, got 0',
    );
  });

  it("a suite's results give every kept example, in order", () => {
    const second: Violation = { ...VIOLATION, inv: 'INV-ETA', rule: 'PUSH-4', id: 8 };
    const results: InvariantResult[] = [
      { id: 'INV-HDR', status: 'fail', checked: 3, violations: 1, examples: [VIOLATION] },
      { id: 'INV-ALO', status: 'pass', checked: 3, violations: 0, examples: [] },
      { id: 'INV-ETA', status: 'fail', checked: 3, violations: 1, examples: [second] },
    ];
    expect(traceFindings(results).map((f) => `${f.check}/${f.rule}/${f.where.task}`)).toEqual([
      'INV-HDR/HDR-3/7',
      'INV-ETA/PUSH-4/8',
    ]);
  });
});

const FUZZ: FuzzViolation = {
  check: 'model',
  rule: 'PULL-7',
  t: 2_000_000,
  task: 'p1/t3',
  expected: 'refused NOT_FOUND',
  actual: 'ok',
  message: 'delete p1/t3: expected refused NOT_FOUND, got ok',
};

describe('a fuzz violation', () => {
  it("becomes a finding with its failure's replay", () => {
    expect(fuzzFinding(FUZZ, 'tasksim fuzz --adapter mutant:x --replay abc')).toEqual({
      rule: 'PULL-7',
      check: 'model',
      expected: 'refused NOT_FOUND',
      actual: 'ok',
      message: 'delete p1/t3: expected refused NOT_FOUND, got ok',
      where: { tUs: 2_000_000, task: 'p1/t3' },
      replay: 'tasksim fuzz --adapter mutant:x --replay abc',
    });
  });

  it('a report gives the violations of its new failures only (known deviations are not findings)', () => {
    const failure = (rule: FailureReport['rule'], known: boolean, replay: string): FailureReport => ({
      rule,
      signature: rule,
      known,
      occurrences: 1,
      config: '',
      commands: [],
      seed: 1,
      path: '',
      token: '',
      replay,
      violations: [{ ...FUZZ, rule }],
    });
    const report = {
      failures: [failure('PULL-7', false, 'r1'), failure('HDR-3', true, 'r2'), failure('PROTOCOL', false, 'r3')],
    } as FuzzReport;
    expect(fuzzFindings(report).map((f) => `${f.rule} ${f.replay}`)).toEqual(['PULL-7 r1', 'PROTOCOL r3']);
  });
});

const CASE: CaseResult = {
  id: 'H-3.2',
  title: 'Retry count header',
  rules: ['HDR-3', 'HDR-4'],
  severity: 'required',
  requirement: 'RetryCount is 0 first',
  status: 'fail',
  expected: 'RetryCount 0',
  actual: 'RetryCount 1',
  replay: 'tasksim conform http://127.0.0.1:1 --case H-3.2 --seed 9',
  seed: 9,
  durationMs: 12,
  evidence: { exchanges: [], traces: [] },
};

describe('a conformance case', () => {
  it('that failed becomes a finding: the case is the check, its first rule the rule, the rest `also`', () => {
    expect(caseFinding(CASE)).toEqual({
      rule: 'HDR-3',
      also: ['HDR-4'],
      check: 'H-3.2',
      expected: 'RetryCount 0',
      actual: 'RetryCount 1',
      message: 'H-3.2 Retry count header: expected RetryCount 0, got RetryCount 1',
      where: {},
      replay: 'tasksim conform http://127.0.0.1:1 --case H-3.2 --seed 9',
    });
  });

  it('that passed or was skipped is no finding; a warning is one', () => {
    const report = {
      cases: [
        { ...CASE, status: 'pass' },
        { ...CASE, status: 'skip' },
        { ...CASE, id: 'H-9.1', status: 'warn', rules: ['PUSH-7'] },
      ],
    } as ConformanceReport;
    expect(conformanceFindings(report).map((f) => [f.check, f.rule, f.also])).toEqual([['H-9.1', 'PUSH-7', undefined]]);
  });
});
