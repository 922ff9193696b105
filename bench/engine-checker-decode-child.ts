/**
 * Child process of engine-checker-cpu.ts --decode: the checker thread's work on throughput-1m, done in
 * this one thread so that only it is timed. The engine runs with its invariants off and a second
 * TraceHasher as a sink, whose chunks go, as they come, to the decoder and the InvariantSuite the
 * checker thread runs (thread-worker.ts); the CPU time of each push is summed (process.cpuUsage, this
 * thread being the only busy one). The engine's own noise stays out of the figure: the decoding is the
 * same work on the same bytes whichever build runs the engine.
 * Prints one JSON line in the shape of engine-checker-child.ts.
 * Run: node --import tsx bench/engine-checker-decode-child.ts <dir with dist/> [tasks]
 */
import { moduleOfBuild } from './other-build.js';

const root = process.argv[2];
const tasks = Number(process.argv[3] ?? 1_000_000);
if (!root) throw new Error('usage: engine-checker-decode-child.ts <dir with dist/> [tasks]');
const { runScenario } = (await import(moduleOfBuild(root, 'scenario/run'))) as typeof import('../src/scenario/run.js');
const { TraceHasher } = (await import(moduleOfBuild(root, 'sim/trace'))) as typeof import('../src/sim/trace.js');
const { TraceDecoder } = (await import(
  moduleOfBuild(root, 'sim/trace-decoder')
)) as typeof import('../src/sim/trace-decoder.js');
const { InvariantSuite } = (await import(
  moduleOfBuild(root, 'invariants/suite')
)) as typeof import('../src/invariants/suite.js');
const { throughputScenario } = await import('./throughput.js');

const scenario = await throughputScenario(tasks);

const suite = new InvariantSuite();
const decoder = new TraceDecoder(suite);
let decodeMicros = 0;
const push = (bytes: Uint8Array): void => {
  const before = process.cpuUsage();
  decoder.push(bytes);
  const spent = process.cpuUsage(before);
  decodeMicros += spent.user + spent.system;
};
const tap = new TraceHasher();
tap.shareChunks(push);

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const r = await runScenario(scenario, { checkInvariants: false, sinks: [tap] });
const tapHash = tap.digest(); // hands over the last bytes
decoder.finish();
const results = suite.results();
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
if (tapHash !== r.traceHash) throw new Error(`the decoded bytes hash ${tapHash}, the run's ${r.traceHash}`);
if (decoder.count !== r.events) throw new Error(`decoded ${decoder.count} events of ${r.events}`);
process.stdout.write(
  `${JSON.stringify({
    wallMs: Math.round(wallMs),
    processCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    checkerCpuMs: Math.round(decodeMicros / 1000),
    events: r.events,
    traceHash: r.traceHash,
    failed: results.filter((i) => i.status === 'fail').map((i) => i.id),
  })}\n`,
);
