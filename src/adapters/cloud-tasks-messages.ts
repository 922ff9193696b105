/**
 * The model's queues and tasks as Cloud Tasks v2 messages (CT-1, CT-2), and the API's refusals read
 * back into the queue-under-test contract's outcomes (CT-6).
 */
import type { ProfileOptions, QueueConfig } from '../model/config.js';
import type { Micros } from '../sim/time.js';
import { isRuleId, type RuleId } from '../rules/index.js';
import type { AddError, AddOutcome, OpOutcome, TaskSpec } from './contract.js';

/** gRPC status codes the mapping reads (google/rpc/code.proto). */
export const GRPC = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  FAILED_PRECONDITION: 9,
  UNAVAILABLE: 14,
} as const;

export interface Duration {
  seconds: number;
  nanos: number;
}

export function duration(us: Micros): Duration {
  const seconds = Math.floor(us / 1e6);
  return { seconds, nanos: (us - seconds * 1e6) * 1000 };
}

/**
 * CT-1: rate, concurrency and retry settings. `maxBurstSize` is output only (derived from the rate), so
 * it is not sent; maxAttempts counts attempts in all (-1 unlimited), from RETRY-1 in the config's reading.
 */
export function queueMessage(name: string, cfg: QueueConfig, opts: ProfileOptions): Record<string, unknown> {
  const r = cfg.retry;
  const limit = r.taskRetryLimit;
  const maxAttempts = limit === undefined ? -1 : opts.retryLimitMeans === 'attempts' ? limit : limit + 1;
  const rateLimits: Record<string, unknown> = { maxDispatchesPerSecond: cfg.ratePerSec };
  if (cfg.maxConcurrentRequests !== undefined) rateLimits.maxConcurrentDispatches = cfg.maxConcurrentRequests;
  const retryConfig: Record<string, unknown> = {
    maxAttempts,
    minBackoff: duration(r.minBackoffUs),
    maxBackoff: duration(r.maxBackoffUs),
    maxDoublings: r.maxDoublings,
  };
  if (r.taskAgeLimitUs !== undefined) retryConfig.maxRetryDuration = duration(r.taskAgeLimitUs);
  return { name, rateLimits, retryConfig };
}

/**
 * CT-2: an App Engine task. The relative URI is the task's URL or the model's default for its queue
 * (PUSH-1's `/_ah/queue/<queue>`: Cloud Tasks' own default is `/`); `scheduleUs` is the ETA as Unix µs.
 */
export function taskMessage(
  queuePath: string,
  modelQueue: string,
  spec: TaskSpec,
  scheduleUs: Micros | undefined,
): Record<string, unknown> {
  const request: Record<string, unknown> = {
    httpMethod: spec.method ?? 'POST',
    relativeUri: spec.url ?? `/_ah/queue/${modelQueue}`,
  };
  if (spec.payload !== undefined && spec.payload !== '') request.body = Buffer.from(spec.payload, 'utf8');
  const task: Record<string, unknown> = { appEngineHttpRequest: request };
  if (spec.name !== undefined) task.name = `${queuePath}/tasks/${spec.name}`;
  if (scheduleUs !== undefined) {
    const seconds = Math.floor(scheduleUs / 1e6);
    task.scheduleTime = { seconds, nanos: (scheduleUs - seconds * 1e6) * 1000 };
  }
  return task;
}

/** A gRPC failure as the client library throws it. */
export interface GrpcFailure {
  code: number;
  details: string;
}

export function grpcFailure(err: unknown): GrpcFailure | undefined {
  const e = err as { code?: unknown; details?: unknown; message?: unknown };
  if (typeof e?.code !== 'number') return undefined;
  return { code: e.code, details: typeof e.details === 'string' ? e.details : String(e.message ?? '') };
}

/** The rule a refusal names, as `… (RULE-N)` at the end of its message (one the rulebook knows). */
function ruleOf(details: string): RuleId | undefined {
  const id = /\(([A-Z]+-\d+)\)\s*$/.exec(details)?.[1];
  return id !== undefined && isRuleId(id) ? id : undefined;
}

/**
 * A domain refusal of CreateTask (CT-6), or undefined for a code that is no refusal (the service
 * failed). ALREADY_EXISTS is TASK-2's either way; a message saying "tombstoned" tells the tombstone.
 */
export function addRefusal(f: GrpcFailure): AddOutcome | undefined {
  let error: AddError;
  if (f.code === GRPC.ALREADY_EXISTS) error = /tombstone/i.test(f.details) ? 'TOMBSTONED' : 'ALREADY_EXISTS';
  else if (f.code === GRPC.INVALID_ARGUMENT) error = 'INVALID';
  else return undefined;
  const rule = ruleOf(f.details) ?? (error === 'INVALID' ? undefined : 'TASK-2');
  return { ok: false, error, ...(rule !== undefined ? { rule } : {}), message: f.details };
}

/** A domain refusal of DeleteTask, PauseQueue, ResumeQueue or RunTask, or undefined (the service failed). */
export function opRefusal(f: GrpcFailure): OpOutcome | undefined {
  const error =
    f.code === GRPC.NOT_FOUND
      ? 'NOT_FOUND'
      : f.code === GRPC.FAILED_PRECONDITION
        ? 'FAILED_PRECONDITION'
        : f.code === GRPC.INVALID_ARGUMENT
          ? 'INVALID'
          : undefined;
  return error === undefined ? undefined : { ok: false, error, message: f.details };
}
