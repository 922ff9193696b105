/**
 * The harness's own names for tasks. Each accepted add gets a key (1, 2, 3 …) shared by the model and
 * the queue under test; each side may call the task something else (system-generated names differ,
 * HDR-2), so the book maps every side's (queue, name) to the key.
 */
import type { QueueMode } from '../model/config.js';
import type { Micros } from '../sim/time.js';

export type SideName = 'model' | 'sut';

export interface TaskEntry {
  key: number;
  q: string;
  mode: QueueMode;
  named: boolean;
  names: { model?: string; sut?: string };
  /** The ETA asked at add (PUSH-4), µs since the run's zero. */
  eta: Micros;
  addedAt: Micros;
  tag?: string;
  size: number;
  /**
   * What the handler's answers are keyed by: the queue and name, or the queue and the ordinal of
   * unnamed adds to it. Not the key: removing an unrelated add while shrinking must not change the
   * answers this task gets.
   */
  answerId: number;
}

export class TaskBook {
  readonly tasks: TaskEntry[] = [];
  /** Per side, per queue, name → key (nested: a lookup per delivery and per event builds no joined string). */
  private readonly byName = {
    model: new Map<string, Map<string, number>>(),
    sut: new Map<string, Map<string, number>>(),
  };
  /** Each queue's unnamed tasks, in the order they were added. */
  private readonly unnamed = new Map<string, TaskEntry[]>();

  add(entry: Omit<TaskEntry, 'key' | 'answerId'>): TaskEntry {
    const list = entry.named ? undefined : this.unnamedList(entry.q);
    const identity = list ? `${entry.q}/#${list.length + 1}` : `${entry.q}/${entry.names.model ?? entry.names.sut}`;
    // Built field by field (not spread): the book gets an entry per add of every run.
    const e: TaskEntry = {
      key: this.tasks.length + 1,
      q: entry.q,
      mode: entry.mode,
      named: entry.named,
      names: entry.names,
      eta: entry.eta,
      addedAt: entry.addedAt,
      size: entry.size,
      answerId: fnv1a(identity),
    };
    if (entry.tag !== undefined) e.tag = entry.tag;
    this.tasks.push(e);
    list?.push(e);
    const { model, sut } = e.names;
    if (model !== undefined) names(this.byName.model, e.q).set(model, e.key);
    if (sut !== undefined) names(this.byName.sut, e.q).set(sut, e.key);
    return e;
  }

  private unnamedList(q: string): TaskEntry[] {
    let list = this.unnamed.get(q);
    if (list === undefined) {
      list = [];
      this.unnamed.set(q, list);
    }
    return list;
  }

  get(key: number): TaskEntry | undefined {
    return this.tasks[key - 1];
  }

  /** The key of a side's task; a named task may be re-added after its tombstone, so the latest wins. */
  keyOf(side: SideName, q: string, name: string): number | undefined {
    return (side === 'model' ? this.byName.model : this.byName.sut).get(q)?.get(name);
  }

  /** By name alone, when the queue header is wrong: unique across queues or nothing. */
  keyByNameOnly(side: SideName, name: string): number | undefined {
    let found: number | undefined;
    for (const e of this.tasks) {
      if (e.names[side] !== name) continue;
      if (found !== undefined && this.tasks[found - 1].q !== e.q) return undefined;
      found = e.key;
    }
    return found;
  }

  /** The k-th (mod count) unnamed task added to `q`: a target that survives shrinking elsewhere. */
  unnamedIn(q: string, k: number): TaskEntry | undefined {
    const list = this.unnamed.get(q);
    return list === undefined || list.length === 0 ? undefined : list[k % list.length];
  }

  /** The latest task named `name` in `q`, on either side. */
  findByName(q: string, name: string): TaskEntry | undefined {
    const key = this.keyOf('model', q, name) ?? this.keyOf('sut', q, name);
    return key === undefined ? undefined : this.get(key);
  }

  label(key: number | undefined): string {
    const e = key === undefined ? undefined : this.get(key);
    return e ? `${e.q}/${e.names.model ?? e.names.sut ?? `#${e.key}`}` : 'unknown task';
  }
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function names(byQueue: Map<string, Map<string, number>>, q: string): Map<string, number> {
  let m = byQueue.get(q);
  if (m === undefined) {
    m = new Map();
    byQueue.set(q, m);
  }
  return m;
}
