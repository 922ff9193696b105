/** `tasksim fuzz` as a library: campaigns, reports, shards, replay tokens. */
export { runFuzz, executeRun, DEFAULT_RUNS, DEFAULT_MAX_COMMANDS, REPORT_KIND, UnsupportedAdapter, type FuzzOptions, type FuzzReport, type FailureReport } from './campaign.js';
export { Lockstep, type LockstepOptions } from './lockstep.js';
export { mergeReports, asFuzzReport, formatMerged, MergeError, MERGED_KIND, type MergedReport } from './merge.js';
export { formatText, formatMarkdown, writeReportDir } from './report.js';
export { encodeReplay, decodeReplay, BadReplayToken, type ReplayToken } from './replay-token.js';
export { parseShard, shardSeed, shardRuns, type Shard } from './shard.js';
export { BEHAVIOURS, type Behaviour, type AnswerKind } from './behaviour.js';
export { FuzzFailure, formatViolation, type FuzzViolation } from './violation.js';
export { TIME_TOLERANCE_US } from './differences.js';
