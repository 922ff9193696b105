/** Mutants of pull queues: leases that are not exclusive, never expire, ignore tags; deletes that do nothing (PULL-3/4/6/7). */
import type { MutantParts } from './decorator.js';

/** PULL-3: a lease call also hands out tasks other leases still hold. */
export function leaseNotExclusive(): MutantParts {
  const held = new Map<string, number>();
  return {
    hooks: { reset: () => held.clear() },
    calls: {
      leaseTasks: async ({ reference }, queue, spec) => {
        const r = await reference.leaseTasks(queue, spec);
        if (!r.ok) return r;
        const tasks = r.tasks.slice();
        for (const [slot, until] of held) {
          const [q, name] = slot.split('\u0000');
          if (tasks.length >= spec.maxTasks) break;
          if (q === queue && until > reference.nowUs && !tasks.some((t) => t.name === name))
            tasks.push({ name, leaseUntilUs: until });
        }
        for (const t of r.tasks) held.set(`${queue}\u0000${t.name}`, t.leaseUntilUs);
        return { ...r, tasks };
      },
    },
  };
}

/** PULL-4: a task whose lease expired is never leased again. */
export function leaseExpiryIgnored(): MutantParts {
  const seen = new Set<string>();
  return {
    hooks: { reset: () => seen.clear() },
    calls: {
      leaseTasks: async ({ reference }, queue, spec) => {
        const r = await reference.leaseTasks(queue, spec);
        if (!r.ok) return r;
        const fresh = r.tasks.filter((t) => !seen.has(`${queue}\u0000${t.name}`));
        for (const t of r.tasks) seen.add(`${queue}\u0000${t.name}`);
        return { ...r, tasks: fresh };
      },
    },
  };
}

/** PULL-6: lease_tasks_by_tag ignores the tag. */
export function leaseByTagIgnoresTag(): MutantParts {
  return {
    calls: {
      leaseTasks: ({ reference }, queue, spec) => {
        const { tag: _t, byTag: _b, ...rest } = spec;
        return reference.leaseTasks(queue, rest);
      },
    },
  };
}

/** PULL-7: deleting a pull task is acknowledged and does nothing. */
export function deleteIgnored(): MutantParts {
  return {
    calls: {
      deleteTask: async ({ reference, setup }, queue, name) => {
        if (setup.config.queues.find((q) => q.name === queue)?.mode === 'pull') return { ok: true };
        return reference.deleteTask(queue, name);
      },
    },
  };
}
