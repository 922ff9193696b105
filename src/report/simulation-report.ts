/**
 * Writes a simulation's report directory: index.html (charts, no script, no network), report.json
 * (what `tasksim compare` reads) and report.md. Everything in it is a function of the trace and the
 * invariant results, so the same run writes the same bytes (no dates, no host names).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
  await mkdir(dir, { recursive: true });
  const files = { html: join(dir, 'index.html'), json: join(dir, 'report.json'), markdown: join(dir, 'report.md') };
  await Promise.all([
    writeFile(files.html, renderSimulationHtml(report)),
    writeFile(files.json, toJsonText(report)),
    writeFile(files.markdown, renderSimulationMarkdown(report)),
  ]);
  return { dir, ...files, report };
}
