import { describe, expect, it } from 'vitest';
import { TaskRecord, TaskTimes } from '../../src/model/task.js';

/** A time past 2^31 µs, as a long run reaches: no longer a small integer for the JavaScript engine. */
const LATE = 3_000_000_000;

function task(times: TaskTimes, id: number, eta = 0): TaskRecord {
  return new TaskRecord(times, id, 'q', null, 0, eta, 10, false, null);
}

describe('task records and their times', () => {
  it('a new task is due at its ETA and has no first attempt yet (RETRY-2: -1)', () => {
    const r = task(new TaskTimes(), 1, 1234);
    expect(r.t).toBe(1234);
    expect(r.firstEta).toBe(1234);
    expect(r.firstAttemptAt).toBe(-1);
  });

  it("each task keeps its own times, through the table's growth", () => {
    const times = new TaskTimes();
    const tasks = [1, 2, 255, 256, 257, 5000, 70_000].map((id) => task(times, id));
    tasks.forEach((r, i) => {
      r.t = LATE + i;
      r.firstAttemptAt = LATE - i;
    });
    task(times, 1_000_000); // grows the arrays past every id above
    tasks.forEach((r, i) => {
      expect(r.t).toBe(LATE + i);
      expect(r.firstAttemptAt).toBe(LATE - i);
    });
  });

  it('a duplicate (HANDLER-4) repeats the delivery that succeeded, due now', () => {
    const times = new TaskTimes();
    const r = task(times, 7, 500);
    r.attempts = 3;
    r.executions = 2;
    r.counted = 2;
    r.prevStatus = 500;
    r.prevOutcome = 'error';
    r.firstAttemptAt = 600;
    r.seq = 42;
    r.done = true;
    const d = r.duplicate(LATE);
    expect(d).not.toBe(r);
    expect(d.dup).toBe(true);
    expect(r.dup).toBe(false);
    expect(d.t).toBe(LATE);
    expect([d.id, d.attempts, d.executions, d.counted, d.prevStatus, d.prevOutcome]).toEqual([
      7,
      3,
      2,
      2,
      500,
      'error',
    ]);
    expect([d.firstEta, d.firstAttemptAt, d.done, d.queue, d.size]).toEqual([500, 600, true, 'q', 10]);
    expect(r.firstAttemptAt).toBe(600); // the task's own first attempt is left as it was
  });
});
