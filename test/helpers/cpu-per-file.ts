/**
 * Per-file CPU of a test run, for finding where the suite's time goes:
 * `TASKSIM_CPU_LOG=cpu.jsonl npx vitest run` appends one line per file with the
 * CPU-seconds of this process (the worker and vitest's own threads) and of the child processes it
 * reaped while the file ran, and one line per test (with its name). One worker, so the process's CPU
 * is that file's. Linux only (/proc).
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeEach, expect } from 'vitest';

const TICKS_PER_SECOND = 100;

/** [own, children] CPU-seconds of this process so far (utime+stime, cutime+cstime). */
function cpuSeconds(): [number, number] {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3 (state)
  const f = (n: number): number => Number(fields[n - 3]);
  return [(f(14) + f(15)) / TICKS_PER_SECOND, (f(16) + f(17)) / TICKS_PER_SECOND];
}

const log = process.env.TASKSIM_CPU_LOG;
if (log) {
  const [ownAtStart, childrenAtStart] = cpuSeconds();
  const wallAtStart = performance.now();
  let testAtStart: [number, number] = [0, 0];
  beforeEach(() => {
    testAtStart = cpuSeconds();
  });
  afterEach(() => {
    const [own, children] = cpuSeconds();
    const line = {
      test: expect.getState().currentTestName ?? '?',
      own: +(own - testAtStart[0]).toFixed(2),
      children: +(children - testAtStart[1]).toFixed(2),
    };
    appendFileSync(log, `${JSON.stringify(line)}\n`);
  });
  afterAll(() => {
    const [own, children] = cpuSeconds();
    const file = expect.getState().testPath ?? '?';
    const line = {
      file,
      own: +(own - ownAtStart).toFixed(2),
      children: +(children - childrenAtStart).toFixed(2),
      wall: +((performance.now() - wallAtStart) / 1000).toFixed(2),
    };
    appendFileSync(log, `${JSON.stringify(line)}\n`);
  });
}
