/**
 * HttpTarget: deliveries as real HTTP requests through an undici Pool (PUSH-1, PUSH-7: plain HTTP).
 * Every wait is bounded: the connect timeout, and one timer over the whole exchange (DEADLINE-2).
 * Redirects are never followed (PUSH-6: a 3xx is a failure) — undici's Pool does not follow them
 * and no redirect interceptor is composed. Requests go only to the origin of the URL given.
 *
 * Two edges of real servers:
 * - a server may close an idle keep-alive connection just as a request is written to it; the request
 *   then fails before any response byte. Such a request never reached the handler, so it is sent once
 *   more on a fresh connection (undici retries only idempotent methods itself, and a task's POST is
 *   not one to undici — though a delivery is, by HANDLER-4).
 * - the body is drained and dropped (HANDLER-5), but the queue waits for the whole response: a body
 *   that has not ended after `maxBodyBytes`, or by the deadline, is a missed deadline (DEADLINE-2).
 */
import type { PushAnswer, PushRequest } from '../sim/exchange.js';
import { US_PER_MS } from '../sim/time.js';
import { Client, Pool, type Dispatcher } from 'undici';
import type { Delivery } from '../model/types.js';
import { classifyError, formatMs } from './net-errors.js';
import { realClearTimeout, realNow, realSetTimeout } from './real-timers.js';
import { outcomeOfStatus, type DeliverOptions, type Target } from './types.js';

export interface HttpTargetOptions {
  /** Connections kept to the origin: the most deliveries truly in parallel (PUSH-3). Default 10. */
  connections?: number;
  /** TCP (and TLS) connect timeout in ms. Default 10 s. */
  connectTimeoutMs?: number;
  /** Response body bytes drained before we call the body endless (DEADLINE-2). Default 64 MiB. */
  maxBodyBytes?: number;
}

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
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
  private readonly watch = new DeadlineWatch();
  private readonly connectTimeoutMs: number;
  /** Exchanges answered so far: once there is one, connections are being reused. */
  answered = 0;
  private closed = false;

  constructor(url: string | URL, opts: HttpTargetOptions = {}) {
    this.url = typeof url === 'string' ? parseTargetUrl(url) : url;
    this.url.hash = '';
    this.description = this.url.href;
    this.maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    this.pool = new Pool(this.url.origin, {
      connections: Math.max(1, opts.connections ?? 10),
      pipelining: 1,
      connect: { timeout: this.connectTimeoutMs },
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

  /** The request line, headers (with the ones undici adds) and body that `deliver` puts on the wire. */
  wire(d: Delivery): PushRequest {
    const body = requestBody(d);
    const headers: Record<string, string> = { host: this.url.host, connection: 'keep-alive', ...d.headers };
    if (body !== null) headers['content-length'] = String(typeof body === 'string' ? 0 : body.byteLength);
    return {
      method: d.method,
      url: this.pathFor(d),
      headers,
      body: typeof body === 'string' ? undefined : (body ?? undefined),
    };
  }

  deliver(d: Delivery, opts: DeliverOptions): Promise<PushAnswer> {
    const timeoutMs = Math.max(1, opts.timeoutMs);
    if (this.closed) return Promise.resolve({ status: 0, outcome: 'net', latencyUs: 1, detail: 'target closed' });
    const request: Dispatcher.DispatchOptions = {
      path: this.pathFor(d),
      method: d.method,
      headers: flatHeaders(d.headers),
      body: requestBody(d),
      // Backstops only: the exchange's own timer answers at the deadline.
      headersTimeout: timeoutMs + 1_000,
      bodyTimeout: timeoutMs + 1_000,
    };
    return new Promise<PushAnswer>((resolve) => {
      const done = (r: PushAnswer): void => {
        if (r.status > 0) this.answered++;
        resolve(r);
      };
      const exchange = new Exchange(
        timeoutMs,
        this.maxBodyBytes,
        done,
        this.watch,
        () => this.answered > 0,
        (x) => this.onFreshConnection(request, x),
      );
      try {
        this.pool.dispatch(request, exchange);
      } catch (err) {
        exchange.onError(err as Error); // e.g. a header value undici refuses to send
      }
    });
  }

  /** Sends an exchange again on a connection of its own, closed once the exchange is over. */
  private onFreshConnection(request: Dispatcher.DispatchOptions, exchange: Exchange): void {
    if (this.closed) return exchange.onError(new Error('target closed'));
    const client = new Client(this.url.origin, { pipelining: 1, connect: { timeout: this.connectTimeoutMs } });
    exchange.whenDone(() => void client.destroy().catch(() => {}));
    try {
      client.dispatch(request, exchange);
    } catch (err) {
      exchange.onError(err as Error);
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

/** How often the deadline watch looks: deadlines are met to within this. */
const WATCH_TICK_MS = 5;

/**
 * One timer for every exchange in flight instead of one each: at tens of thousands of deliveries a
 * second, arming and clearing a native timer per request was a measurable share of the driver's time.
 */
class DeadlineWatch {
  private readonly live = new Set<Exchange>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  add(x: Exchange): void {
    this.live.add(x);
    this.timer ??= realSetTimeout(() => this.sweep(), WATCH_TICK_MS);
  }

  delete(x: Exchange): void {
    this.live.delete(x);
  }

  private sweep(): void {
    this.timer = undefined;
    const now = realNow();
    for (const x of this.live) if (x.deadlineAt <= now) x.expire();
    if (this.live.size > 0) this.timer = realSetTimeout(() => this.sweep(), WATCH_TICK_MS);
  }
}

/** Raised inside an exchange to stop reading: the body hit the cap, or the whole exchange ran past its deadline. */
class Stop extends Error {
  constructor(readonly why: 'cap' | 'deadline') {
    super(why);
  }
}

/**
 * One request's life as an undici dispatch handler: no stream and no AbortSignal (a driver that must
 * keep up with autocannon cannot afford them). The body is counted and dropped (HANDLER-5); reading
 * stops at the cap. The target's DeadlineWatch bounds the whole exchange: undici's own headers/body
 * timeouts tick at about a second's resolution, and stay set only as a backstop.
 */
class Exchange implements Dispatcher.DispatchHandler {
  private readonly started = realNow();
  private status = 0;
  private location: string | undefined;
  private retryAfter: string | undefined;
  private bytes = 0;
  private stopped: Stop | undefined;
  private done = false;
  private retried = false;
  private readonly onDone: (() => void)[] = [];
  private abort: ((err?: Error) => void) | undefined;
  readonly deadlineAt: number;

  constructor(
    private readonly timeoutMs: number,
    private readonly maxBodyBytes: number,
    private readonly resolve: (r: PushAnswer) => void,
    private readonly watch: DeadlineWatch,
    /** Whether the pool's connections have carried earlier exchanges (so this one may be on a reused one). */
    private readonly poolReused: () => boolean,
    private readonly sendFresh: (x: Exchange) => void,
  ) {
    this.deadlineAt = this.started + timeoutMs;
    watch.add(this);
  }

  whenDone(fn: () => void): void {
    if (this.done) fn();
    else this.onDone.push(fn);
  }

  /** The deadline passed: answer now; abort the request if it has started (else as soon as it does). */
  expire(): void {
    this.stopped ??= new Stop('deadline');
    const detail = this.status
      ? `answered ${this.status} but the body had not ended after ${formatMs(this.timeoutMs)} (${this.bytes} bytes): the queue waits for the whole response (DEADLINE-2)`
      : `timed out after ${formatMs(this.timeoutMs)}`;
    this.finish({ status: 0, outcome: 'deadline', latencyUs: this.timeoutMs * 1000, detail });
    this.abort?.(this.stopped);
  }

  private elapsedUs(): number {
    return Math.max(1, Math.round((realNow() - this.started) * 1000));
  }

  private finish(r: PushAnswer): void {
    if (this.done) return;
    this.done = true;
    this.watch.delete(this);
    this.resolve(r);
    for (const fn of this.onDone.splice(0)) fn();
  }

  /**
   * A connection that had carried earlier exchanges closed before any byte of this one's response:
   * the server closed it as idle while the request was on its way, so the handler never saw it.
   */
  private closedWhileReused(err: Error): boolean {
    if (this.status !== 0 || this.stopped || this.retried) return false;
    const code = (err as { code?: string }).code;
    const socket = (err as { socket?: { bytesRead?: number } }).socket;
    if (code === 'UND_ERR_SOCKET') return (socket?.bytesRead ?? 0) > 0;
    return (code === 'ECONNRESET' || code === 'EPIPE') && this.poolReused();
  }

  // undici's raw handler interface: no controller objects and no header parsing per response,
  // which the newer interface adds (it wraps every handler to turn raw headers into an object).
  onConnect(abort: (err?: Error) => void): void {
    this.abort = abort;
    if (this.done) abort(this.stopped ?? new Stop('deadline'));
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.status = statusCode;
    if (statusCode >= 300 && statusCode < 400) this.location = findHeader(rawHeaders, 'location');
    if (statusCode === 429 || statusCode === 503) this.retryAfter = findHeader(rawHeaders, 'retry-after');
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.bytes += chunk.byteLength;
    if (this.bytes > this.maxBodyBytes && !this.stopped) {
      this.stopped = new Stop('cap');
      this.abort?.(this.stopped);
    }
    return true;
  }

  onComplete(): void {
    this.finish(this.answer());
  }

  onError(err: Error): void {
    if (this.stopped?.why === 'cap') return this.finish(this.answer());
    if (!this.done && this.closedWhileReused(err)) {
      this.retried = true;
      this.abort = undefined;
      return this.sendFresh(this);
    }
    const timedOut = this.stopped?.why === 'deadline';
    const c = classifyError(err, this.timeoutMs, timedOut);
    const out: PushAnswer = {
      status: 0,
      outcome: c.outcome,
      latencyUs: c.outcome === 'deadline' ? this.timeoutMs * 1000 : this.elapsedUs(),
      detail: c.detail,
    };
    if (c.unreachable) out.unreachable = true;
    this.finish(out);
  }

  /** The status the handler sent (the body does not matter, HANDLER-5). */
  private answer(): PushAnswer {
    const status = this.status;
    const latencyUs = this.elapsedUs();
    if (latencyUs > this.timeoutMs * 1000) {
      return {
        status: 0,
        outcome: 'deadline',
        latencyUs: this.timeoutMs * 1000,
        detail: `timed out after ${formatMs(this.timeoutMs)} (answered ${status} too late)`,
      };
    }
    if (this.stopped?.why === 'cap') {
      return {
        status: 0,
        outcome: 'deadline',
        latencyUs: this.timeoutMs * 1000,
        bodyBytes: this.bytes,
        detail:
          `answered ${status} but the body had not ended after ${this.bytes} bytes; tasksim stopped reading. ` +
          'The queue waits for the whole response, so a body that never ends fails the attempt at its deadline (DEADLINE-2)',
      };
    }
    const out: PushAnswer = { status, outcome: outcomeOfStatus(status), latencyUs, bodyBytes: this.bytes };
    const retryAfterMs = this.retryAfter === undefined ? undefined : parseRetryAfter(this.retryAfter, Date.now());
    if (retryAfterMs !== undefined) out.retryAfterUs = retryAfterMs * US_PER_MS; // CT-5
    if (this.retried) out.detail = 'sent again on a fresh connection: the reused one closed before any response byte';
    if (status >= 300 && status < 400)
      out.detail = `redirect${this.location ? ` to ${this.location}` : ''} not followed (PUSH-6)`;
    return out;
  }
}

/** Retry-After (RFC 9110 §10.2.3): delta-seconds or an HTTP date; ms from `nowMs`, or undefined when malformed. */
export function parseRetryAfter(value: string, nowMs: number): number | undefined {
  const v = value.trim();
  if (/^[0-9]+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** The body undici sends: the payload, none for a bodiless GET/HEAD, else an empty one (Content-Length: 0). */
function requestBody(d: Pick<Delivery, 'body' | 'method'>): Uint8Array | string | null {
  if (d.body && d.body.byteLength > 0) return d.body;
  return d.method === 'GET' || d.method === 'HEAD' ? null : '';
}

/** undici takes a flat [name, value, …] list without re-walking an object per request. */
function flatHeaders(h: Record<string, string>): string[] {
  const out: string[] = [];
  for (const k in h) out.push(k, h[k]);
  return out;
}

/** A header's value from undici's raw [name, value, …] buffers (names case-insensitive). */
function findHeader(raw: Buffer[], name: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2)
    if (raw[i].toString('latin1').toLowerCase() === name) return raw[i + 1].toString('latin1');
  return undefined;
}
