/**
 * The engine against the hardware floor (floor.ts) on throughput-1m, in one invocation, in rounds
 * (floor, engine, simulate in each round), so a machine that gets busier slows every one alike:
 * - floor: the bare typed-array loop;
 * - engine + trace hash: runScenario without checkers;
 * - engine as simulate runs it: trace hash and every invariant streaming (in a thread of their own
 *   on two cores or more);
 * - the same with the invariants always in a thread of their own, and always in the engine's;
 * - simulate(): the CLI's own function (--no-det-check --json), what `tasksim simulate` times;
 * then the built CLI itself in a fresh process, as a user runs it (INV-DET included): its phases
 * and its peak RSS. Each contestant runs in a worker thread of its own (floor-worker.ts), so none
 * inherits the others' type feedback, as no user's run does; the rounds still interleave them.
 * Run alone: npx tsx bench/floor.bench.ts [rounds]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { Bench } from 'tinybench';
import { loadEngineModules } from './built.js';
import type { Contestant, FloorRun, FloorWorkerData } from './floor-worker.js';
import { THROUGHPUT_SCENARIO } from './throughput.js';
import { PEAK_RSS_PROBE } from './peak-rss.js';
import { nextMessage, startTsWorker } from './worker-thread.js';

export interface FloorFigures {
  rounds: number;
  /** The 1-minute load average after each round. */
  loads: number[];
  /** Which JavaScript the engine ran: the build (as the CLI) or the sources through tsx. */
  engineFrom: string;
  events: number;
  /** Medians, ms. */
  floorMs: number;
  engineHashMs: number;
  engineMs: number;
  simulateMs: number;
  /** floor time / engine time (with every invariant): the share of the floor's speed the engine reaches. */
  engineOfFloor: number;
  engineHashOfFloor: number;
  simulateOfFloor: number;
  /**
   * The same medians as CPU time (process.cpuUsage: this process's threads, GC helpers included), and
   * the floor's share by CPU time: on a machine shared with other work, wall times swing with the
   * load; the CPU a run costs much less.
   */
  cpuMs: Record<keyof typeof NAMES, number>;
  engineOfFloorCpu: number;
  engineHashOfFloorCpu: number;
  /**
   * The engine with every invariant judged always in a thread of their own (invariantThread 'on') and
   * always in the engine's ('off'): `auto`, what simulate runs, picks one by the machine's load.
   */
  engineThreadMs: number;
  engineThreadOfFloor: number;
  engineThreadOfFloorCpu: number;
  engineInlineMs: number;
  engineInlineOfFloor: number;
  engineInlineOfFloorCpu: number;
  /** The built CLI, default options (INV-DET included), in a fresh process. */
  cli?: { totalWallMs: number; phases: Record<string, number>; eventsPerSecond: number; peakRssMB: number };
}

const NAMES = {
  floor: 'floor: bare typed-array loop',
  hash: 'engine + trace hash',
  engine: 'engine + trace hash + every invariant',
  thread: 'the same, the invariants always in a thread of their own',
  inline: 'the same, the invariants always in the engine thread',
  simulate: 'simulate() as the CLI runs it (--no-det-check)',
} as const;

export interface FloorBenchOptions {
  rounds?: number;
  /** Tasks in the in-process runs (default the scenario's million; smaller only to try the bench out). */
  tasks?: number;
  /** Also time the built CLI in a fresh process (default true). */
  cli?: boolean;
}

export async function benchFloor(
  log: (line: string) => void = console.log,
  opts: FloorBenchOptions = {},
): Promise<FloorFigures> {
  const rounds = opts.rounds ?? 3;
  const file = opts.tasks === undefined ? THROUGHPUT_SCENARIO : scenarioWithTasks(opts.tasks);
  const { from } = await loadEngineModules(log);
  log(`  engine from ${from}; each contestant in a worker thread of its own`);
  const keys = Object.keys(NAMES) as Contestant[];
  const workers = Object.fromEntries(
    keys.map((contestant) => [
      contestant,
      startTsWorker(new URL('./floor-worker.ts', import.meta.url), {
        contestant,
        tasks: opts.tasks ?? 1_000_000,
        file,
      } satisfies FloorWorkerData),
    ]),
  ) as Record<Contestant, Worker>;
  const times: Record<Contestant, number[]> = { floor: [], hash: [], engine: [], thread: [], inline: [], simulate: [] };
  const cpu: Record<Contestant, number[]> = { floor: [], hash: [], engine: [], thread: [], inline: [], simulate: [] };
  const eventsOf: Partial<Record<Contestant, number>> = {};
  /** The machine's 1-minute load average after each round: shares of the floor are only comparable at like loads. */
  const loads: number[] = [];
  try {
    await Promise.all(keys.map((k) => nextMessage(workers[k]))); // every contestant loaded
    // One untimed run each first: a fresh isolate's engine with every invariant took three runs to
    // settle (6.9, 6.3, 4.4 s), the floor one. The fresh process's cold figure is the CLI's, below.
    for (const k of keys) {
      workers[k].postMessage('run');
      await nextMessage(workers[k]);
    }
    for (let round = 1; round <= rounds; round++) {
      const bench = new Bench({ iterations: 1, warmup: false, time: 0 });
      for (const k of keys) {
        bench.add(NAMES[k], async () => {
          workers[k].postMessage('run');
          const r = await nextMessage<FloorRun>(workers[k]);
          times[k].push(r.ms);
          cpu[k].push(r.cpuMs);
          if (r.events !== undefined) eventsOf[k] = r.events;
        });
      }
      await bench.run();
      const load = loadavg()[0];
      loads.push(load);
      log(
        `  round ${round}: ${keys.map((k) => `${k} ${times[k].at(-1)!.toFixed(0)} ms (CPU ${cpu[k].at(-1)!.toFixed(0)})`).join(', ')} (load ${load.toFixed(1)})`,
      );
    }
  } finally {
    await Promise.all(keys.map((k) => workers[k].terminate()));
  }
  const events = eventsOf.hash ?? 0;
  const floorEvents = eventsOf.floor;
  if (floorEvents !== events)
    throw new Error(`the floor made ${floorEvents} events, the engine ${events}: not the same workload`);
  const floorMs = median(times.floor);
  const engineHashMs = median(times.hash);
  const engineMs = median(times.engine);
  const simulateMs = median(times.simulate);
  const cpuMs = {
    floor: median(cpu.floor),
    hash: median(cpu.hash),
    engine: median(cpu.engine),
    thread: median(cpu.thread),
    inline: median(cpu.inline),
    simulate: median(cpu.simulate),
  };
  const figures: FloorFigures = {
    rounds,
    loads: loads.map((l) => Number(l.toFixed(2))),
    engineFrom: from,
    events,
    floorMs,
    engineHashMs,
    engineMs,
    simulateMs,
    engineOfFloor: floorMs / engineMs,
    engineHashOfFloor: floorMs / engineHashMs,
    simulateOfFloor: floorMs / simulateMs,
    cpuMs,
    engineOfFloorCpu: cpuMs.floor / cpuMs.engine,
    engineHashOfFloorCpu: cpuMs.floor / cpuMs.hash,
    engineThreadMs: median(times.thread),
    engineThreadOfFloor: floorMs / median(times.thread),
    engineThreadOfFloorCpu: cpuMs.floor / cpuMs.thread,
    engineInlineMs: median(times.inline),
    engineInlineOfFloor: floorMs / median(times.inline),
    engineInlineOfFloorCpu: cpuMs.floor / cpuMs.inline,
  };
  log(
    `  medians: engine + hash ${engineHashMs.toFixed(0)} ms (CPU ${cpuMs.hash.toFixed(0)}), share of the floor ${figures.engineHashOfFloor.toFixed(3)} (CPU ${figures.engineHashOfFloorCpu.toFixed(3)}); with every invariant ${figures.engineOfFloor.toFixed(3)} (CPU ${figures.engineOfFloorCpu.toFixed(3)}); always in a thread of their own ${figures.engineThreadOfFloor.toFixed(3)} (CPU ${figures.engineThreadOfFloorCpu.toFixed(3)}), always in the engine thread ${figures.engineInlineOfFloor.toFixed(3)} (CPU ${figures.engineInlineOfFloorCpu.toFixed(3)})`,
  );
  const cli = opts.cli === false ? undefined : runBuiltCli(log);
  if (cli) figures.cli = cli;
  return figures;
}

/** A copy of throughput-1m with another task count, for simulate(), which reads a file. */
function scenarioWithTasks(tasks: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'tasksim-bench-'));
  const file = join(dir, 'throughput.yaml');
  writeFileSync(file, readFileSync(THROUGHPUT_SCENARIO, 'utf8').replace(/count: \d+/, `count: ${tasks}`));
  return file;
}

/** `tasksim simulate scenarios/throughput-1m.yaml --json` from dist/, with its peak RSS read at exit. */
function runBuiltCli(log: (line: string) => void): FloorFigures['cli'] | undefined {
  const main = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
  if (!existsSync(main)) {
    log('  (no dist/: run `npm run build` to time the built CLI)');
    return undefined;
  }
  // The same process, unchanged: a preload only reports its peak RSS as it exits.
  const probe = PEAK_RSS_PROBE;
  const r = spawnSync(process.execPath, [`--import=${probe}`, main, 'simulate', THROUGHPUT_SCENARIO, '--json'], {
    encoding: 'utf8',
    timeout: 600_000,
    env: { ...process.env, CI: '1' },
  });
  if (r.status !== 0) throw new Error(`the built CLI exited ${r.status ?? r.signal}: ${r.stderr}`);
  const stdout = r.stdout;
  const stderr = r.stderr;
  const out = JSON.parse(stdout.split('\n').find((l) => l.startsWith('{'))!) as {
    totalWallMs: number;
    phases: Record<string, number>;
    eventsPerSecond: number;
  };
  const kb = Number(/maxrss-kb (\d+)/.exec(stderr)?.[1] ?? NaN);
  const cli = {
    totalWallMs: out.totalWallMs,
    phases: out.phases,
    eventsPerSecond: out.eventsPerSecond,
    peakRssMB: Math.round(kb / 1024),
  };
  log(
    `  built CLI: ${cli.totalWallMs} ms in all (${Object.entries(cli.phases)
      .map(([k, v]) => `${k} ${v} ms`)
      .join(', ')}), peak RSS ${cli.peakRssMB} MB`,
  );
  return cli;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [rounds, tasks] = process.argv.slice(2).map(Number);
  const f = await benchFloor(console.log, { rounds: rounds || 3, tasks: tasks || undefined, cli: !tasks });
  console.log(JSON.stringify(f, null, 2));
}
