import { Refusal } from './errors.js';
import type { Micros } from '../sim/time.js';
import { SYSTEM_NAME_PREFIX } from '../sim/events.js';

/** TASK-1 */
export const TASK_NAME_RE = /^[a-zA-Z0-9_-]{1,500}$/;
export const QUEUE_NAME_RE = /^[a-zA-Z0-9-]{1,100}$/;

/** TASK-3 */
export const LIMITS = {
  pushTaskBytes: 100 * 1024,
  pullTaskBytes: 1024 * 1024,
  tasksPerAdd: 100,
  urlChars: 2083,
  tagBytes: 500,
} as const;

export function checkTaskName(name: string): void {
  const refused = taskNameRefusal(name);
  if (refused) throw refused.error();
}

/** TASK-1's refusal of `name`, or undefined when it is a valid name. */
export function taskNameRefusal(name: string): Refusal | undefined {
  if (TASK_NAME_RE.test(name)) return undefined;
  return new Refusal(
    'TASK-1',
    `invalid task name ${JSON.stringify(name.slice(0, 60))}: must match ${TASK_NAME_RE.source}`,
  );
}

/**
 * TASK-2: a name stays tombstoned for a while after its task is gone (done, exhausted or deleted).
 * Only user-chosen names are buried; system names are unique by construction.
 */
export class Tombstones {
  private readonly until = new Map<string, Micros>();

  constructor(private readonly tombstoneUs: Micros) {}

  check(name: string, now: Micros): void {
    const refused = this.refusal(name, now);
    if (refused) throw refused.error();
  }

  /** TASK-2's refusal of `name` while it is tombstoned at `now`, or undefined (a spent tombstone goes). */
  refusal(name: string, now: Micros): Refusal | undefined {
    const until = this.until.get(name);
    if (until === undefined) return undefined;
    if (now < until) return new Refusal('TASK-2', `task ${name} is tombstoned`, 'TOMBSTONED');
    this.until.delete(name);
    return undefined;
  }

  bury(name: string, now: Micros): void {
    this.until.set(name, now + this.tombstoneUs);
  }
}

/** System-generated names (HDR-2): unique per run; the prefix keeps them apart from typical user names. */
export function systemTaskName(id: number): string {
  return SYSTEM_NAME_PREFIX + id;
}

const SYSTEM_NAME = new RegExp(`^${SYSTEM_NAME_PREFIX}([1-9][0-9]*)$`);

/** The id inside a system-generated name, or undefined. */
export function systemTaskId(name: string): number | undefined {
  const m = SYSTEM_NAME.exec(name);
  return m ? Number(m[1]) : undefined;
}
