/**
 * The client of a Cloud Tasks emulator's clock control (tasksim serve --control-port, HTTP/JSON):
 * read the clock, move it. Every request has a timeout and every answer a size cap.
 */
import { Agent } from 'undici';
import type { Micros } from '../sim/time.js';
import { exchange } from './http-json-wire.js';

const MAX_CLOCK_ANSWER_BYTES = 64 * 1024;

export interface ClockReading {
  clock: string;
  /** µs since the Unix epoch. */
  nowUs: Micros;
}

/** A clock call that failed; `connect`: no connection could be made (the clock control is unreachable). */
export class ClockCallFailed extends Error {
  constructor(
    message: string,
    readonly connect: boolean,
  ) {
    super(message);
    this.name = 'ClockCallFailed';
  }
}

export class ClockControlClient {
  private readonly agent: Agent;

  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {
    this.agent = new Agent({ connect: { timeout: timeoutMs }, headersTimeout: 0, bodyTimeout: 0 });
  }

  now(): Promise<ClockReading> {
    return this.call('GET', '/clock', this.timeoutMs);
  }

  /** Moves the clock `us` forward; the service delivers everything due on the way before it answers. */
  advance(us: Micros, timeoutMs: number): Promise<ClockReading> {
    return this.call('POST', `/clock/advance?by=${us / 1000}ms`, timeoutMs);
  }

  private async call(method: 'GET' | 'POST', path: string, timeoutMs: number): Promise<ClockReading> {
    const what = `${method} ${this.baseUrl}${path}`;
    const r = await exchange(this.agent, this.baseUrl + path, { method, timeoutMs, cap: MAX_CLOCK_ANSWER_BYTES });
    if (!r.ok) {
      if ('badBody' in r) throw new ClockCallFailed(`${what}: ${r.badBody}`, false);
      // String(): a DOMException (an aborted request's TimeoutError) has a numeric code.
      const code = String(r.code || r.error.name);
      throw new ClockCallFailed(
        r.timedOut ? `${what} did not answer within ${timeoutMs} ms` : `${what} failed: ${code}`,
        !r.timedOut || code.includes('CONNECT'),
      );
    }
    const { status, text } = r;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ClockCallFailed(`${what} answered something that is not JSON: ${text.slice(0, 120)}`, false);
    }
    const o = parsed as { clock?: unknown; nowUs?: unknown; error?: unknown };
    if (status < 200 || status > 299)
      throw new ClockCallFailed(
        `${what} answered HTTP ${status}: ${typeof o.error === 'string' ? o.error : text.slice(0, 120)}`,
        false,
      );
    if (typeof o.clock !== 'string' || typeof o.nowUs !== 'number' || !Number.isSafeInteger(o.nowUs)) {
      throw new ClockCallFailed(`${what} answered no clock reading ({"clock", "nowUs"}): ${text.slice(0, 120)}`, false);
    }
    return { clock: o.clock, nowUs: o.nowUs };
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
