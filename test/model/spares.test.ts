/**
 * A finished engine's parts serve the next engine (spares.ts): a part given back must be as good as
 * new, or one fuzz run's state would leak into the next as a false verdict.
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/model/engine.js';
import {
  giveBackKeyHeap,
  giveBackReadyQueue,
  giveBackTaskTable,
  takeKeyHeap,
  takeReadyQueue,
  takeTaskTable,
} from '../../src/model/spares.js';
import { TaskTable } from '../../src/model/task.js';
import { KeyHeap } from '../../src/sim/key-heap.js';
import { ReadyQueue } from '../../src/sim/ready-queue.js';
import { S, always, makeEngine, pullQueue, pushQueue, runToEnd } from '../helpers/engine.js';

/** Every column of a table, row by row, as plain numbers. */
function columns(t: TaskTable, rows: number): number[][] {
  const cols = [t.eta, t.firstAttempt, t.createdAt, t.firstEta, t.size, t.leaseUntil, t.prevStatus];
  const ints = [t.attempts, t.counted, t.executions, t.leaseVersion, t.queue];
  return [...cols, ...ints].map((c) => Array.from(c.subarray(0, rows)));
}

/** Pops everything: the ids in the order they come out. */
function drain(q: { size: number; pop(): number }): number[] {
  const out: number[] = [];
  while (q.size > 0) out.push(q.pop());
  return out;
}

describe('spare parts of finished engines', () => {
  it('a task table given back reads as a new one: every row zero (not live, no attempt), no name, no extra', () => {
    const used = takeTaskTable();
    for (let id = 1; id <= 100; id++) {
      used.add(id, 2, id % 3 === 0 ? `user-${id}` : null, 5 * S, 7 * S, 10, id % 2 === 0, { tag: 'red' });
      used.attempts[id] = 3;
      used.counted[id] = 2;
      used.executions[id] = 1;
      used.leaseVersion[id] = 4;
      used.prevStatus[id] = 503;
      used.setPrevOutcome(id, 'error');
      if (id % 5 === 0) used.markDone(id);
    }
    giveBackTaskTable(used);
    const taken = takeTaskTable();
    const fresh = new TaskTable();
    const rows = Math.min(taken.rows, fresh.rows);
    expect(columns(taken, rows)).toEqual(columns(fresh, rows));
    for (const id of [1, 2, 3, 5, 100]) {
      expect(taken.isLive(id)).toBe(false);
      expect(taken.isDone(id)).toBe(false);
      expect(taken.failFast(id)).toBe(false);
      expect(taken.prevOutcome(id)).toBeNull(); // HDR-6: no previous response
      expect(taken.userName(id)).toBeUndefined(); // TASK-1: the old user names are gone
      expect(taken.extra(id)).toBeUndefined();
    }
  });

  it('a ready queue and a heap given back with entries still waiting come back empty, popping in (time, seq) order', () => {
    const q = takeReadyQueue();
    const h = takeKeyHeap();
    for (let i = 1; i <= 50; i++) {
      q.push(i, (i % 7) * S, i); // several lanes and the heap
      h.push(i, (i % 5) * S, i);
    }
    q.pop();
    h.pop();
    giveBackReadyQueue(q);
    giveBackKeyHeap(h);
    const q2 = takeReadyQueue();
    const h2 = takeKeyHeap();
    expect(q2.size).toBe(0);
    expect(q2.peek()).toBe(-1);
    expect(h2.size).toBe(0);
    expect(h2.peek()).toBe(-1);
    // Keys out of order, ties on time broken by seq: the order is by (time, seq) alone (PUSH-5).
    const keys = [
      [11, 3 * S, 100],
      [12, 1 * S, 101],
      [13, 3 * S, 99],
      [14, 0, 102],
      [15, 1 * S, 98],
    ] as const;
    const fresh = new ReadyQueue();
    const freshHeap = new KeyHeap();
    for (const [id, t, seq] of keys) {
      q2.push(id, t, seq);
      h2.push(id, t, seq);
      fresh.push(id, t, seq);
      freshHeap.push(id, t, seq);
    }
    const expected = [14, 15, 12, 13, 11];
    expect(drain(q2)).toEqual(expected);
    expect(drain(h2)).toEqual(expected);
    expect(drain(fresh)).toEqual(expected);
    expect(drain(freshHeap)).toEqual(expected);
  });

  it('an engine built after a recycled one, left mid-run, writes the trace it writes alone', async () => {
    const queues = [pushQueue('a', { ratePerSec: 5, bucketSize: 2 }), pullQueue('p')];
    const scenario = async (): Promise<{ lines: string[]; engine: Engine }> => {
      const te = makeEngine({ queues, seed: 9, service: always(503) });
      const e = te.engine;
      e.addTasks('a', [{ name: 'x' }, {}, { countdownUs: 2 * S }]);
      e.addTasks('p', [{ name: 'y', tag: 'red' }, {}]);
      e.advanceTo(1 * S);
      e.leaseTasks('p', { worker: 'w', leaseSeconds: 5, maxTasks: 1 });
      e.deleteTask('a', 'x');
      await runToEnd(te, { untilUs: 60 * S });
      return { lines: te.events.map((ev) => JSON.stringify(ev)), engine: e };
    };
    const alone = await scenario();
    // A messy engine: named tasks, tasks waiting in every queue, a lease held, retries pending.
    const messy = makeEngine({ queues, seed: 3, service: always(500) }).engine;
    messy.addTasks('a', [{ name: 'x' }, { name: 'z' }, {}, { countdownUs: 9 * S }]);
    messy.addTasks('p', [{ name: 'y' }, { tag: 'red' }, {}]);
    messy.advanceTo(2 * S);
    messy.leaseTasks('p', { worker: 'm', leaseSeconds: 30, maxTasks: 2 });
    messy.recycle();
    messy.recycle(); // a second call gives nothing back twice
    alone.engine.recycle();
    const after = await scenario();
    expect(after.lines).toEqual(alone.lines);
    expect(after.lines.some((l) => l.includes('"e":"retry"'))).toBe(true); // it got as far as RETRY-4's backoff
  });
});
