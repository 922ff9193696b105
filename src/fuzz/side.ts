/**
 * One queue the harness drives (the model, or the queue under test) and everything the harness's
 * handler saw of it. The handler is where deliveries are observed: what arrived, when, with which
 * headers, and what the harness answered (chosen by behaviour.ts, the same for both sides).
 */
import type { PushAnswer, PushHandler, PushRequest, QueueUnderTest } from '../adapters/contract.js';
import { fromHttpHeaders } from '../model/headers.js';
import type { DeliveryHeaders } from '../sim/events.js';
import type { Micros } from '../sim/time.js';
import { answerFor, chooseKind, type Behaviour } from './behaviour.js';
import type { SideName, TaskBook } from './task-book.js';

/** One delivery as the handler saw it. */
export interface Seen {
  /** Dispatch time: the queue's virtual time, or wall µs since reset. */
  t: Micros;
  /** The harness's task key; undefined when the headers name no task the harness added (HDR-1/2). */
  key: number | undefined;
  /** The nth delivery of this task the handler saw (1-based); the answer depends on it. */
  nth: number;
  h: DeliveryHeaders;
  method: string;
  url: string;
  body: string;
  answer: PushAnswer;
  /** Arrival order, for stable sorting. */
  seq: number;
  /** Wall clock: when the answer went back (undefined while the handler is still answering). */
  answeredAt?: Micros;
}

export interface HandlerContext {
  seed: number;
  deadlineUs: Micros;
  /** Answers kept short (behaviour.ts): the queue under test runs on the wall clock. */
  realTime: boolean;
  /** The queue lacks `latency`: every answer but a missed deadline takes no virtual time, on both sides. */
  instantAnswers?: boolean;
  /** The behaviour that answers the `nth` delivery of task `key`. */
  behaviour(key: number, nth: number): Behaviour;
  /** The harness's clock: virtual µs, or wall µs since the queue's reset. */
  wallNow(): Micros;
  /**
   * Wall clock: while a call to the queue is on its way (Infinity), and for a while after its answer
   * (performance.now() ms), a delivery of a name not in the book may be its add's, overtaking the answer.
   */
  callsSettleAtMs?(): number;
}

/** A delivery of an unknown name is never held longer than this, whatever is in flight (every call has its own timeout). */
const RESOLVE_CAP_MS = 30_000;

export interface SideOptions {
  /**
   * The queue runs on the wall clock: a delivery's time is when it arrived (wallNow), whatever the
   * queue says, and the answer really takes its latency (≤ 20 ms on the wall clock).
   */
  wall?: boolean;
  /** Wall clock: how long to wait for the harness to learn a task's name (its add still on the way back). */
  resolveWithinMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Side {
  readonly log: Seen[] = [];
  private readonly nth = new Map<number, number>();
  /** Start of the current step in `log`. */
  mark = 0;
  readonly handler: PushHandler;

  constructor(
    readonly side: SideName,
    readonly queue: QueueUnderTest,
    private readonly book: TaskBook,
    private readonly ctx: HandlerContext,
    private readonly opts: SideOptions = {},
  ) {
    this.handler = opts.wall
      ? (req) => this.receiveOnWall(req)
      : (req) => this.receive(req, req.atUs ?? ctx.wallNow()).answer;
  }

  /** Deliveries of task `key` seen so far. */
  seen(key: number): number {
    return this.nth.get(key) ?? 0;
  }

  /** The task the headers name: by queue and name, or (a wrong QueueName, HDR-1) by the name alone. */
  private keyOf(h: DeliveryHeaders): number | undefined {
    return this.book.keyOf(this.side, h.qn, h.tn) ?? this.book.keyByNameOnly(this.side, h.tn);
  }

  /**
   * On the wall clock a delivery may overtake the answer to the add that made it: its name is not in
   * the book yet. It waits (briefly, bounded) for the harness to record the add, then is answered.
   */
  private async receiveOnWall(req: PushRequest): Promise<PushAnswer> {
    const t = this.ctx.wallNow();
    const h = fromHttpHeaders(req.headers);
    const arrived = performance.now();
    const within = this.opts.resolveWithinMs ?? 250;
    // Its add's answer may be later than any fixed bound on a loaded machine: wait while a call is
    // out, and `within` after its answer (and after arriving), never past the cap.
    const waiting = (): boolean => {
      const now = performance.now();
      if (now >= arrived + RESOLVE_CAP_MS) return false;
      return now < arrived + within || now < (this.ctx.callsSettleAtMs?.() ?? 0) + within;
    };
    // By queue and name only while waiting: the name alone may be another queue's older task.
    while (this.book.keyOf(this.side, h.qn, h.tn) === undefined && waiting()) await sleep(2);
    const seen = this.receive(req, t);
    if (seen.answer.latencyUs > 0) await sleep(seen.answer.latencyUs / 1000);
    seen.answeredAt = this.ctx.wallNow();
    return seen.answer;
  }

  /** The latest delivery of task `key` seen. */
  last(key: number): Seen | undefined {
    for (let i = this.log.length - 1; i >= 0; i--) if (this.log[i].key === key) return this.log[i];
    return undefined;
  }

  private receive(req: PushRequest, t: Micros): Seen {
    const h = fromHttpHeaders(req.headers);
    const key = this.keyOf(h);
    const nth = key === undefined ? 1 : (this.nth.get(key) ?? 0) + 1;
    if (key !== undefined) this.nth.set(key, nth);
    const { ctx } = this;
    // An unknown task gets a plain 200 so the queue can finish with it; the comparison reports it.
    const kind =
      key === undefined ? 'ok' : chooseKind(ctx.behaviour(key, nth), ctx.seed, this.book.get(key)!.answerId, nth);
    const given = answerFor(kind, ctx.deadlineUs, ctx.realTime);
    const answer = ctx.instantAnswers && given.outcome !== 'deadline' ? { ...given, latencyUs: 0 } : given;
    const seen: Seen = {
      t,
      key,
      nth,
      h,
      method: req.method === 'POST' ? 'POST' : req.method.toUpperCase(),
      url: req.url,
      body: bodyText(req.body),
      answer,
      seq: this.log.length,
    };
    this.log.push(seen);
    return seen;
  }

  /**
   * Deliveries since the last `step()` and starts a new step: `arrival` in the order they came (for
   * the trace: what the queue did within an instant), `sorted` by (time, task, nth) for comparing.
   */
  step(): { arrival: Seen[]; sorted: Seen[] } {
    const arrival = this.log.slice(this.mark);
    this.mark = this.log.length;
    return { arrival, sorted: arrival.slice().sort(bySeen) };
  }
}

/** The body as text, read through a view (not a copy); most deliveries carry none. */
function bodyText(body: Uint8Array | undefined): string {
  if (!body || body.byteLength === 0) return '';
  if (body.byteLength <= SHORT_BODY && isAscii(body))
    return String.fromCharCode.apply(null, body as unknown as number[]);
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
}

/** Up to this many bytes an ASCII body is read in JavaScript: no call into the runtime for a short payload. */
const SHORT_BODY = 64;

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 127) return false;
  return true;
}

/**
 * Within one instant the order of arrival is not compared: an HTTP queue may send simultaneous
 * deliveries concurrently. Across instants, time decides.
 */
export function bySeen(a: Seen, b: Seen): number {
  return a.t - b.t || (a.key ?? 0) - (b.key ?? 0) || a.nth - b.nth || a.seq - b.seq;
}
