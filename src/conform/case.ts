/**
 * The shape of a handler conformance case (conformance/handler/): numbered, quoting the rule it
 * checks, answering a verdict with expected and actual (as h2spec and Autobahn do).
 */
import type { ProfileName, QueueConfig, RetryParameters, ScalingType } from '../model/config.js';
import type { Delivery, NewTask, ServiceModel } from '../model/types.js';
import type { TraceEvent } from '../sim/events.js';
import type { Target, TargetResponse } from '../targets/types.js';

export type Severity = 'required' | 'recommended';
export type VerdictStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface Verdict {
  status: VerdictStatus;
  expected: string;
  actual: string;
  /** Rules this verdict is about when narrower than the case's own (e.g. HANDLER-3 on a 503). */
  rules?: string[];
}

export interface HandlerCase {
  /** `H-<SPEC section>.<n>`. */
  id: string;
  title: string;
  rules: string[];
  /** The rule, quoted in one line. */
  requirement: string;
  /** A `recommended` case that fails reports `warn` (never exit 1). */
  severity: Severity;
  run(ctx: CaseContext): Promise<Verdict>;
}

/** One delivery of a driven run and what came of it. */
export interface DrivenExchange {
  delivery: Delivery;
  response: TargetResponse;
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
  inject?: (d: Delivery) => TargetResponse | undefined;
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

/** A request sent directly, outside the engine (forged or stripped headers, HANDLER-8). */
export interface DirectRequest {
  method?: string;
  url?: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

export interface CaseContext {
  readonly target: Target;
  /** This case's seed (derived from the run's seed and the case id, so one case replays alone). */
  readonly seed: number;
  readonly profile: ProfileName;
  readonly scaling: ScalingType;
  /** The request deadline the target enforces (real ms for HTTP, virtual for functions). */
  readonly timeoutMs: number;
  /** How the deadline was chosen, for messages: `200ms (--deadline)`, `10m (automatic scaling, DEADLINE-1)`. */
  readonly deadlineLabel: string;
  /** Parallel deliveries to test (PUSH-3). */
  readonly concurrency: number;
  /** The path the handler is reached at: a task URL built on it stays on the handler. */
  readonly path: string;
  /** A task name unique to this run and case (TASK-1). */
  taskName(suffix?: string | number): string;
  /** Sends tasks through the engine in external mode until it is idle (bounded). */
  drive(plan: DrivePlan): Promise<DriveResult>;
  /** Sends one request outside the engine. */
  send(req: DirectRequest): Promise<TargetResponse>;
}
