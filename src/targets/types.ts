/**
 * The target contract (DESIGN: contracts at the edges): something that receives one delivery and
 * answers a status. Like undici's Dispatcher, one small interface with interchangeable
 * implementations: a real URL (HttpTarget), an in-process function (FunctionTarget), and
 * decorators that script or record deliveries (ScriptedTarget, RecordingTarget).
 */
import type { Delivery } from '../model/types.js';
import type { Outcome } from '../sim/events.js';

/** What a target can report; `no-instance` belongs to the model's instances (INST-2), never to a target. */
export type TargetOutcome = Exclude<Outcome, 'no-instance'>;

export interface TargetResponse {
  /** The HTTP status; 0 when there was none (net, deadline). */
  status: number;
  /** `ok` 2xx, `error` any other status (3xx included, PUSH-6), `net` no HTTP answer, `deadline` too slow. */
  outcome: TargetOutcome;
  /** Time from sending to the end of the response, in µs (real for HTTP, virtual for functions). */
  latencyUs: number;
  /** Why, when it is not a plain status: 'ECONNREFUSED', 'timed out after 30s', 'not HTTP', … */
  detail?: string;
  /** Response body bytes read (and discarded, HANDLER-5); reading stops at a cap. */
  bodyBytes?: number;
  /** CT-5: a 429 or 503's Retry-After, in ms from the response (delta-seconds or an HTTP date). */
  retryAfterMs?: number;
  /** Set when no connection could be made at all (refused, no such host): the CLI's exit 3. */
  unreachable?: boolean;
}

export interface DeliverOptions {
  /** The request deadline: real milliseconds for HTTP, virtual for FunctionTarget (DEADLINE-1/2). */
  timeoutMs: number;
}

/** A request as it goes on the wire (evidence: what the handler actually received). */
export interface SentRequest {
  method: string;
  /** The request target: path and query. */
  url: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

export interface Target {
  /** Shown in reports: the URL, or `function <name>`. */
  readonly description: string;
  /** What `deliver(d)` sends (path rewritten, headers renamed, …); absent: the delivery as it is. */
  wire?(d: Delivery): SentRequest;
  /** Never throws for anything the handler does: failures are outcomes. */
  deliver(d: Delivery, opts: DeliverOptions): Promise<TargetResponse>;
  close(): Promise<void>;
}

/** The request a target sends for a delivery: its own account of it, or the delivery unchanged. */
export function wireOf(target: Target, d: Delivery): SentRequest {
  return target.wire ? target.wire(d) : asSent(d);
}

/** A delivery as a request, unchanged (what an in-process handler gets, or an injected answer's request). */
export function asSent(d: Delivery): SentRequest {
  return { method: d.method, url: d.url, headers: d.headers, body: d.body };
}

export { outcomeOfStatus } from '../sim/events.js';
