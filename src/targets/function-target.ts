/**
 * FunctionTarget: a JavaScript handler run in-process, its timers on the virtual clock
 * (@sinonjs/fake-timers). Deadlines are virtual (DEADLINE-1/2): a handler that awaits a 20-minute
 * setTimeout misses the 10-minute automatic deadline at once. Real waits (I/O the handler awaits)
 * advance the virtual clock by the real time they take, and are capped so nothing hangs.
 */
import type { Delivery } from '../model/types.js';
import { acquireClock, releaseClock } from './virtual-clock.js';
import { formatMs } from './net-errors.js';
import { realNow, realSleep, realYield } from './real-timers.js';
import type { PushAnswer, PushRequest } from '../sim/exchange.js';
import { outcomeOfStatus, type DeliverOptions, type Target } from './types.js';

/** What an in-process handler receives: the one request type, its body always there (empty when none). */
export type HandlerRequest = PushRequest & { body: Uint8Array };

/** What an in-process handler returns: a status; a body is ignored, as the queue ignores it (HANDLER-5). */
export type HandlerReply = Pick<PushAnswer, 'status'> & { body?: unknown };

export type HandlerFunction = (req: HandlerRequest) => Promise<HandlerReply> | HandlerReply;

export interface FunctionTargetOptions {
  /** Real milliseconds a delivery may spend waiting on things outside the fake clock. Default 30 s. */
  realCapMs?: number;
  /** Virtual-timer steps per delivery before giving up (a handler that keeps scheduling timers). */
  maxSteps?: number;
}

interface Settled {
  atMs: number;
  reply?: unknown;
  error?: unknown;
}

export class FunctionTarget implements Target {
  readonly description: string;
  private readonly realCapMs: number;
  private readonly maxSteps: number;
  private holdsClock = false;
  private closed = false;

  constructor(
    private readonly handler: HandlerFunction,
    opts: FunctionTargetOptions = {},
  ) {
    this.description = `function ${handler.name || '(anonymous)'}`;
    this.realCapMs = opts.realCapMs ?? 30_000;
    this.maxSteps = opts.maxSteps ?? 100_000;
  }

  async deliver(d: Delivery, opts: DeliverOptions): Promise<PushAnswer> {
    if (this.closed) return { status: 0, outcome: 'net', latencyUs: 1, detail: 'target closed' };
    if (!this.holdsClock) {
      acquireClock();
      this.holdsClock = true;
    }
    const clock = acquireClock(); // a hold for this delivery, so close() mid-flight cannot pull the clock away
    try {
      return await this.run(clock, d, opts.timeoutMs);
    } finally {
      releaseClock();
    }
  }

  private async run(clock: ReturnType<typeof acquireClock>, d: Delivery, timeoutMs: number): Promise<PushAnswer> {
    const start = clock.now;
    const deadlineAt = start + timeoutMs;
    let settled: Settled | undefined;
    const req: HandlerRequest = {
      method: d.method,
      url: d.url,
      headers: lowerCase(d.headers),
      body: d.body ?? new Uint8Array(0),
    };
    Promise.resolve()
      .then(() => this.handler(req))
      .then(
        (reply) => (settled = { atMs: clock.now, reply }),
        (error) => (settled = { atMs: clock.now, error }),
      );
    const realStart = realNow();
    let steps = 0;
    let why = `no answer within ${formatMs(timeoutMs)} (virtual time)`;
    // Bounded: each pass either settles, jumps virtual time to the next timer, or spends real time.
    for (;;) {
      await realYield();
      if (settled || clock.now >= deadlineAt) break;
      if (++steps > this.maxSteps) {
        why = `gave up after ${this.maxSteps} timer steps (the handler keeps scheduling timers)`;
        break;
      }
      if (clock.countTimers() > 0) {
        clock.next(); // warp: the handler's next timer fires now
        continue;
      }
      // Nothing on the virtual clock: the handler awaits something real; let real time count too.
      if (realNow() - realStart > this.realCapMs) {
        why = `no answer after ${formatMs(this.realCapMs)} of real time (the handler awaits something outside the fake clock)`;
        break;
      }
      const before = realNow();
      await realSleep(1);
      clock.tick(Math.min(Math.max(0, Math.round(realNow() - before)), deadlineAt - clock.now));
    }
    const s = settled as Settled | undefined;
    if (!s || s.atMs > deadlineAt) {
      return {
        status: 0,
        outcome: 'deadline',
        latencyUs: timeoutMs * 1000,
        detail: s ? `answered after ${formatMs(s.atMs - start)}, past the ${formatMs(timeoutMs)} deadline` : why,
      };
    }
    const latencyUs = Math.max(1, Math.round((s.atMs - start) * 1000));
    if ('error' in s) {
      const msg = s.error instanceof Error ? s.error.message : String(s.error);
      return { status: 500, outcome: 'error', latencyUs, detail: `handler threw: ${msg}` };
    }
    const status = (s.reply as HandlerReply | undefined)?.status;
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
      return {
        status: 500,
        outcome: 'error',
        latencyUs,
        detail: `handler returned no valid status (got ${JSON.stringify(status)})`,
      };
    }
    return { status, outcome: outcomeOfStatus(status), latencyUs };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.holdsClock) releaseClock();
    this.holdsClock = false;
  }
}

function lowerCase(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}
