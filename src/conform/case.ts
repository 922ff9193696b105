/**
 * The shape of a handler conformance case (conformance/handler/): numbered, quoting the rule it
 * checks, answering a verdict with expected and actual (as h2spec and Autobahn do).
 */
import type { PushAnswer, PushRequest } from '../sim/exchange.js';
import type { ProfileName, ProfileOptions, QueueConfig, RetryParameters, ScalingType } from '../model/config.js';
import type { RuleId } from '../rules/index.js';
import type { Delivery, NewTask, ServiceModel } from '../model/types.js';
import type { TraceEvent } from '../sim/events.js';
import type { Target } from '../targets/types.js';

export type Severity = 'required' | 'recommended';
export type VerdictStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface Verdict {
  status: VerdictStatus;
  expected: string;
  actual: string;
  /** Rules this verdict is about when narrower than the case's own (e.g. HANDLER-3 on a 503). */
  rules?: RuleId[];
  /** The one request that shows the failure (exploration's shrunk delivery): printed as curl and --replay. */
  reproduction?: DirectRequest;
}

/** Where tasks go: an App Engine handler (X-AppEngine-* headers) or an HTTP target (X-CloudTasks-*, CT-2). */
export type TargetKind = 'appengine' | 'http';

/**
 * What the user declares true of the app under test (`--methods`, `--target`). A case runs only when
 * its premises hold; otherwise it is skipped with the reason, never failed on something the app never does.
 */
export interface AppFacts {
  /** The HTTP methods the app creates tasks with (PUSH-1). Default POST only. */
  methods: readonly string[];
  target: TargetKind;
}

/** What a case assumes about the app. */
export interface Premises {
  /** The case sends tasks with one of these methods: the app must create such tasks. */
  methods?: readonly string[];
  /** The case is about one kind of target only (e.g. FailFast exists only for App Engine, HDR-8). */
  target?: TargetKind;
}

export interface ExplorationSettings {
  /** Generated deliveries per exploring case (shrinking comes on top, bounded). */
  runs: number;
  /** Vary payloads and Content-Types too (`--explore-payloads`). */
  payloads: boolean;
}

/** The body cases and exploration send by default (`--payload TEXT|@FILE`, `--content-type`). */
export interface DefaultPayload {
  bytes: Uint8Array;
  contentType?: string;
}

/** A case that states no premise sends POST tasks, PUSH-1's default. */
export const DEFAULT_PREMISES: Premises = { methods: ['POST'] };

export interface HandlerCase {
  /** `H-<SPEC section>.<n>`. */
  id: string;
  title: string;
  rules: RuleId[];
  /** The rule, quoted in one line. */
  requirement: string;
  /** A `recommended` case that fails reports `warn` (never exit 1). */
  severity: Severity;
  /** What the case assumes about the app (default DEFAULT_PREMISES). */
  assumes?: Premises;
  run(ctx: CaseContext): Promise<Verdict>;
}

/** One delivery of a driven run and what came of it. */
export interface DrivenExchange {
  delivery: Delivery;
  response: PushAnswer;
  /** Answered by the harness (a scripted failure), never sent to the handler. */
  injected: boolean;
}

/** Changes to a queue's configuration (CFG-1 fields, already resolved). */
export type QueueChanges = Partial<Omit<QueueConfig, 'retry'>> & { retry?: Partial<RetryParameters> };

export interface DrivePlan {
  tasks: NewTask[];
  /** Changes to the queue the tasks go to (default: the `default` queue, CFG-2). */
  queue?: QueueChanges;
  /** The service behind the target: outages (INST-2), duplicates (HANDLER-4). */
  service?: Partial<ServiceModel>;
  /** Deliveries the harness answers itself instead of sending (scripted failures). */
  inject?: (d: Delivery) => PushAnswer | undefined;
  /** Bound on engine rounds (each round sends the deliveries due at one instant). Default 20. */
  maxRounds?: number;
}

export interface DriveResult {
  exchanges: DrivenExchange[];
  /** The engine's trace of the run (MemoryTrace): the evidence. */
  events: TraceEvent[];
  /** `idle`: the engine finished; `round-limit`: stopped by the bound; `target-down`: no HTTP answer came back. */
  end: 'idle' | 'round-limit' | 'target-down';
  rounds: number;
  /** Most deliveries in flight at the target at once. */
  maxInFlight: number;
  /** Real milliseconds the run took (virtual waits are skipped). */
  realMs: number;
  /** Virtual µs the run covered. */
  virtualUs: number;
}

/**
 * A request sent directly, outside the engine (forged or stripped headers, HANDLER-8): the one request
 * type, its method and URL defaulted (POST to `/_ah/queue/default`).
 */
export type DirectRequest = Omit<PushRequest, 'method' | 'url'> & Partial<Pick<PushRequest, 'method' | 'url'>>;

export interface CaseContext {
  readonly target: Target;
  /** This case's seed (derived from the run's seed and the case id, so one case replays alone). */
  readonly seed: number;
  readonly profile: ProfileName;
  /** The SPEC §10 readings of this run (the profile's defaults with the user's options). */
  readonly options: ProfileOptions;
  readonly scaling: ScalingType;
  /** What the user declared about the app. */
  readonly app: AppFacts;
  /** The request deadline the target enforces (real ms for HTTP, virtual for functions). */
  readonly timeoutMs: number;
  /** How the deadline was chosen, for messages: `200ms (--deadline)`, `10m (automatic scaling, DEADLINE-1)`. */
  readonly deadlineLabel: string;
  /** Parallel deliveries to test (PUSH-3). */
  readonly concurrency: number;
  /** The path the handler is reached at: a task URL built on it stays on the handler. */
  readonly path: string;
  /**
   * The body a case's task carries when the case is not about payload forms: the user's `--payload`
   * (with its `--content-type`) if given, else `fallback` as the queue's default octet-stream (HANDLER-6).
   */
  body(fallback: string): Pick<NewTask, 'payload' | 'headers'>;
  /** A task name unique to this run and case (TASK-1). */
  taskName(suffix?: string | number): string;
  /** Sends tasks through the engine in external mode until it is idle (bounded). */
  drive(plan: DrivePlan): Promise<DriveResult>;
  /** Sends one request outside the engine (kept as evidence). */
  send(req: DirectRequest): Promise<PushAnswer>;
  /** Sends one request outside the engine without keeping it (exploration's many tries). */
  probe(req: DirectRequest): Promise<PushAnswer>;
  /** Property-based exploration: generated deliveries per exploring case, and whether payloads vary. */
  readonly exploration: ExplorationSettings;
}
