/** Mutants of task names (TASK-2). */
import type { MutantParts } from './decorator.js';

/** TASK-2: names are never tombstoned; a deleted or finished name can be added again at once (an engine hook). */
export function noTombstones(): MutantParts {
  return { hooks: { engine: { noTombstones: true } } };
}
