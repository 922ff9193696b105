/** Hand-built scenes for the commands that aim when they run: a task book and the model's view of it. */
import { SideState } from '../../src/fuzz/model-state.js';
import { TaskBook, type TaskEntry } from '../../src/fuzz/task-book.js';
import type { TraceEvent } from '../../src/sim/events.js';

/** A push or pull task added to the book and reported by the model, as the harness does. */
export function added(
  book: TaskBook,
  state: SideState,
  q: string,
  name: string,
  named: boolean,
  eta: number,
): TaskEntry {
  const mode = q === 'pull' ? 'pull' : 'push';
  const e = book.add({ q, mode, named, names: { model: name, sut: name }, eta, addedAt: 0, size: 0 });
  absorb(state, { t: 0, e: 'add', id: e.key, q, name, named, eta, size: 0 });
  return e;
}

/** One event the model reported. */
export function absorb(state: SideState, ev: TraceEvent): void {
  state.absorb([ev], 0);
}

/** An empty book and the model's view of it. */
export function emptyScene(): { book: TaskBook; state: SideState } {
  const book = new TaskBook();
  return { book, state: new SideState('model', book) };
}
