/**
 * The public API of tasksim: the contracts a user implements or receives, and one entry point per command.
 * Everything else under src/ is internal (the package exports only this module and `tasksim/vitest`), free
 * to change between versions. Read it top to bottom: rules, findings, then the four uses of the tool.
 */

// The rules of the contract, as code: every verdict cites one (docs/RULES.md is generated from them).
export {
  RULE_IDS,
  isRuleId,
  resolveRuleId,
  rule,
  rulesIn,
  ruleText,
  ruleAnchor,
  citedRules,
  type Rule,
  type RuleId,
  type RuleSection,
} from './rules/index.js';
export { OPTIONS as RULE_OPTIONS, type RuleOption, type Reading } from './rules/index.js';

// One finding (rule, check, expected, actual, where, replay) from every check, and the adapters to it.
export {
  PROTOCOL_FAULT,
  caseFinding,
  conformanceFindings,
  findingLines,
  fuzzFinding,
  fuzzFindings,
  invariantFinding,
  traceFindings,
  type CitedRule,
  type Finding,
  type FindingWhere,
} from './report/finding.js';

// Queue configuration: queue.yaml read and checked as the service would (CFG-1…3), and the §10 options by name.
export {
  parseQueueYaml,
  loadQueueYaml,
  queueConfigFromObject,
  defaultConfig,
  ConfigError,
  formatIssue,
  type ConfigIssue,
} from './model/queue-yaml.js';
export type {
  ProfileName,
  QueueConfig,
  QueueMode,
  ResolvedConfig,
  RetryParameters,
  ScalingType,
} from './model/config.js';
export { OptionError, type NamedOptions } from './model/options.js';
export type { Micros } from './sim/time.js';

// 1. Conformance of a push-task handler (`tasksim conform`): a target is what the cases deliver to.
export {
  runConformance,
  replayDelivery,
  startReferenceHandler,
  loadCatalog,
  registerCatalog,
} from './conform/index.js';
export type {
  ConformanceOptions,
  ConformanceReport,
  CaseResult,
  CaseCatalog,
  HandlerCase,
  CaseContext,
  Verdict,
  VerdictStatus,
  Severity,
} from './conform/index.js';
export {
  HttpTarget,
  FunctionTarget,
  type Target,
  type TargetResponse,
  type TargetOutcome,
  type DeliverOptions,
  type HandlerFunction,
  type HandlerRequest,
  type HandlerReply,
} from './targets/index.js';
export type { Delivery } from './model/types.js';

// 2. Fuzzing a queue implementation against the model (`tasksim fuzz`): the queue-under-test contract.
export { runFuzz, type FuzzOptions, type FuzzReport, type FailureReport, type FuzzViolation } from './fuzz/index.js';
export type {
  QueueUnderTest,
  Capabilities,
  Feature,
  RunSetup,
  TaskSpec,
  AddOutcome,
  AddError,
  LeaseSpec,
  LeaseOutcome,
  LeasedTaskInfo,
  ModifyOutcome,
  ModifyError,
  OpOutcome,
  PushRequest,
  PushAnswer,
  PushHandler,
  HandlerAnswer,
} from './adapters/index.js';
export {
  AdapterProtocolError,
  AdapterUnreachable,
  AdapterSetupError,
  ReferenceQueue,
  HttpJsonQueue,
  serveQueueOverHttp,
  serveReferenceOverHttp,
  createAdapter,
  MUTANTS,
} from './adapters/index.js';

// 3. Simulating a configuration under load in virtual time (`tasksim simulate`), and judging traces (`tasksim check`).
export { loadScenario, scenarioFromObject } from './scenario/load.js';
export { runScenario, type ScenarioResult, type ScenarioRunOptions } from './scenario/run.js';
export type { Scenario } from './scenario/types.js';
export { writeSimulationReport, compareReports } from './report/index.js';
export {
  checkTrace,
  INVARIANT_IDS,
  type InvariantId,
  type InvariantResult,
  type Violation,
} from './invariants/index.js';
export { readNdjson, hashTrace } from './sim/trace.js';
export type { TraceEvent } from './sim/events.js';

// 4. The Cloud Tasks API on the model (`tasksim serve`), for an app's own tests, with a clock they move.
export { startServer, type ServeOptions, type RunningServer } from './serve/index.js';
