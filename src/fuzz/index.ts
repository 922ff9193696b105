/** `tasksim fuzz` as a library: campaigns, reports, shards, replay tokens. */
export {
  runFuzz,
  executeRun,
  DEFAULT_RUNS,
  DEFAULT_MAX_COMMANDS,
  WALL_CLOCK_RUNS,
  WALL_CLOCK_MAX_COMMANDS,
  WALL_CLOCK_SHRINK_MS,
  UnsupportedAdapter,
  type FuzzOptions,
  type FuzzPlan,
  type FuzzReport,
  type FailureReport,
} from './campaign.js';
export { REPORT_KIND } from './report-kind.js';
export { Lockstep, type LockstepOptions } from './lockstep.js';
export { WallRunClock, WALL_CLOCK_TIMING } from './wall-clock.js';
export { VirtualRunClock } from './clock-virtual.js';
export { VIRTUAL_TIME, WALL_CLOCK, clockFor, type ClockStrategy, type RunClock } from './clock.js';
export {
  WALL_CLOCK_TOLERANCE,
  WALL_CLOCK_SKIPPED_INVARIANTS,
  describeTolerance,
  type WallClockTolerance,
} from './tolerance.js';
export { mergeReports, asFuzzReport, formatMerged, MergeError, MERGED_KIND, type MergedReport } from './merge.js';
export { formatText, formatMarkdown, writeReportDir } from './report.js';
export { encodeReplay, decodeReplay, BadReplayToken, type ReplayToken } from './replay-token.js';
export { parseShard, shardSeed, shardRuns, type Shard } from './shard.js';
export {
  runFuzzJobs,
  parseJobs,
  JobsRefused,
  MAX_JOBS,
  type JobsOptions,
  type JobsReport,
  type AdapterFactory,
} from './jobs.js';
export { BEHAVIOURS, WALL_CLOCK_BEHAVIOURS, type Behaviour, type AnswerKind } from './behaviour.js';
export { FuzzFailure, formatViolation, type FuzzViolation } from './violation.js';
export { TIME_TOLERANCE_US } from './differences.js';
