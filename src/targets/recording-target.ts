/**
 * RecordingTarget: remembers every exchange (what was sent, what came back, whether it reached the
 * inner target) and the most deliveries it saw in flight at once (PUSH-3). Evidence for verdicts.
 */
import type { PushAnswer } from '../sim/exchange.js';
import type { Delivery } from '../model/types.js';
import type { DeliverOptions, Target } from './types.js';

export interface Exchange {
  delivery: Delivery;
  response: PushAnswer;
}

export class RecordingTarget implements Target {
  readonly description: string;
  readonly exchanges: Exchange[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly inner: Target) {
    this.description = inner.description;
  }

  async deliver(d: Delivery, opts: DeliverOptions): Promise<PushAnswer> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const response = await this.inner.deliver(d, opts);
      this.exchanges.push({ delivery: d, response });
      return response;
    } finally {
      this.inFlight--;
    }
  }

  /** The inner target is the caller's to close. */
  async close(): Promise<void> {}
}
