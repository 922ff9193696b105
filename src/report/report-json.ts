/**
 * The report.json of a simulation: the run's identity (scenario, seed, trace hash), the collected
 * SimulationSummary and the invariant results. `tasksim compare` reads two of these back, so it
 * carries a kind and version and is validated on the way in.
 */
import { SUMMARY_KIND, type SimulationSummary } from './summary.js';

export const REPORT_KIND = 'tasksim-simulation-report';
export const REPORT_VERSION = 1;

/** One invariant checker's verdict (SPEC §9: INV-ALO, INV-HDR, …). */
export interface InvariantResult {
  /** The rule checked, e.g. `INV-RATE`. */
  id: string;
  status: 'pass' | 'fail' | 'skip';
  /** How many things were checked (tasks, deliveries, windows…). */
  checked: number;
  violations: number;
  /** A few violations to show; strings as is, anything else as JSON. */
  examples?: readonly unknown[];
  note?: string;
}

export interface SimulationReportInput {
  scenario: string;
  seed: number | string;
  /** SHA-256 of the trace (INV-DET). */
  traceHash: string;
  summary: SimulationSummary;
  invariants: readonly InvariantResult[];
}

export interface SimulationReport {
  kind: typeof REPORT_KIND;
  version: typeof REPORT_VERSION;
  scenario: string;
  seed: number | string;
  traceHash: string;
  summary: SimulationSummary;
  invariants: InvariantResult[];
}

export function toSimulationReport(input: SimulationReportInput): SimulationReport {
  return {
    kind: REPORT_KIND,
    version: REPORT_VERSION,
    scenario: input.scenario,
    seed: input.seed,
    traceHash: input.traceHash,
    summary: input.summary,
    invariants: [...input.invariants],
  };
}

/** Checks that a parsed JSON value is a simulation report; returns it or a reason it is not. */
export function asSimulationReport(value: unknown): { report: SimulationReport } | { error: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'not a JSON object' };
  const v = value as Record<string, unknown>;
  if (v.kind !== REPORT_KIND) {
    return {
      error: `not a tasksim simulation report (kind is ${JSON.stringify(v.kind ?? null)}, expected "${REPORT_KIND}")`,
    };
  }
  if (v.version !== REPORT_VERSION)
    return {
      error: `unsupported report version ${JSON.stringify(v.version ?? null)} (this tasksim reads ${REPORT_VERSION})`,
    };
  const s = v.summary as Record<string, unknown> | undefined;
  if (
    typeof s !== 'object' ||
    s === null ||
    s.kind !== SUMMARY_KIND ||
    !Array.isArray(s.queues) ||
    typeof s.overall !== 'object'
  ) {
    return { error: 'report has no valid "summary"' };
  }
  if (!Array.isArray(v.invariants)) return { error: 'report has no "invariants" array' };
  return { report: value as SimulationReport };
}

/** Pretty JSON with arrays of numbers (series, [value, percentile] pairs) kept on one line, so a
 *  report stays readable and diffs line up. Parses back to the same value as JSON.stringify. */
export function toJsonText(value: unknown): string {
  return format(value, '') + '\n';
}

function isFlat(v: unknown): boolean {
  return (
    Array.isArray(v) &&
    v.every((x) => typeof x === 'number' || x === null || (Array.isArray(x) && x.every((y) => typeof y === 'number')))
  );
}

function format(v: unknown, indent: string): string {
  if (v === undefined || typeof v === 'function') return 'null';
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if ('toJSON' in v && typeof (v as { toJSON: unknown }).toJSON === 'function')
    return format((v as { toJSON(): unknown }).toJSON(), indent);
  const inner = indent + ' ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (isFlat(v)) return JSON.stringify(v);
    return `[\n${v.map((x) => inner + format(x, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(v).filter(([, x]) => x !== undefined && typeof x !== 'function');
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${format(x, inner)}`).join(',\n')}\n${indent}}`;
}
