/**
 * A generated delivery: every field the queue controls (HDR-1…7), with the ETA as the exact text
 * sent (HDR-5 allows several forms), and the request it becomes.
 */
import { HEADER, retryReason } from '../../model/headers.js';
import type { DirectRequest } from '../case.js';

export interface ExploredDelivery {
  queue: string;
  name: string;
  /** X-AppEngine-TaskETA exactly as sent. */
  eta: string;
  retryCount: number;
  executionCount: number;
  /** HDR-6: absent on a first attempt; 0 when the previous attempt got no HTTP status. */
  previousResponse?: number;
  method: string;
  contentType?: string;
  body?: Uint8Array;
}

/** The request the queue would send for it (App Engine names; an HTTP target renames them, CT-2). */
export function toRequest(x: ExploredDelivery): DirectRequest {
  const headers: Record<string, string> = {
    [HEADER.queueName]: x.queue,
    [HEADER.taskName]: x.name,
    [HEADER.retryCount]: String(x.retryCount),
    [HEADER.executionCount]: String(x.executionCount),
    [HEADER.eta]: x.eta,
  };
  if (x.previousResponse !== undefined) {
    headers[HEADER.previousResponse] = String(x.previousResponse);
    // HDR-7 as production captures show it (SPEC §10): no HTTP status → Instance Unavailable.
    headers[HEADER.retryReason] = retryReason(x.previousResponse === 0 ? 'no-instance' : 'error');
  }
  const hasBody = x.body !== undefined && x.method !== 'GET' && x.method !== 'HEAD';
  if (hasBody || x.contentType) headers['Content-Type'] = x.contentType ?? 'application/octet-stream'; // HANDLER-6
  return { method: x.method, headers, body: hasBody ? x.body : undefined };
}

const shown = (s: string): string =>
  s.length > 60 ? `${JSON.stringify(s.slice(0, 40))}… (${s.length} characters)` : JSON.stringify(s);

/** The fields of `x` that differ from `base`, in words: `TaskName "0"`, `TaskETA "1767225600"`. */
export function describeChanges(x: ExploredDelivery, base: ExploredDelivery): string {
  const parts: string[] = [];
  if (x.name !== base.name) parts.push(`TaskName ${shown(x.name)}`);
  if (x.queue !== base.queue) parts.push(`QueueName ${shown(x.queue)}`);
  if (x.eta !== base.eta) parts.push(`TaskETA ${JSON.stringify(x.eta)}`);
  if (
    x.retryCount !== base.retryCount ||
    x.executionCount !== base.executionCount ||
    x.previousResponse !== base.previousResponse
  ) {
    parts.push(
      `RetryCount ${x.retryCount}, ExecutionCount ${x.executionCount}${x.previousResponse === undefined ? '' : `, PreviousResponse ${x.previousResponse}`}`,
    );
  }
  if (x.method !== base.method) parts.push(`method ${x.method}`);
  if (x.contentType !== base.contentType)
    parts.push(`Content-Type ${JSON.stringify(x.contentType ?? 'application/octet-stream')}`);
  if (x.body !== base.body) parts.push(`a ${x.body?.byteLength ?? 0}-byte body`);
  return parts.join(', ') || 'the plain delivery';
}
