/**
 * The checker thread's work (TraceDecoder into InvariantSuite, as thread-worker.ts runs it), build
 * against build, in one process over the very same bytes: the throughput scenario's trace is encoded
 * once, then each round decodes and judges it with every build, in an order that rotates per round.
 * On a busy machine the CPU time of one pass varies by half from round to round; rounds that run the
 * builds back to back, and the median of their ratios, still tell a change of a few percent.
 * Prints each build's CPU per pass (median and minimum) and its ratios to the first build's.
 * Run: npx tsx bench/engine-checker-ab.ts [rounds] [tasks] <dir with dist/>…
 */
import { loadavg } from 'node:os';
import { moduleOfBuild } from './other-build.js';
import { throughputScenario } from './throughput.js';

type DecoderModule = typeof import('../src/sim/trace-decoder.js');
type SuiteModule = typeof import('../src/invariants/suite.js');

const rounds = Number(process.argv[2] ?? 20);
const tasks = Number(process.argv[3] ?? 200_000);
const roots = process.argv.slice(4);
if (roots.length === 0 || !(rounds > 0) || !(tasks > 0))
  throw new Error('usage: engine-checker-ab.ts [rounds] [tasks] <dir with dist/>…');

const builds = await Promise.all(
  roots.map(async (root) => {
    const { TraceDecoder } = (await import(moduleOfBuild(root, 'sim/trace-decoder'))) as DecoderModule;
    const { InvariantSuite } = (await import(moduleOfBuild(root, 'invariants/suite'))) as SuiteModule;
    return { root, TraceDecoder, InvariantSuite, ms: [] as number[] };
  }),
);

// The trace's bytes, from this checkout's engine (the bytes are the same whichever build makes them).
const { runScenario } = await import('../src/scenario/run.js');
const { TraceHasher } = await import('../src/sim/trace.js');
const chunks: Uint8Array[] = [];
const tap = new TraceHasher();
tap.shareChunks((bytes) => chunks.push(bytes.slice()));
const run = await runScenario(await throughputScenario(tasks), { checkInvariants: false, sinks: [tap] });
tap.digest();
console.log(`${run.events} events in ${chunks.length} chunks, trace ${run.traceHash.slice(0, 8)}`);

for (let round = 0; round < rounds; round++) {
  for (let k = 0; k < builds.length; k++) {
    const b = builds[(k + round) % builds.length];
    const suite = new b.InvariantSuite();
    const decoder = new b.TraceDecoder(suite);
    const before = process.cpuUsage();
    for (const c of chunks) decoder.push(c);
    decoder.finish();
    const spent = process.cpuUsage(before);
    b.ms.push((spent.user + spent.system) / 1000);
    const failed = suite.results().filter((r) => r.status === 'fail');
    if (failed.length > 0) throw new Error(`${b.root}: ${failed.map((r) => r.id).join(' ')} failed`);
    if (decoder.count !== run.events) throw new Error(`${b.root}: decoded ${decoder.count} of ${run.events} events`);
  }
  console.log(
    `round ${round + 1}: ${builds.map((b) => `${b.ms.at(-1)!.toFixed(0)} ms`).join(', ')} (load ${loadavg()[0].toFixed(1)})`,
  );
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const first = builds[0];
for (const b of builds) {
  const ratios = b.ms.map((ms, i) => ms / first.ms[i]);
  console.log(
    `${b.root}: CPU per pass median ${median(b.ms).toFixed(0)} ms, min ${Math.min(...b.ms).toFixed(0)} ms` +
      (b === first ? '' : `; over the first build: median ratio ${median(ratios).toFixed(3)}`),
  );
}
