/** Mutants of pull queues: leases that are not exclusive, never expire, ignore tags; deletes that do nothing (PULL-3/4/6/7). */
import type { LeaseOutcome, LeaseSpec, OpOutcome, RunSetup } from '../contract.js';
import { ReferenceQueue } from '../reference.js';

/** PULL-3: a lease call also hands out tasks other leases still hold. */
export class LeaseNotExclusive extends ReferenceQueue {
  private held = new Map<string, number>();

  override async reset(setup: RunSetup): Promise<void> {
    this.held = new Map();
    await super.reset(setup);
  }

  override async leaseTasks(queue: string, spec: LeaseSpec): Promise<LeaseOutcome> {
    const r = await super.leaseTasks(queue, spec);
    if (!r.ok) return r;
    const tasks = r.tasks.slice();
    for (const [slot, until] of this.held) {
      const [q, name] = slot.split('\u0000');
      if (tasks.length >= spec.maxTasks) break;
      if (q === queue && until > this.nowUs && !tasks.some((t) => t.name === name)) tasks.push({ name, leaseUntilUs: until });
    }
    for (const t of r.tasks) this.held.set(`${queue}\u0000${t.name}`, t.leaseUntilUs);
    return { ...r, tasks };
  }
}

/** PULL-4: a task whose lease expired is never leased again. */
export class LeaseExpiryIgnored extends ReferenceQueue {
  private seen = new Set<string>();

  override async reset(setup: RunSetup): Promise<void> {
    this.seen = new Set();
    await super.reset(setup);
  }

  override async leaseTasks(queue: string, spec: LeaseSpec): Promise<LeaseOutcome> {
    const r = await super.leaseTasks(queue, spec);
    if (!r.ok) return r;
    const fresh = r.tasks.filter((t) => !this.seen.has(`${queue}\u0000${t.name}`));
    for (const t of r.tasks) this.seen.add(`${queue}\u0000${t.name}`);
    return { ...r, tasks: fresh };
  }
}

/** PULL-6: lease_tasks_by_tag ignores the tag. */
export class LeaseByTagIgnoresTag extends ReferenceQueue {
  override leaseTasks(queue: string, spec: LeaseSpec): Promise<LeaseOutcome> {
    const { tag: _t, byTag: _b, ...rest } = spec;
    return super.leaseTasks(queue, rest);
  }
}

/** PULL-7: deleting a pull task is acknowledged and does nothing. */
export class DeleteIgnored extends ReferenceQueue {
  override async deleteTask(queue: string, name: string): Promise<OpOutcome> {
    if (this.config.queues.find((q) => q.name === queue)?.mode === 'pull') return { ok: true };
    return super.deleteTask(queue, name);
  }
}
