/**
 * ScriptedTarget: answers chosen deliveries itself and passes the rest on (a decorator, like an
 * undici interceptor). Conformance cases use it to inject the failures that put a retried delivery's
 * headers in front of the real handler (HDR-3/4/6/7) without asking the handler to fail.
 */
import type { PushAnswer } from '../sim/exchange.js';
import type { Delivery } from '../model/types.js';
import type { DeliverOptions, Target } from './types.js';
import { outcomeOfStatus } from '../sim/events.js';

/** Returns the scripted answer for a delivery, or undefined to send it to the inner target. */
export type Script = (d: Delivery) => PushAnswer | undefined;

export class ScriptedTarget implements Target {
  readonly description: string;

  constructor(
    private readonly inner: Target | null,
    private readonly script: Script,
  ) {
    this.description = inner ? `${inner.description} (scripted)` : 'scripted';
  }

  async deliver(d: Delivery, opts: DeliverOptions): Promise<PushAnswer> {
    const scripted = this.script(d);
    if (scripted) return scripted;
    if (!this.inner) return { status: 0, outcome: 'net', latencyUs: 1, detail: 'no script for this delivery' };
    return this.inner.deliver(d, opts);
  }

  /** The inner target is the caller's to close. */
  async close(): Promise<void> {}
}

/** A scripted answer: a status as if a handler had sent it, arriving after `latencyUs` of virtual time. */
export function scriptedStatus(status: number, latencyUs = 1_000): PushAnswer {
  return { status, outcome: outcomeOfStatus(status), latencyUs, detail: 'injected by the harness' };
}
