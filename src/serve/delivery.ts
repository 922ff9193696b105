/**
 * Where serve's deliveries go: real HTTP through the project's HttpTarget (undici, a connect timeout,
 * one deadline per exchange, a response body cap), one target per origin. App Engine tasks were given
 * the `--appengine-host` origin when they were created; HTTP tasks carry their own URL. Nothing else is
 * ever contacted.
 */
import type { PushAnswer, PushRequest } from '../sim/exchange.js';
import { US_PER_MS } from '../sim/time.js';
import { HttpTarget } from '../targets/http-target.js';
import type { Delivery } from '../model/types.js';

/** Origins kept open at once; past it the least recently opened is closed (bounded resources). */
const MAX_ORIGINS = 64;

export class Deliveries {
  private readonly targets = new Map<string, HttpTarget>();

  /** The PushHandler the engine's driver calls: never throws; failures are outcomes (HANDLER-2). */
  readonly send = async (req: PushRequest): Promise<PushAnswer> => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return { status: 0, outcome: 'net', latencyUs: 0 };
    }
    const target = this.targetFor(url.origin);
    const d = { url: url.href, method: req.method, headers: req.headers, body: req.body } as Delivery;
    // The attempt's deadline (CT-2 dispatchDeadline or DEADLINE-1), as the request carries it.
    const timeoutMs = Math.max(1, req.deadlineUs !== undefined ? req.deadlineUs / US_PER_MS : 600_000);
    const r = await target.deliver(d, { timeoutMs });
    const answer: PushAnswer = { status: r.status, outcome: r.outcome, latencyUs: r.latencyUs };
    if (r.retryAfterUs !== undefined) answer.retryAfterUs = r.retryAfterUs; // CT-5
    return answer;
  };

  private targetFor(origin: string): HttpTarget {
    let t = this.targets.get(origin);
    if (!t) {
      if (this.targets.size >= MAX_ORIGINS) {
        const [oldest, target] = this.targets.entries().next().value as [string, HttpTarget];
        this.targets.delete(oldest);
        void target.close();
      }
      t = new HttpTarget(origin, { connections: 32 });
      this.targets.set(origin, t);
    }
    return t;
  }

  async close(): Promise<void> {
    await Promise.all([...this.targets.values()].map((t) => t.close()));
    this.targets.clear();
  }
}
