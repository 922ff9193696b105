/**
 * Fuzz throughput: runs per wall second of 50-command sequences against the in-process reference
 * (each run: two engines in lockstep, every step compared, the drain, and every INV checker over the
 * queue's trace). Target ≥ 1,000 runs/s. The sequences are drawn once from a fixed seed, so every
 * machine times the same work. Besides wall time, the CPU time this process used is reported: on a
 * shared machine wall time also counts the time others held the cores. Run alone:
 * `npx tsx bench/fuzz.bench.ts`.
 */
import fc from 'fast-check';
import { Bench } from 'tinybench';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ReferenceQueue } from '../src/adapters/reference.js';
import { executeRun } from '../src/fuzz/campaign.js';
import { commandArbs } from '../src/fuzz/commands.js';
import { configArb } from '../src/fuzz/config-arb.js';
import { Lockstep } from '../src/fuzz/lockstep.js';

export interface FuzzFigures {
  runsPerSecond: number;
  /** Runs per second of this process's CPU time (user + system), median of the same rounds. */
  runsPerCpuSecond: number;
  /** The machine's 1-minute load average when the rounds ended (how shared the cores were). */
  loadAverage: number;
  commandsPerRun: number;
  runs: number;
}

const SEQUENCE = 50;
const SAMPLES = 200;

export async function benchFuzz(log: (line: string) => void = console.log): Promise<FuzzFigures> {
  const caps = { controlsClock: true, outages: true, events: true };
  // Exactly 50 commands each (fc.commands would vary the length).
  const cmdArb = fc.array(fc.oneof(...commandArbs({ outages: true, realTime: false })), {
    minLength: SEQUENCE,
    maxLength: SEQUENCE,
  });
  const samples = fc.sample(fc.tuple(configArb, fc.nat(), cmdArb), { numRuns: SAMPLES, seed: 2026 });
  const sut = new ReferenceQueue();
  const runAll = async (): Promise<void> => {
    for (const [config, seed, cmds] of samples) {
      const run = new Lockstep({ config, seed, sut, caps });
      await executeRun(run, cmds, caps);
      await run.close();
    }
  };
  await runAll(); // warm-up: JIT and caches
  const cpuMs: number[] = [];
  const timed = async (): Promise<void> => {
    const before = process.cpuUsage();
    await runAll();
    const used = process.cpuUsage(before);
    cpuMs.push((used.user + used.system) / 1000);
  };
  const bench = new Bench({ iterations: 3, warmup: false, time: 0 });
  bench.add(`fuzz: ${SAMPLES} runs × ${SEQUENCE} commands, reference`, timed);
  await bench.run();
  const task = bench.tasks[0];
  const r = task.result as unknown as { latency?: { p50?: number }; p50?: number };
  const ms = r.latency?.p50 ?? r.p50 ?? NaN;
  const runsPerSecond = Math.round(SAMPLES / (ms / 1000));
  const cpu = median(cpuMs);
  const runsPerCpuSecond = Math.round(SAMPLES / (cpu / 1000));
  log(
    `fuzz: ${SAMPLES} runs of ${SEQUENCE} commands in ${ms.toFixed(0)} ms wall, ${cpu.toFixed(0)} ms CPU (medians of 3): ${runsPerSecond} runs/s, ${runsPerCpuSecond} runs per CPU second (target ≥ 1,000; load average ${loadavg()[0].toFixed(1)})`,
  );
  return { runsPerSecond, runsPerCpuSecond, loadAverage: loadavg()[0], commandsPerRun: SEQUENCE, runs: SAMPLES };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const f = await benchFuzz();
  console.log(JSON.stringify(f, null, 2));
}
