/**
 * Joining the JSON reports of a sharded campaign (`tasksim report merge`): one verdict for the whole
 * campaign, every shard's failure kept with its replay line, and a note of shards that are missing
 * or came twice. Reports from different campaigns (adapter, seed or shard count differ) are refused.
 */
import type { FailureReport, FuzzReport } from './campaign.js';
import { REPORT_KIND } from './report-kind.js';

export const MERGED_KIND = 'tasksim-fuzz-merged';

export interface MergedReport {
  kind: typeof MERGED_KIND;
  adapter: string;
  seed: number;
  runs: number;
  shards: { index: number; count: number; runs: number; ok: boolean; durationMs: number }[];
  /** Shard indexes of the campaign with no report. */
  missing: number[];
  ok: boolean;
  failures: (FailureReport & { shard: number })[];
  durationMs: number;
}

export class MergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergeError';
  }
}

/** Checks that `value` (from `file`) is a fuzz report. */
export function asFuzzReport(value: unknown, file: string): FuzzReport {
  const r = value as Partial<FuzzReport> | null;
  const bad = (why: string): never => {
    throw new MergeError(
      `${file} is not a tasksim fuzz report (${why}); pass the JSON of \`tasksim fuzz --json\` or its report.json`,
    );
  };
  if (r === null || typeof r !== 'object') bad('not a JSON object');
  if (r!.kind !== REPORT_KIND) bad(`"kind" is ${JSON.stringify(r!.kind)}, expected "${REPORT_KIND}"`);
  if (
    typeof r!.adapter !== 'string' ||
    !Number.isInteger(r!.seed) ||
    !Number.isInteger(r!.runs) ||
    typeof r!.ok !== 'boolean'
  )
    bad('adapter, seed, runs or ok missing');
  const s = r!.shard;
  if (!s || !Number.isInteger(s.index) || !Number.isInteger(s.count)) bad('no shard');
  return r as FuzzReport;
}

export function mergeReports(reports: { file: string; report: FuzzReport }[]): MergedReport {
  if (reports.length === 0) throw new MergeError('nothing to merge');
  const first = reports[0].report;
  for (const { file, report } of reports) {
    if (report.adapter !== first.adapter)
      throw new MergeError(
        `${file} fuzzed ${report.adapter}, ${reports[0].file} fuzzed ${first.adapter}: not one campaign`,
      );
    if (report.seed !== first.seed)
      throw new MergeError(`${file} has seed ${report.seed}, ${reports[0].file} has ${first.seed}: not one campaign`);
    if (report.shard.count !== first.shard.count)
      throw new MergeError(
        `${file} is shard ${report.shard.index}/${report.shard.count}, ${reports[0].file} is of ${first.shard.count}: not one campaign`,
      );
  }
  const seen = new Set<number>();
  for (const { file, report } of reports) {
    if (seen.has(report.shard.index))
      throw new MergeError(`shard ${report.shard.index}/${report.shard.count} is given twice (again in ${file})`);
    seen.add(report.shard.index);
  }
  const missing: number[] = [];
  for (let i = 1; i <= first.shard.count; i++) if (!seen.has(i)) missing.push(i);
  const sorted = reports.map((r) => r.report).sort((a, b) => a.shard.index - b.shard.index);
  return {
    kind: MERGED_KIND,
    adapter: first.adapter,
    seed: first.seed,
    runs: sorted.reduce((n, r) => n + r.runs, 0),
    shards: sorted.map((r) => ({
      index: r.shard.index,
      count: r.shard.count,
      runs: r.runs,
      ok: r.ok,
      durationMs: r.durationMs,
    })),
    missing,
    ok: sorted.every((r) => r.ok),
    failures: joinFailures(sorted),
    durationMs: sorted.reduce((n, r) => n + r.durationMs, 0),
  };
}

/**
 * Every shard's failures, one per rule across shards (the campaign's buckets) (the shortest counterexample, the
 * occurrences summed); new ones first. Reports written before `failures` existed carry `failure`.
 */
function joinFailures(reports: FuzzReport[]): (FailureReport & { shard: number })[] {
  const byRule = new Map<string, FailureReport & { shard: number }>();
  for (const r of reports) {
    for (const f of r.failures ?? (r.failure ? [r.failure] : [])) {
      const key = f.rule ?? `${r.shard.index}:${f.token}`;
      const had = byRule.get(key);
      if (!had) byRule.set(key, { shard: r.shard.index, ...f });
      else {
        const occurrences = (had.occurrences ?? 1) + (f.occurrences ?? 1);
        if (f.commands.length < had.commands.length) byRule.set(key, { shard: r.shard.index, ...f, occurrences });
        else had.occurrences = occurrences;
      }
    }
  }
  return [...byRule.values()].sort((a, b) => Number(a.known === true) - Number(b.known === true));
}

export function formatMerged(m: MergedReport): string {
  const lines = [
    `tasksim report merge: ${m.adapter}, seed ${m.seed}: ${m.ok ? 'passed' : 'FAILED'}, ${m.runs} runs over ${m.shards.length} of ${m.shards[0]?.count ?? 0} shards`,
  ];
  if (m.missing.length > 0)
    lines.push(`  missing shards: ${m.missing.join(', ')} (their runs are not in this verdict)`);
  for (const f of m.failures) {
    lines.push(
      `  shard ${f.shard} ${f.known ? 'known deviation' : 'failed'}: ${f.violations[0]?.rule ?? '?'} ${f.violations[0]?.message ?? ''}`,
      `    replay: ${f.replay}`,
    );
  }
  return lines.join('\n') + '\n';
}
