/** What several cases share: queue shapes, payloads, URLs. */
import type { QueueChanges } from '../../src/conform/case.js';

/** One attempt only (RETRY-1 task_retry_limit 0): a case about one answer should not wait on retries. */
export const ONE_ATTEMPT: QueueChanges = { retry: { taskRetryLimit: 0 } };

/** Appends a query string to the handler's path (PUSH-1: the task's URL; HANDLER-6: payload in the query). */
export function withQuery(path: string, query: string): string {
  return path + (path.includes('?') ? '&' : '?') + query;
}

/** `size` bytes covering every byte value, varied by the seed (not valid UTF-8 on purpose). */
export function binaryPayload(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 131 + seed + (i >> 8)) & 0xff;
  return out;
}

/** A header's value in a delivery, whatever the case of its name. */
export function headerOf(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}
