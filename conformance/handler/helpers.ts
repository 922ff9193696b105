/** What several cases share: queue shapes, payloads, URLs. */
import type { CaseContext, QueueChanges } from '../../src/conform/kit.js';

/**
 * One attempt only: a case about one answer should not wait on retries. task_retry_limit 0 is one
 * attempt under both readings of RETRY-1 (0 retries; or, as maxAttempts, stop at the first failure).
 */
export const ONE_ATTEMPT: QueueChanges = { retry: { taskRetryLimit: 0 } };

/**
 * The task_retry_limit that allows `n` retries (n + 1 attempts) under this run's reading of RETRY-1
 * (SPEC §10): `retries` reads the limit as N retries, `attempts` (Cloud Tasks maxAttempts) as N attempts.
 */
export function retries(ctx: Pick<CaseContext, 'options'>, n: number): number {
  return ctx.options.retryLimitMeans === 'attempts' ? n + 1 : n;
}

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
