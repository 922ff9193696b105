/**
 * The target contract (DESIGN: contracts at the edges): something that receives one delivery and
 * answers a status. Like undici's Dispatcher, one small interface with interchangeable
 * implementations: a real URL (HttpTarget), an in-process function (FunctionTarget), and
 * decorators that script or record deliveries (ScriptedTarget, RecordingTarget).
 */
import type { Delivery } from '../model/types.js';
import type { AnswerOutcome, PushAnswer, PushRequest } from '../sim/exchange.js';

/** What a target can report; `no-instance` belongs to the model's instances (INST-2), never to a target. */
export type TargetOutcome = AnswerOutcome;

/**
 * @deprecated Use `PushAnswer` (one answer type across targets, the engine and the queue contract).
 * Kept because user targets may name it; note `retryAfterMs` became `retryAfterUs`.
 */
export type TargetResponse = PushAnswer;

export interface DeliverOptions {
  /** The request deadline: real milliseconds for HTTP, virtual for FunctionTarget (DEADLINE-1/2). */
  timeoutMs: number;
}

export interface Target {
  /** Shown in reports: the URL, or `function <name>`. */
  readonly description: string;
  /** What `deliver(d)` sends (path rewritten, headers renamed, …); absent: the delivery as it is. */
  wire?(d: Delivery): PushRequest;
  /** Never throws for anything the handler does: failures are outcomes. */
  deliver(d: Delivery, opts: DeliverOptions): Promise<PushAnswer>;
  close(): Promise<void>;
}

/** The request a target sends for a delivery: its own account of it, or the delivery unchanged. */
export function wireOf(target: Target, d: Delivery): PushRequest {
  return target.wire ? target.wire(d) : asSent(d);
}

/** A delivery as a request, unchanged (what an in-process handler gets, or an injected answer's request). */
export function asSent(d: Delivery): PushRequest {
  return { method: d.method, url: d.url, headers: d.headers, body: d.body };
}

export { outcomeOfStatus } from '../sim/events.js';
