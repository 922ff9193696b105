/**
 * Child process of engine-checker-cpu.ts: one throughput-1m run as `simulate` makes it (the invariants
 * in a thread of their own), from the build in the directory given, in a fresh process (a cold checker
 * isolate, as every user's run has). Prints one JSON line: wall and CPU time of the whole process, and
 * the CPU time of the checker thread alone, read from /proc/self/task/<tid>/stat as the thread is
 * terminated (Linux only; elsewhere it is left out).
 * Run: node --import tsx bench/engine-checker-child.ts <dir with dist/> [tasks]
 */
import { readdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { moduleOfBuild, threadCpuMs } from './other-build.js';

const root = process.argv[2];
const tasks = Number(process.argv[3] ?? 1_000_000);
if (!root) throw new Error('usage: engine-checker-child.ts <dir with dist/> [tasks]');
const { runScenario } = (await import(moduleOfBuild(root, 'scenario/run'))) as typeof import('../src/scenario/run.js');
const { throughputScenario } = await import('./throughput.js');

/** The threads of this process, with their user + system CPU in ms (clock ticks of 10 ms). */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const ms = threadCpuMs(tid);
      if (ms !== undefined) out.set(tid, ms);
    }
  } catch {
    // not Linux: no per-thread figure
  }
  return out;
}

const before = threadCpu();
let checkerCpuMs: number | undefined;
// The checker thread is the one thread that is new when it is terminated (the run's dispose()).
const terminate = Worker.prototype.terminate;
Worker.prototype.terminate = function (this: Worker) {
  const now = threadCpu();
  const fresh = [...now].filter(([tid]) => !before.has(tid));
  if (fresh.length > 0) checkerCpuMs = Math.max(...fresh.map(([, ms]) => ms));
  return terminate.call(this);
};

const scenario = await throughputScenario(tasks);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const r = await runScenario(scenario, { invariantThread: 'on' });
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const failed = r.invariants.filter((i) => i.status === 'fail').map((i) => i.id);
process.stdout.write(
  `${JSON.stringify({
    wallMs: Math.round(wallMs),
    processCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    checkerCpuMs,
    events: r.events,
    traceHash: r.traceHash,
    failed,
  })}\n`,
);
