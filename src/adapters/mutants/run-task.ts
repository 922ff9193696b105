/** Mutants of RunTask (CT-4). */
import type { MutantParts } from './decorator.js';

/**
 * CT-4: RunTask answers OK for any task the queue holds and leaves it to its schedule; a name it does
 * not hold is refused NOT_FOUND, as the reference refuses it. The queue's pause and a task in flight are
 * not looked at: a RunTask that does nothing has nothing to refuse.
 */
export function runTaskIgnored(): MutantParts {
  /** Tasks the queue holds: queue → name → id, from the reference's own events. */
  const live = new Map<string, Map<string, number>>();
  const byId = new Map<number, { q: string; name: string }>();
  const forget = (id: number): void => {
    const t = byId.get(id);
    if (t === undefined) return;
    byId.delete(id);
    const names = live.get(t.q);
    if (names?.get(t.name) === id) names.delete(t.name);
  };
  return {
    hooks: {
      reset: () => {
        live.clear();
        byId.clear();
      },
      observe: (ev) => {
        if (ev.e === 'add') {
          let names = live.get(ev.q);
          if (names === undefined) live.set(ev.q, (names = new Map()));
          names.set(ev.name, ev.id);
          byId.set(ev.id, { q: ev.q, name: ev.name });
        } else if (ev.e === 'success' || ev.e === 'exhaust' || ev.e === 'delete') {
          forget(ev.id);
        }
      },
    },
    calls: {
      runTask: async (_ctx, queue, name) =>
        live.get(queue)?.has(name)
          ? { ok: true }
          : { ok: false, error: 'NOT_FOUND', message: `no task ${JSON.stringify(name)} in queue ${queue}` },
    },
  };
}
