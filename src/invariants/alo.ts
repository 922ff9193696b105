/**
 * INV-ALO: at an `end` with reason 'idle', every push task on a queue that is not paused has
 * succeeded, been exhausted (RETRY-5) or been deleted; anything else was lost (HANDLER-4). Pull tasks
 * still queued are the workers' business and are only counted; so are tasks of paused queues (PUSH-8).
 * A trace that ends for another reason, or never ends, cannot decide the tasks still live.
 */
import type { EndEvent } from '../sim/events.js';
import { IN_FLIGHT, RESPONDED, WAITING, isLive } from './task-table.js';
import { outcomeName, type TraceState } from './trace-state.js';
import { Tally, type Checker, type InvariantResult } from './types.js';

export class AloChecker implements Checker {
  readonly inv = 'INV-ALO' as const;
  private readonly tally = new Tally(this.inv);
  private end: EndEvent | undefined;
  private pullLeft = 0;
  private pausedLeft = 0;
  private undecided = 0;

  constructor(private readonly st: TraceState) {}

  onEnd(ev: EndEvent): void {
    if (this.end !== undefined) return;
    this.end = ev;
    const { st, tally } = this;
    const tasks = st.tasks;
    if (ev.reason !== 'idle') {
      for (let id = 1; id <= tasks.maxId; id++) if (isLive(tasks.phase(id))) this.undecided++;
      return;
    }
    tally.checked = tasks.added;
    for (let id = 1; id <= tasks.maxId; id++) {
      const phase = tasks.phase(id);
      if (!isLive(phase)) continue;
      const info = st.taskQueue(id);
      if (info.mode === 'pull') this.pullLeft++;
      else if (info.paused) this.pausedLeft++;
      else if (tally.count()) {
        tally.keep(
          'HANDLER-4',
          ev.t,
          id,
          info.name,
          `task ${id} at the idle end`,
          'delivered with 2xx, exhausted or deleted',
          this.lastState(id, phase),
        );
      }
    }
  }

  private lastState(id: number, phase: number): string {
    const st = this.st;
    const n = st.n.get(id);
    if (phase === WAITING)
      return n === 0
        ? `never dispatched (eta ${st.eta.get(id)})`
        : `retry ${n} scheduled for ${st.eta.get(id)}, never dispatched`;
    if (phase === IN_FLIGHT) return `attempt ${n} dispatched, no response`;
    if (phase === RESPONDED)
      return `attempt ${n} answered '${outcomeName(st.lastOut.get(id))}' (status ${st.lastStatus.get(id)}), nothing followed`;
    return 'unknown';
  }

  result(): InvariantResult {
    const notes: string[] = [];
    if (this.end === undefined) notes.push('the trace has no end event: lost tasks cannot be told from pending ones');
    else if (this.end.reason !== 'idle')
      notes.push(`the trace ended by ${this.end.reason}: ${this.undecided} live tasks undecided`);
    if (this.pullLeft > 0) notes.push(`${this.pullLeft} pull tasks still queued at the end (not lost)`);
    if (this.pausedLeft > 0) notes.push(`${this.pausedLeft} tasks left on paused queues (PUSH-8)`);
    const note = notes.length > 0 ? notes.join('; ') : undefined;
    const skip = this.end?.reason === 'idle' ? 'no tasks were added' : 'no idle end to judge at-least-once';
    return this.tally.result(note, skip);
  }
}
