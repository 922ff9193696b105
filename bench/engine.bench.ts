/**
 * The engine on the throughput-1m scenario: trace events per wall second (tinybench, in-process),
 * peak memory and growth from 100k to 1M tasks (each size in a fresh child process).
 * Run alone: npx tsx bench/engine.bench.ts
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { runThroughput, throughputScenario } from './throughput.js';

export interface EngineFigures {
  /** Median events per second, engine + trace hash, 1M tasks. */
  eventsPerSecond: number;
  /** The same with every invariant checked as the trace streams (what `simulate` does). */
  eventsPerSecondWithInvariants: number;
  events: number;
  peakRssMB: number;
  /** Wall time per size, in fresh processes with invariants on. */
  scaling: { tasks: number; ms: number; events: number; maxRssMB: number }[];
  /** time(1M)/time(100k) divided by what n log n allows (≤ 1 means no worse than n log n). */
  growthVsNLogN: number;
}

function child(tasks: number, invariants: boolean): { tasks: number; ms: number; events: number; maxRssMB: number } {
  const script = fileURLToPath(new URL('./engine-peak.ts', import.meta.url));
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', script, String(tasks), invariants ? 'invariants' : 'no-invariants'],
    { encoding: 'utf8', timeout: 300_000 },
  );
  return JSON.parse(out.trim().split('\n').pop()!);
}

export async function benchEngine(log: (line: string) => void = console.log): Promise<EngineFigures> {
  const million = await throughputScenario(1_000_000);
  let events = 0;
  const bench = new Bench({ iterations: 3, warmup: false, time: 0 });
  bench
    .add('throughput-1m: engine + trace hash', async () => {
      events = (await runThroughput(million, false)).events;
    })
    .add('throughput-1m: engine + trace hash + invariants', async () => {
      await runThroughput(million, true);
    });
  await bench.run();
  const median = (name: string): number => {
    const task = bench.getTask(name)!;
    const r = task.result as unknown as { latency?: { p50?: number }; p50?: number };
    return r.latency?.p50 ?? r.p50 ?? NaN;
  };
  const plainMs = median('throughput-1m: engine + trace hash');
  const fullMs = median('throughput-1m: engine + trace hash + invariants');
  log(`engine: ${events} events; median ${plainMs.toFixed(0)} ms (hash), ${fullMs.toFixed(0)} ms (hash + invariants)`);

  const scaling = [100_000, 250_000, 500_000, 1_000_000].map((n) => {
    const r = child(n, true);
    log(`  ${n} tasks: ${r.ms.toFixed(0)} ms, ${r.events} events, peak RSS ${r.maxRssMB.toFixed(0)} MB`);
    return r;
  });
  const small = scaling[0];
  const large = scaling[scaling.length - 1];
  const nlogn = (n: number): number => n * Math.log2(n);
  const growthVsNLogN = large.ms / small.ms / (nlogn(large.tasks) / nlogn(small.tasks));
  return {
    eventsPerSecond: Math.round(events / (plainMs / 1000)),
    eventsPerSecondWithInvariants: Math.round(events / (fullMs / 1000)),
    events,
    peakRssMB: Math.round(large.maxRssMB),
    scaling,
    growthVsNLogN: Number(growthVsNLogN.toFixed(3)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const f = await benchEngine();
  console.log(JSON.stringify(f, null, 2));
}
