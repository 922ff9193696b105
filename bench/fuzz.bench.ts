/**
 * Fuzz throughput: runs per wall second of 50-command sequences against the in-process reference
 * (each run: two engines in lockstep, every step compared, the drain, and every INV checker over the
 * queue's trace). Target ≥ 200 runs/s. The sequences are drawn once from a fixed seed, so every
 * machine times the same work. Run alone: `npx tsx bench/fuzz.bench.ts`.
 */
import fc from 'fast-check';
import { Bench } from 'tinybench';
import { fileURLToPath } from 'node:url';
import { ReferenceQueue } from '../src/adapters/reference.js';
import { executeRun } from '../src/fuzz/campaign.js';
import { commandArbs } from '../src/fuzz/commands.js';
import { configArb } from '../src/fuzz/config-arb.js';
import { Lockstep } from '../src/fuzz/lockstep.js';

export interface FuzzFigures {
  runsPerSecond: number;
  commandsPerRun: number;
  runs: number;
}

const SEQUENCE = 50;
const SAMPLES = 200;

export async function benchFuzz(log: (line: string) => void = console.log): Promise<FuzzFigures> {
  const caps = { controlsClock: true, outages: true, events: true };
  // Exactly 50 commands each (fc.commands would vary the length).
  const cmdArb = fc.array(fc.oneof(...commandArbs({ outages: true, realTime: false })), { minLength: SEQUENCE, maxLength: SEQUENCE });
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
  const bench = new Bench({ iterations: 3, warmup: false, time: 0 });
  bench.add(`fuzz: ${SAMPLES} runs × ${SEQUENCE} commands, reference`, runAll);
  await bench.run();
  const task = bench.tasks[0];
  const r = task.result as unknown as { latency?: { p50?: number }; p50?: number };
  const ms = r.latency?.p50 ?? r.p50 ?? NaN;
  const runsPerSecond = Math.round(SAMPLES / (ms / 1000));
  log(`fuzz: ${SAMPLES} runs of ${SEQUENCE} commands in ${ms.toFixed(0)} ms (median of 3): ${runsPerSecond} runs/s (target ≥ 200)`);
  return { runsPerSecond, commandsPerRun: SEQUENCE, runs: SAMPLES };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const f = await benchFuzz();
  console.log(JSON.stringify(f, null, 2));
}
