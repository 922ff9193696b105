/**
 * `tasksim compare A.json B.json`: the thin CLI edge over compare.ts. Returns the exit code and the
 * text instead of printing, so the command module stays one line and tests need no child process.
 * Exit 0: compared. Exit 2: wrong arguments, a file missing or unreadable, or not a report.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compareReports, formatCompareTable, renderCompareHtml } from './compare.js';
import { asSimulationReport, type SimulationReport } from './report-json.js';
import { writeFileAtomic } from './output-file.js';

export interface CompareCliOptions {
  /** Colour the table (pass `process.stdout.isTTY && !process.env.NO_COLOR`). Default off. */
  color?: boolean;
  /** Also write the comparison as an HTML page to this path. */
  htmlOut?: string;
  /** Only rows that changed. */
  changedOnly?: boolean;
}

export interface CompareCliResult {
  exitCode: number;
  /** The table (exit 0). */
  stdout: string;
  /** Why it failed (exit 2): print this to stderr. */
  stderr: string;
}

const USAGE = 'usage: tasksim compare <A/report.json> <B/report.json>';

function fail(message: string): CompareCliResult {
  return { exitCode: 2, stdout: '', stderr: `tasksim compare: ${message}\n` };
}

/** Reads a report from a report.json path, or from a report directory (its report.json). */
function load(path: string): { report: SimulationReport } | { error: string } {
  let file = path;
  try {
    if (statSync(path).isDirectory()) file = join(path, 'report.json');
  } catch {
    return { error: `${path}: no such file (expected a report.json written by \`tasksim simulate\`)` };
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${code ?? String(e)})` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { error: `${file}: not a report: invalid JSON (${(e as Error).message})` };
  }
  const checked = asSimulationReport(value);
  return 'error' in checked ? { error: `${file}: ${checked.error}` } : checked;
}

export function runCompare(paths: readonly string[], opts: CompareCliOptions = {}): CompareCliResult {
  if (paths.length !== 2) return fail(`expected two reports, got ${paths.length}\n${USAGE}`);
  const [pa, pb] = paths;
  const a = load(pa);
  if ('error' in a) return fail(a.error);
  const b = load(pb);
  if ('error' in b) return fail(b.error);
  const rows = compareReports(a.report, b.report);
  const labels = [pa, pb] as const;
  let stdout = `A: ${pa}  (${a.report.scenario}, seed ${a.report.seed})\nB: ${pb}  (${b.report.scenario}, seed ${b.report.seed})\n\n`;
  stdout += formatCompareTable(rows, { labels: ['A', 'B'], color: opts.color, changedOnly: opts.changedOnly });
  if (opts.htmlOut) {
    try {
      writeFileAtomic(opts.htmlOut, renderCompareHtml(rows, { a: a.report, b: b.report, labels }));
    } catch (e) {
      return fail((e as Error).message);
    }
    stdout += `\nHTML: ${opts.htmlOut}\n`;
  }
  return { exitCode: 0, stdout, stderr: '' };
}
