/**
 * One queue the harness drives (the model, or the queue under test) and everything the harness's
 * handler saw of it. The handler is where deliveries are observed: what arrived, when, with which
 * headers, and what the harness answered (chosen by behaviour.ts, the same for both sides).
 */
import type { HandlerAnswer, PushHandler, PushRequest, QueueUnderTest } from '../adapters/contract.js';
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
  answer: HandlerAnswer;
  /** Arrival order, for stable sorting. */
  seq: number;
}

export interface HandlerContext {
  seed: number;
  deadlineUs: Micros;
  realTime: boolean;
  behaviour(): Behaviour;
  /** The wall clock for queues that do not report virtual time. */
  wallNow(): Micros;
}

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
    private readonly onSeen?: (s: Seen) => void,
  ) {
    this.handler = (req) => this.receive(req);
  }

  private receive(req: PushRequest): HandlerAnswer {
    const h = fromHttpHeaders(req.headers);
    const key = this.book.keyOf(this.side, h.qn, h.tn) ?? this.book.keyByNameOnly(this.side, h.tn);
    const nth = key === undefined ? 1 : (this.nth.get(key) ?? 0) + 1;
    if (key !== undefined) this.nth.set(key, nth);
    const { ctx } = this;
    // An unknown task gets a plain 200 so the queue can finish with it; the comparison reports it.
    const kind = key === undefined ? 'ok' : chooseKind(ctx.behaviour(), ctx.seed, this.book.get(key)!.answerId, nth);
    const answer = answerFor(kind, ctx.deadlineUs, ctx.realTime);
    const seen: Seen = {
      t: req.atUs ?? ctx.wallNow(),
      key, nth, h,
      method: req.method.toUpperCase(),
      url: req.url,
      body: Buffer.from(req.body).toString('utf8'),
      answer,
      seq: this.log.length,
    };
    this.log.push(seen);
    this.onSeen?.(seen);
    return answer;
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

/**
 * Within one instant the order of arrival is not compared: an HTTP queue may send simultaneous
 * deliveries concurrently. Across instants, time decides.
 */
export function bySeen(a: Seen, b: Seen): number {
  return a.t - b.t || (a.key ?? 0) - (b.key ?? 0) || a.nth - b.nth || a.seq - b.seq;
}
