/**
 * One contestant of benchFloor in a worker thread of its own: the floor, the engine + hash, the engine
 * + every invariant (as simulate runs them; always in a thread of their own; always in the engine's),
 * or simulate(). Each runs in its own V8 isolate, as each runs in its own process
 * for a user: run side by side in one isolate, the four shared their call sites' type feedback, and
 * whichever ran after the others ran slower (the engine with invariants by a fifth) for reasons no
 * user's run has. The worker answers each 'run' with one run's wall and CPU time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadEngineModules } from './built.js';
import { floorWorkload, runFloor } from './floor.js';
import { throughputScenario } from './throughput.js';

export type Contestant = 'floor' | 'hash' | 'engine' | 'thread' | 'inline' | 'simulate';
export interface FloorWorkerData {
  contestant: Contestant;
  tasks: number;
  /** The scenario file simulate() reads. */
  file: string;
}
export interface FloorRun {
  ms: number;
  cpuMs: number;
  /** Trace events made (floor and engine runs; simulate() reports none here). */
  events?: number;
}

const { contestant, tasks, file } = workerData as FloorWorkerData;
const scenario = await throughputScenario(tasks);
const { simulate, runScenario } = await loadEngineModules(() => {});
const workload = floorWorkload(scenario);
const runs: Record<Contestant, () => Promise<number | undefined>> = {
  floor: async () => runFloor(workload, scenario.seed).events,
  hash: async () => (await runScenario(scenario, { checkInvariants: false })).events,
  // As simulate runs it: for a million tasks, the invariants in a thread of their own on two cores or more.
  engine: async () => (await runScenario(scenario, { checkInvariants: true })).events,
  thread: async () => (await runScenario(scenario, { checkInvariants: true, invariantThread: 'on' })).events,
  inline: async () => (await runScenario(scenario, { checkInvariants: true, invariantThread: 'off' })).events,
  simulate: async () => {
    await simulate(file, { json: true, detCheck: false });
    return undefined;
  },
};
const run = runs[contestant];
parentPort!.on('message', async () => {
  const cpu0 = process.cpuUsage(); // the process's: the other contestants wait meanwhile
  const t0 = performance.now();
  const events = await run();
  const ms = performance.now() - t0;
  const used = process.cpuUsage(cpu0);
  const reply: FloorRun = { ms, cpuMs: (used.user + used.system) / 1000, events };
  parentPort!.postMessage(reply);
});
parentPort!.postMessage('ready');
