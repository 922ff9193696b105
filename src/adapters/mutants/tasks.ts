/** Mutants of task names (TASK-2). */
import type { RunSetup } from '../contract.js';
import { ReferenceQueue } from '../reference.js';

/**
 * TASK-2: names are never tombstoned; a deleted or finished name can be added again at once. The
 * engine keeps tombstones in a private map; this mutant reaches in on purpose (a broken queue is
 * the point) and says so loudly if the engine's shape changes.
 */
export class NoTombstones extends ReferenceQueue {
  override async reset(setup: RunSetup): Promise<void> {
    await super.reset(setup);
    const tombstones = (this.engine as unknown as { tombstones?: Map<string, { check: (name: string, now: number) => void }> }).tombstones;
    if (!(tombstones instanceof Map)) throw new Error('mutant no-tombstones: Engine no longer keeps `tombstones` as a Map; update src/adapters/mutants/tasks.ts');
    for (const t of tombstones.values()) t.check = () => {};
  }
}
