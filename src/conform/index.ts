/** The handler conformance suite's public API (`tasksim conform`, in-process and in vitest). */
export {
  runConformance,
  runCase,
  resolveDeadline,
  DEFAULT_REAL_DEADLINE_MS,
  DEFAULT_CONCURRENCY,
  DEFAULT_EXPLORE,
  TASK_METHODS,
} from './run.js';
export { replayDelivery, type ReplayOptions, type ReplayResult } from './replay.js';
export { preflight, type PreflightResult } from './preflight.js';
export { loadCatalog, registerCatalog, type CaseCatalog } from './registry.js';
export type { ConformanceOptions, ConformanceReport, CaseResult, ResolvedDeadline } from './run.js';
export type {
  HandlerCase,
  CaseContext,
  Verdict,
  VerdictStatus,
  Severity,
  DrivePlan,
  DriveResult,
  DrivenExchange,
  DirectRequest,
  AppFacts,
  Premises,
  TargetKind,
} from './case.js';
export { startReferenceHandler, type ReferenceHandler } from './reference-handler.js';
export { selectCases } from './select.js';
export { toJson, toFullJson } from './report-json.js';
export { toJunit } from './report-junit.js';
export { toMarkdown } from './report-markdown.js';
export { toHtml } from './report-html.js';
export { writeReports } from './report-files.js';
