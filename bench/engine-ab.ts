/**
 * Two builds' engines with their trace hash (no checkers), in one process, run after run in turn:
 * A, B, B, A, A, B… so each pair meets the same moment of a shared machine, and the JIT has warmed
 * both alike. Each run's CPU time is the process's (process.cpuUsage: this thread alone works). Prints
 * each pair's ratio B/A and the median, and each build's median events per CPU-second. A long-running
 * process is not what a user runs (engine-cpu.ts runs fresh processes); this is for small differences
 * that fresh processes on a busy machine drown in noise.
 * Run: node --import tsx bench/engine-ab.ts <dir A with dist/> <dir B with dist/> [pairs] [tasks]
 */
import { loadavg } from 'node:os';
import { moduleOfBuild } from './other-build.js';
import { throughputScenario } from './throughput.js';

type Run = typeof import('../src/scenario/run.js');

const [a, b] = [process.argv[2], process.argv[3]];
const pairs = Number(process.argv[4] ?? 10);
const tasks = Number(process.argv[5] ?? 200_000);
if (!a || !b) throw new Error('usage: engine-ab.ts <dir A> <dir B> [pairs] [tasks]');

async function build(root: string): Promise<() => Promise<{ cpuMs: number; events: number; hash: string }>> {
  const { runScenario } = (await import(moduleOfBuild(root, 'scenario/run'))) as Run;
  const scenario = await throughputScenario(tasks);
  return async () => {
    const cpu0 = process.cpuUsage();
    const r = await runScenario(scenario, { checkInvariants: false });
    const cpu = process.cpuUsage(cpu0);
    return { cpuMs: (cpu.user + cpu.system) / 1000, events: r.events, hash: r.traceHash };
  };
}

const runA = await build(a);
const runB = await build(b);
await runA(); // warm both before counting
await runB();
const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const cpuA: number[] = [];
const cpuB: number[] = [];
const ratios: number[] = [];
let events = 0;
for (let i = 0; i < pairs; i++) {
  const first = i % 2 === 0;
  const ra = first ? await runA() : undefined;
  const rb = await runB();
  const ra2 = ra ?? (await runA());
  if (ra2.hash !== rb.hash) throw new Error(`the builds' trace hashes differ: ${ra2.hash} ${rb.hash}`);
  events = rb.events;
  cpuA.push(ra2.cpuMs);
  cpuB.push(rb.cpuMs);
  ratios.push(rb.cpuMs / ra2.cpuMs);
  console.log(
    `pair ${i + 1}: A ${ra2.cpuMs.toFixed(0)} ms, B ${rb.cpuMs.toFixed(0)} ms, B/A ${(rb.cpuMs / ra2.cpuMs).toFixed(3)} (load ${loadavg()[0].toFixed(1)})`,
  );
}
const perS = (ms: number): string => `${((events / ms) * 1000).toFixed(0)} events per CPU-s`;
console.log(`A ${a}: median ${median(cpuA).toFixed(0)} ms CPU (${perS(median(cpuA))})`);
console.log(`B ${b}: median ${median(cpuB).toFixed(0)} ms CPU (${perS(median(cpuB))})`);
console.log(`B/A CPU per pair, median ${median(ratios).toFixed(3)} (${events} events a run, ${tasks} tasks)`);
