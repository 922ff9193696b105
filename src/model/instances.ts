/**
 * INST-1…3: the instances behind a push target. An attempt needs a free slot on a running instance.
 * INST-3: without FailFast, a request that finds every running instance busy waits — for a slot to
 * free up, for a starting instance, or for a new one (cold start, up to the instance limit) — for at
 * most the service's pending latency, and only then fails as INST-2. Busy instances alone are not
 * an outage. With FailFast it fails at once when no running instance is free. During an outage no
 * instance is available: the request fails at once (the platform answers for the missing instance).
 */
import type { ServiceModel } from './types.js';
import type { Micros } from '../sim/time.js';

interface Instance {
  readyAt: Micros;
  inUse: number;
}

/** One request for a slot; exactly one of its callbacks is called, now or later. */
export interface SlotRequest {
  failFast: boolean;
  /** A slot on `instance`, serving from `readyAt` (later than now while the instance starts). */
  granted(instance: number, readyAt: Micros): void;
  /** No instance could take it in time (INST-2). */
  refused(): void;
}

/** What the pool needs of the engine: the clock and a way to act later. */
export interface PoolClock {
  readonly now: Micros;
  schedule(t: Micros, job: () => void): void;
}

interface Waiter {
  req: SlotRequest;
  done: boolean;
}

/** INST-3's default pending latency, when a service model sets none. */
export const DEFAULT_PENDING_LATENCY_US: Micros = 10_000_000;

export class InstancePool {
  private readonly instances: Instance[] = [];
  /** Requests waiting for a slot, first come first served (INST-3); those before `head` are served. */
  private readonly waiting: Waiter[] = [];
  private head = 0;
  private _outage = false;

  constructor(
    private readonly model: ServiceModel,
    private readonly clock: PoolClock,
  ) {
    const warm = Math.min(model.minInstances, model.maxInstances);
    for (let i = 0; i < Math.max(1, warm) && i < model.maxInstances; i++) this.instances.push({ readyAt: 0, inUse: 0 });
    // With no warm instance configured, the first one still has to start cold.
    if (warm === 0 && this.instances.length > 0) this.instances[0].readyAt = model.coldStartUs;
  }

  get count(): number {
    return this.instances.length;
  }

  get pendingLatencyUs(): Micros {
    return this.model.pendingLatencyUs ?? DEFAULT_PENDING_LATENCY_US;
  }

  get outage(): boolean {
    return this._outage;
  }

  set outage(on: boolean) {
    this._outage = on;
    if (!on) this.serveWaiting();
  }

  /** Finds a slot for `req` now, or has it wait (INST-3); calls one of its callbacks exactly once. */
  acquire(req: SlotRequest): void {
    const now = this.clock.now;
    if (this._outage) return req.refused();
    const running = this.freeRunning(now);
    if (running >= 0) return this.grant(req, running, now);
    if (req.failFast) return req.refused(); // HDR-8 / INST-3: no waiting
    const pending = this.pendingLatencyUs;
    const starting = this.freeStarting(now);
    if (starting >= 0 && this.instances[starting].readyAt - now <= pending) {
      return this.grant(req, starting, this.instances[starting].readyAt);
    }
    if (this.instances.length < this.model.maxInstances) {
      // A new instance; if it starts too slowly for this request, later ones take it as a starting one.
      const readyAt = now + this.model.coldStartUs;
      this.instances.push({ readyAt, inUse: 0 });
      if (this.model.coldStartUs <= pending) return this.grant(req, this.instances.length - 1, readyAt);
    }
    // Wait for a running instance's slot. (A starting instance never serves a waiter: had it been ready
    // within the pending latency, the request would have been given a slot on it above.)
    const waiter: Waiter = { req, done: false };
    this.waiting.push(waiter);
    this.clock.schedule(now + pending, () => {
      if (waiter.done) return;
      waiter.done = true; // skipped when its turn comes
      req.refused(); // INST-3: nothing could serve within the pending latency
    });
  }

  /**
   * The common case of `acquire` without a request object: a free slot on a running instance now,
   * taken and returned, or -1 when `acquire` must decide (an outage, or every running instance busy).
   */
  takeFreeNow(): number {
    if (this._outage) return -1;
    const i = this.freeRunning(this.clock.now);
    if (i >= 0) this.instances[i].inUse++;
    return i;
  }

  release(instance: number): void {
    this.instances[instance].inUse--;
    this.serveWaiting();
  }

  /** Hands free running slots to the requests waiting, in order. */
  private serveWaiting(): void {
    if (this._outage) return;
    const now = this.clock.now;
    while (this.head < this.waiting.length) {
      const waiter = this.waiting[this.head];
      if (waiter.done) {
        this.head++;
        continue;
      }
      const i = this.freeRunning(now);
      if (i < 0) break;
      this.head++;
      waiter.done = true;
      this.grant(waiter.req, i, now);
    }
    if (this.head > 0 && this.head === this.waiting.length) {
      this.waiting.length = 0; // only when there is something to drop: setting a length is a native call
      this.head = 0;
    }
  }

  private grant(req: SlotRequest, instance: number, readyAt: Micros): void {
    this.instances[instance].inUse++;
    req.granted(instance, readyAt);
  }

  private freeRunning(now: Micros): number {
    const cap = this.model.concurrencyPerInstance;
    const instances = this.instances;
    for (let i = 0; i < instances.length; i++) if (instances[i].inUse < cap && instances[i].readyAt <= now) return i;
    return -1;
  }

  private freeStarting(now: Micros): number {
    const cap = this.model.concurrencyPerInstance;
    return this.instances.findIndex((inst) => inst.inUse < cap && inst.readyAt > now);
  }
}
