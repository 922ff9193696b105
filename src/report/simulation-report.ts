/**
 * Writes a simulation's report directory: index.html (charts, no script, no network), report.json
 * (what `tasksim compare` reads) and report.md. Everything in it is a function of the trace and the
 * invariant results, so the same run writes the same bytes (no dates, no host names).
 */
import { join } from 'node:path';
import { writeFilesAtomic } from './output-file.js';
import { toJsonText, toSimulationReport, type SimulationReport, type SimulationReportInput } from './report-json.js';
import { renderSimulationHtml } from './simulation-html.js';
import { renderSimulationMarkdown } from './simulation-markdown.js';

export type { InvariantResult, SimulationReport, SimulationReportInput } from './report-json.js';

export interface WrittenReport {
  dir: string;
  html: string;
  json: string;
  markdown: string;
  report: SimulationReport;
}

export async function writeSimulationReport(dir: string, input: SimulationReportInput): Promise<WrittenReport> {
  const report = toSimulationReport(input);
  const [html, json, markdown] = writeFilesAtomic(dir, [
    ['index.html', renderSimulationHtml(report)],
    ['report.json', toJsonText(report)],
    ['report.md', renderSimulationMarkdown(report)],
  ]);
  return { dir, html, json, markdown, report };
}
