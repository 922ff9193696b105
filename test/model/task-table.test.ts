import { describe, expect, it } from 'vitest';
import { TaskTable } from '../../src/model/task.js';

/** A time past 2^31 µs, as a long run reaches: no longer a small integer for the JavaScript engine. */
const LATE = 3_000_000_000;

function add(table: TaskTable, id: number, eta = 0, name: string | null = null): void {
  table.add(id, 0, name, 0, eta, 10, false, null);
}

describe('the task table', () => {
  it('a new task is live, due at its ETA, and has no first attempt yet (RETRY-2: -1) nor failure', () => {
    const table = new TaskTable();
    add(table, 1, 1234);
    expect(table.eta[1]).toBe(1234);
    expect(table.firstEta[1]).toBe(1234);
    expect(table.firstAttempt[1]).toBe(-1);
    expect(table.leaseUntil[1]).toBe(-1);
    expect(table.prevOutcome(1)).toBeNull();
    expect(table.isLive(1)).toBe(true);
    expect(table.isLive(2)).toBe(false); // never added
  });

  it("each task keeps its own state, through the table's growth", () => {
    const table = new TaskTable();
    const ids = [1, 2, 255, 256, 257, 5000, 70_000];
    ids.forEach((id, i) => {
      add(table, id, i, i % 2 === 0 ? `user-${id}` : null);
      table.eta[id] = LATE + i;
      table.firstAttempt[id] = LATE - i;
      table.attempts[id] = i;
      table.setPrevOutcome(id, i % 2 === 0 ? 'error' : 'deadline');
    });
    add(table, 1_000_000); // grows every column past every id above
    ids.forEach((id, i) => {
      expect(table.eta[id]).toBe(LATE + i);
      expect(table.firstAttempt[id]).toBe(LATE - i);
      expect(table.attempts[id]).toBe(i);
      expect(table.prevOutcome(id)).toBe(i % 2 === 0 ? 'error' : 'deadline');
      expect(table.nameOf(id)).toBe(i % 2 === 0 ? `user-${id}` : `auto-${id}`); // HDR-2 system names
      expect(table.isLive(id)).toBe(true);
    });
  });

  it('a duplicate (HANDLER-4) takes the done task’s row: due now, its attempts and failures as they were', () => {
    const table = new TaskTable();
    add(table, 7, 500, 'named');
    table.attempts[7] = 3;
    table.executions[7] = 2;
    table.firstAttempt[7] = 600;
    table.markDone(7);
    expect(table.isLive(7)).toBe(false);
    expect(table.isDup(7)).toBe(false);
    table.markDuplicate(7, LATE);
    expect([table.isDup(7), table.isDone(7), table.eta[7], table.firstEta[7]]).toEqual([true, true, LATE, 500]);
    expect([table.attempts[7], table.executions[7], table.firstAttempt[7]]).toEqual([3, 2, 600]);
    expect(table.nameOf(7)).toBe('named'); // the duplicate is delivered under the task's own name
  });

  it('a released row keeps its columns but no longer holds the name and extras', () => {
    const table = new TaskTable();
    table.add(3, 0, 'mine', 0, 0, 4, true, { tag: 'x', payload: new Uint8Array(4) });
    expect(table.extra(3)?.tag).toBe('x');
    expect(table.failFast(3)).toBe(true);
    table.markDone(3);
    table.release(3);
    expect(table.userName(3)).toBeUndefined();
    expect(table.extra(3)).toBeUndefined();
    expect(table.size[3]).toBe(4);
  });

  it('reserve makes room for a burst at once: every column reaches the id, and earlier rows keep their state', () => {
    const table = new TaskTable();
    add(table, 5, LATE, 'early');
    table.attempts[5] = 2;
    table.reserve(300_000);
    for (const column of [table.eta, table.firstEta, table.attempts, table.executions, table.queue]) {
      expect(column.length).toBeGreaterThan(300_000);
    }
    expect([table.eta[5], table.attempts[5], table.nameOf(5)]).toEqual([LATE, 2, 'early']);
    add(table, 300_000, 7);
    expect([table.eta[300_000], table.isLive(300_000), table.nameOf(300_000)]).toEqual([7, true, 'auto-300000']);
    table.reserve(10); // a smaller reservation shrinks nothing
    expect(table.eta.length).toBeGreaterThan(300_000);
    expect(table.eta[300_000]).toBe(7);
  });
});
