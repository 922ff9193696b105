/** The reporting layer's public API (DESIGN: thin files that re-export). */
export { SimulationStats, type SimulationStatsOptions } from './stats.js';
export type * from './summary.js';
export { isIdleQueue } from './summary.js';
export { writeSimulationReport, type WrittenReport } from './simulation-report.js';
export { asSimulationReport, toJsonText, toSimulationReport, REPORT_KIND, REPORT_VERSION } from './report-json.js';
export type { InvariantResult, SimulationReport, SimulationReportInput } from './report-json.js';
export { renderSimulationHtml } from './simulation-html.js';
export { renderSimulationMarkdown } from './simulation-markdown.js';
export { compareReports, formatCompareTable, renderCompareHtml, type CompareRow } from './compare.js';
export { runCompare, type CompareCliOptions, type CompareCliResult } from './compare-cli.js';
export { createProgress, progressEnabled, type Progress, type ProgressOptions } from './progress.js';
export { renderPage, type PageOptions, type PageSection } from './html.js';
