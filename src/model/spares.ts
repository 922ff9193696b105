/**
 * The containers of finished engines, emptied and kept for the next engines of this thread: a fuzz
 * run makes two engines (the model and the queue under test), and allocating their typed arrays
 * (each a native allocation: the task table, a ready queue per push queue and for the jobs, a heap
 * per pull queue) was a tenth of a run. Only an engine its owner declares finished gives its parts
 * back (Engine.recycle); nothing else changes: a drained ready queue or heap pops in (time, seq)
 * order like a new one, and a cleared task table is zeros like a new one.
 */
import { KeyHeap } from '../sim/key-heap.js';
import { ReadyQueue } from '../sim/ready-queue.js';
import { TaskTable } from './task.js';

/** Of each kind at most this many are kept (a run's engines give back a few each). */
const MAX_SPARES = 16;
/** A task table past this many rows is left to the collector: a spare should stay small. */
const MAX_SPARE_ROWS = 4096;

const readyQueues: ReadyQueue[] = [];
const heaps: KeyHeap[] = [];
const tables: TaskTable[] = [];

export function takeReadyQueue(): ReadyQueue {
  return readyQueues.pop() ?? new ReadyQueue();
}

export function takeKeyHeap(): KeyHeap {
  return heaps.pop() ?? new KeyHeap();
}

export function takeTaskTable(): TaskTable {
  return tables.pop() ?? new TaskTable();
}

export function giveBackReadyQueue(q: ReadyQueue): void {
  if (readyQueues.length >= MAX_SPARES) return;
  while (q.size > 0) q.pop();
  readyQueues.push(q);
}

export function giveBackKeyHeap(h: KeyHeap): void {
  if (heaps.length >= MAX_SPARES) return;
  while (h.size > 0) h.pop();
  heaps.push(h);
}

export function giveBackTaskTable(t: TaskTable): void {
  if (tables.length >= MAX_SPARES || t.rows > MAX_SPARE_ROWS) return;
  t.clear();
  tables.push(t);
}
