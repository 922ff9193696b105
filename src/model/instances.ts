/**
 * INST-1…3: the instances behind a push target. An attempt needs a free slot on a running
 * instance; a new instance may be started (cold start) unless the task is FailFast; with none to
 * be had the attempt fails before reaching the handler.
 */
import type { ServiceModel } from './types.js';
import type { Micros } from '../sim/time.js';

interface Instance {
  readyAt: Micros;
  inUse: number;
}

export type Acquired = { ok: true; instance: number; readyAt: Micros } | { ok: false };

export class InstancePool {
  private readonly instances: Instance[] = [];
  outage = false;

  constructor(private readonly model: ServiceModel) {
    const warm = Math.min(model.minInstances, model.maxInstances);
    for (let i = 0; i < Math.max(1, warm) && i < model.maxInstances; i++) this.instances.push({ readyAt: 0, inUse: 0 });
    // With no warm instance configured, the first one still has to start cold.
    if (warm === 0 && this.instances.length > 0) this.instances[0].readyAt = model.coldStartUs;
  }

  get count(): number {
    return this.instances.length;
  }

  /** Finds a slot: a running instance first, then (unless FailFast, INST-3) one starting or a new one. */
  acquire(now: Micros, failFast: boolean): Acquired {
    if (this.outage) return { ok: false };
    const cap = this.model.concurrencyPerInstance;
    let starting = -1;
    for (let i = 0; i < this.instances.length; i++) {
      const inst = this.instances[i];
      if (inst.inUse >= cap) continue;
      if (inst.readyAt <= now) {
        inst.inUse++;
        return { ok: true, instance: i, readyAt: now };
      }
      if (starting < 0) starting = i;
    }
    if (failFast) return { ok: false };
    if (starting >= 0) {
      this.instances[starting].inUse++;
      return { ok: true, instance: starting, readyAt: this.instances[starting].readyAt };
    }
    if (this.instances.length < this.model.maxInstances) {
      const readyAt = now + this.model.coldStartUs;
      this.instances.push({ readyAt, inUse: 1 });
      return { ok: true, instance: this.instances.length - 1, readyAt };
    }
    return { ok: false };
  }

  release(instance: number): void {
    this.instances[instance].inUse--;
  }
}
