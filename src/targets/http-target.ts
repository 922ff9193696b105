/**
 * HttpTarget: deliveries as real HTTP requests through an undici Pool (PUSH-1, PUSH-7: plain HTTP).
 * Every wait is bounded: connect, headers, body, and one overall timer per request (DEADLINE-2).
 * Redirects are never followed (PUSH-6: a 3xx is a failure) — undici's Pool does not follow them
 * and no redirect interceptor is composed. Requests go only to the origin of the URL given.
 */
import { Pool } from 'undici';
import type { Delivery } from '../model/types.js';
import { classifyError } from './net-errors.js';
import { realClearTimeout, realNow, realSetTimeout } from './real-timers.js';
import { outcomeOfStatus, type DeliverOptions, type Target, type TargetResponse } from './types.js';

export interface HttpTargetOptions {
  /** Connections kept to the origin: the most deliveries truly in parallel (PUSH-3). Default 10. */
  connections?: number;
  /** TCP (and TLS) connect timeout in ms. Default 10 s. */
  connectTimeoutMs?: number;
  /** Response body bytes read before we stop reading (the body is discarded anyway, HANDLER-5). Default 1 MiB. */
  maxBodyBytes?: number;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** PUSH-1's default task URL, exactly (a task URL with a query string is the task's own). */
const DEFAULT_QUEUE_PATH = /^\/_ah\/queue\/[^/?#]*$/;

/** Thrown only for a URL we refuse to talk to (a usage error, never a handler failure). */
export class TargetUrlError extends Error {
  override name = 'TargetUrlError';
}

export function parseTargetUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TargetUrlError(`not a URL: ${JSON.stringify(text)} (expected e.g. http://127.0.0.1:8080/tasks/handler)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TargetUrlError(`only http: and https: URLs can be tested, got ${JSON.stringify(url.protocol)}`);
  }
  if (url.username || url.password) throw new TargetUrlError('the URL must not carry credentials');
  return url;
}

export class HttpTarget implements Target {
  readonly description: string;
  readonly url: URL;
  private readonly pool: Pool;
  private readonly maxBodyBytes: number;
  private closed = false;

  constructor(url: string | URL, opts: HttpTargetOptions = {}) {
    this.url = typeof url === 'string' ? parseTargetUrl(url) : url;
    this.url.hash = '';
    this.description = this.url.href;
    this.maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.pool = new Pool(this.url.origin, {
      connections: Math.max(1, opts.connections ?? 10),
      pipelining: 1,
      connect: { timeout: opts.connectTimeoutMs ?? 10_000 },
      keepAliveTimeout: 4_000,
    });
  }

  /** The user's path and query: what every delivery to the default queue path is sent to. */
  get path(): string {
    return this.url.pathname + this.url.search;
  }

  /**
   * The path a delivery is sent to. The queue's default `/_ah/queue/<queue>` becomes the user's URL
   * (that is the handler under test); a task's own URL (a case that sets one) keeps its path and
   * query. Either way only the path is used: the origin is always the one given.
   */
  pathFor(d: Pick<Delivery, 'url'>): string {
    if (!d.url || DEFAULT_QUEUE_PATH.test(d.url)) return this.path;
    if (d.url.startsWith('/')) return d.url;
    try {
      const u = new URL(d.url, this.url);
      return u.pathname + u.search;
    } catch {
      return this.path;
    }
  }

  async deliver(d: Delivery, opts: DeliverOptions): Promise<TargetResponse> {
    const timeoutMs = Math.max(1, opts.timeoutMs);
    const started = realNow();
    const elapsedUs = (): number => Math.max(1, Math.round((realNow() - started) * 1000));
    if (this.closed) return { status: 0, outcome: 'net', latencyUs: 1, detail: 'target closed' };
    const abort = new AbortController();
    let timedOut = false;
    // One timer over the whole exchange: headers and body (undici's own timeouts are per phase).
    const timer = realSetTimeout(() => {
      timedOut = true;
      abort.abort();
    }, timeoutMs);
    try {
      const res = await this.pool.request({
        path: this.pathFor(d),
        method: d.method,
        headers: d.headers,
        body: d.body && d.body.byteLength > 0 ? d.body : d.method === 'GET' || d.method === 'HEAD' ? null : '',
        signal: abort.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const { bytes, truncated } = await drain(res.body, this.maxBodyBytes);
      const out: TargetResponse = { status: res.statusCode, outcome: outcomeOfStatus(res.statusCode), latencyUs: elapsedUs(), bodyBytes: bytes };
      if (truncated) out.detail = `response body cut off after ${bytes} bytes (the queue discards it, HANDLER-5)`;
      else if (res.statusCode >= 300 && res.statusCode < 400) {
        const loc = res.headers.location;
        out.detail = `redirect${loc ? ` to ${Array.isArray(loc) ? loc[0] : loc}` : ''} not followed (PUSH-6)`;
      }
      return out;
    } catch (err) {
      const c = classifyError(err, timeoutMs, timedOut);
      const latencyUs = c.outcome === 'deadline' ? timeoutMs * 1000 : elapsedUs();
      const out: TargetResponse = { status: 0, outcome: c.outcome, latencyUs, detail: c.detail };
      if (c.unreachable) out.unreachable = true;
      return out;
    } finally {
      realClearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // close() waits for requests in flight; a handler that never answers must not hold us (bounded).
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.pool.close().catch(() => {}), new Promise((r) => (timer = realSetTimeout(r, 1_000)))]);
    realClearTimeout(timer);
    await this.pool.destroy().catch(() => {});
  }
}

/** Reads and discards a body, stopping at `cap` bytes so a huge or endless body cannot hold us. */
async function drain(body: AsyncIterable<Uint8Array> & { destroy(err?: Error): unknown }, cap: number): Promise<{ bytes: number; truncated: boolean }> {
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.byteLength;
    if (bytes >= cap) {
      body.destroy();
      return { bytes, truncated: true };
    }
  }
  return { bytes, truncated: false };
}
