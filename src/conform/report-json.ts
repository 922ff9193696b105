/** The machine-readable forms of a conformance report. */
import type { ConformanceReport } from './run.js';
import type { RuleId } from '../rules/index.js';

/** What `--json` prints: exactly this shape, one object. */
export function toJson(r: ConformanceReport): {
  target: string;
  seed: number;
  cases: {
    id: string;
    title: string;
    rules: RuleId[];
    severity: string;
    status: string;
    expected: string;
    actual: string;
    replay: string;
    curl?: string;
  }[];
  summary: ConformanceReport['summary'];
} {
  return {
    target: r.target,
    seed: r.seed,
    cases: r.cases.map((c) => ({
      id: c.id,
      title: c.title,
      rules: c.rules,
      severity: c.severity,
      status: c.status,
      expected: c.expected,
      actual: c.actual,
      replay: c.replay,
      ...(c.curl ? { curl: c.curl } : {}),
    })),
    summary: r.summary,
  };
}

/** report.json: the --json shape plus the run's settings and each case's evidence (exchanges, traces). */
export function toFullJson(r: ConformanceReport): Record<string, unknown> {
  const short = toJson(r);
  return {
    ...short,
    profile: r.profile,
    scaling: r.scaling,
    deadline: r.deadline,
    concurrency: r.concurrency,
    methods: r.methods,
    targetKind: r.targetKind,
    options: r.options,
    durationMs: r.durationMs,
    ok: r.ok,
    cases: r.cases.map((c, i) => ({
      ...short.cases[i],
      requirement: c.requirement,
      caseSeed: c.seed,
      durationMs: c.durationMs,
      evidence: c.evidence,
    })),
  };
}
