/** The public API of tasksim: thin re-exports. The vitest helper lives at `tasksim/vitest`. */

// The rules of the contract, as code: IDs, texts, options (docs/RULES.md is generated from them).
export { RULE_IDS, isRuleId, rule, rulesIn, ruleText, ruleAnchor, citedRules, type Rule, type RuleId, type RuleSection } from './rules/index.js';

// The engine: one pure, deterministic core.
export { Engine, MAX_ETA_AHEAD_US, type EngineOptions, type RunResult } from './model/engine.js';
export type * from './model/types.js';
export type * from './model/config.js';
export { TaskQueueError } from './model/errors.js';
export { PROFILES, SCALING_DEADLINE_US } from './model/profiles.js';
export { OPTIONS, OptionError, applyOptions, optionsByName, parseOptionArgs, type NamedOptions, type OptionSpec } from './model/options.js';
export { backoffDelay } from './model/backoff.js';
export { mayRetry } from './model/retry-policy.js';
export { parseQueueYaml, loadQueueYaml, queueConfigFromObject, defaultConfig, ConfigError, formatIssue, type ConfigIssue } from './model/queue-yaml.js';
export { buildHeaders, toHttpHeaders, fromHttpHeaders, HEADER } from './model/headers.js';

// The trace: events, sinks and the hash.
export type * from './sim/events.js';
export { TraceHasher, NdjsonWriter, MemoryTrace, readNdjson, hashTrace, serialize, type TraceSink } from './sim/trace.js';
export { Random } from './sim/random.js';

// Invariants (SPEC §9), reading only the trace.
export { InvariantSuite, checkTrace, INVARIANT_IDS, type InvariantId, type Violation, type InvariantResult } from './invariants/index.js';

// Scenarios and simulation.
export { loadScenario, scenarioFromObject } from './scenario/load.js';
export { runScenario, type ScenarioResult, type ScenarioRunOptions } from './scenario/run.js';
export type { Scenario } from './scenario/types.js';
export { SimulationStats, writeSimulationReport, compareReports } from './report/index.js';

// Conformance against a handler.
export { runConformance, startReferenceHandler, HANDLER_CASES, type ConformanceOptions, type ConformanceReport, type CaseResult } from './conform/index.js';
export { HttpTarget, FunctionTarget, type Target, type HandlerFunction } from './targets/index.js';

// Fuzzing a queue implementation against the model.
export { runFuzz, type FuzzOptions, type FuzzReport } from './fuzz/index.js';
export { ReferenceQueue, HttpJsonQueue, serveReferenceOverHttp, MUTANTS, createAdapter } from './adapters/index.js';

// The Cloud Tasks API on the model (tasksim serve), for an app's own tests.
export { startServer, type ServeOptions, type RunningServer } from './serve/index.js';
