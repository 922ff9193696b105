/**
 * Fuzz throughput: runs per second of 50-command sequences against the in-process reference, warm,
 * on the virtual clock. A run is what a campaign's explore phase does per run: fast-check draws a
 * configuration, a handler seed and exactly 50 commands; then two engines run in lockstep (the model
 * and the reference as the queue under test), every step compared, the drain, and every INV checker
 * over the queue's trace. Target ≥ 1,000 runs/s.
 *
 * How it counts. Each round is one fast-check property of 200 runs from a fixed seed, so every round
 * and every machine times the same work; a round's runs/s is 200 over its time. Warm-up rounds come
 * first (the JIT), then three timed rounds: wall time and this process's CPU time (user + system), the
 * medians reported. On a shared machine wall time also counts the time others held the cores, so
 * runs per CPU second is the figure to compare across loads.
 *
 * Sequences are drawn inside the timed loop, as a campaign draws them, not drawn up front and held:
 * holding 200 × 50 commands makes V8 pretenure the allocation sites of a run's short-lived objects,
 * which slowed every run by a third and is not what a campaign does.
 *
 * The modules come from the tsc build in dist/ (what `tasksim fuzz` runs) when it is there and not
 * older than the sources, else from the sources through tsx (slower: tsx wraps every function
 * expression in a `__name` call), and the figure says which. Run alone: `npx tsx bench/fuzz.bench.ts`.
 *
 * Two more figures below: the same round on every core at once (benchFuzzParallel, worker threads),
 * and a whole campaign through `tasksim fuzz --jobs`'s code (benchFuzzJobs).
 */
import fc from 'fast-check';
import { existsSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { GCProfiler } from 'node:v8';
import { isMainThread, type Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { nextMessage, startTsWorker } from './worker-thread.js';

type ReferenceModule = typeof import('../src/adapters/reference.js');
type CampaignModule = typeof import('../src/fuzz/campaign.js');
type CommandsModule = typeof import('../src/fuzz/commands.js');
type ConfigArbModule = typeof import('../src/fuzz/config-arb.js');
type LockstepModule = typeof import('../src/fuzz/lockstep.js');

export interface FuzzFigures {
  /** Runs per wall second (median of the timed rounds). */
  runsPerSecond: number;
  /** Runs per second of this process's CPU time (user + system), median of the same rounds. */
  runsPerCpuSecond: number;
  /** The machine's 1-minute load average when the rounds ended (how shared the cores were). */
  loadAverage: number;
  commandsPerRun: number;
  /** Runs per round. */
  runs: number;
  rounds: number;
  /** Where the fuzzer's modules were loaded from. */
  from: 'dist' | 'src via tsx';
  /** One more round under V8's GC profiler: what the runs cost the garbage collector (GcFigures). */
  gc: GcFigures;
}

/**
 * The garbage collector's share of a round, from V8's own account of each collection (v8.GCProfiler).
 * Bytes promoted to the old generation do not depend on the machine's load: a run's objects die with
 * it, so anything promoted is kept alive past its run (a fuzz run's objects held by a finished engine
 * once doubled the collector's work, and this is the figure that showed it).
 */
export interface GcFigures {
  /** KB moved from the young to the old generation per run, by young-generation collections. */
  promotedKBPerRun: number;
  /** Young-generation collections (scavenges) and full ones (mark-compact) per 1,000 runs. */
  scavengesPer1000Runs: number;
  fullPer1000Runs: number;
  /** The collector's pauses on this thread, ms per 1,000 runs (load-dependent, like any time). */
  pauseMsPer1000Runs: number;
}

export const SEQUENCE = 50;
export const RUNS = 200;
export const WARMUP_ROUNDS = 3;
export const ROUNDS = 3;
const SEED = 2026;
const MODULES = ['adapters/reference', 'fuzz/campaign', 'fuzz/commands', 'fuzz/config-arb', 'fuzz/lockstep'];

export interface FuzzModules {
  ReferenceQueue: ReferenceModule['ReferenceQueue'];
  executeRun: CampaignModule['executeRun'];
  commandArbs: CommandsModule['commandArbs'];
  configArb: ConfigArbModule['configArb'];
  Lockstep: LockstepModule['Lockstep'];
  from: FuzzFigures['from'];
}

/**
 * The bench's unit of work, shared by the one-thread figure and each worker of the parallel one: a
 * fast-check property of RUNS runs from `seed`, each drawing a configuration, a handler seed and
 * exactly SEQUENCE commands and running them in lockstep against one in-process reference. Resolves
 * to how many runs failed (the reference against itself: never expected).
 */
export function fuzzRound(m: FuzzModules, seed = SEED): () => Promise<number> {
  const caps = { controlsClock: true, outages: true, events: true };
  // Exactly 50 commands each (fc.commands would vary the length).
  const cmdArb = fc.array(fc.oneof(...m.commandArbs({ outages: true, realTime: false })), {
    minLength: SEQUENCE,
    maxLength: SEQUENCE,
  });
  const sut = new m.ReferenceQueue();
  return async () => {
    let failed = 0;
    await fc.check(
      fc.asyncProperty(m.configArb, fc.nat(), cmdArb, async (config, runSeed, cmds) => {
        const run = new m.Lockstep({ config, seed: runSeed, sut, caps });
        try {
          await m.executeRun(run, cmds, caps);
        } catch {
          failed++;
        } finally {
          await run.close();
        }
      }),
      { seed, numRuns: RUNS },
    );
    return failed;
  };
}

export async function benchFuzz(log: (line: string) => void = console.log): Promise<FuzzFigures> {
  const m = await loadFuzzModules(log);
  const oneRound = fuzzRound(m);
  let failed = 0;
  const round = async (): Promise<void> => {
    failed += await oneRound();
  };
  for (let i = 0; i < WARMUP_ROUNDS; i++) await round();
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await round();
    wallMs.push(performance.now() - t0);
    const used = process.cpuUsage(cpu0);
    cpuMs.push((used.user + used.system) / 1000);
  }
  const gc = await gcOfRound(round);
  if (failed > 0) throw new Error(`the reference failed against itself in ${failed} runs: the bench timed failures`);
  const wall = median(wallMs);
  const cpu = median(cpuMs);
  const runsPerSecond = Math.round(RUNS / (wall / 1000));
  const runsPerCpuSecond = Math.round(RUNS / (cpu / 1000));
  const load = loadavg()[0];
  log(
    `fuzz (${m.from}): ${RUNS} runs of ${SEQUENCE} commands, drawn and run, in ${wall.toFixed(0)} ms wall, ${cpu.toFixed(0)} ms CPU (medians of ${ROUNDS} rounds after ${WARMUP_ROUNDS} warm-up): ${runsPerSecond} runs/s, ${runsPerCpuSecond} runs per CPU second (target ≥ 1,000; load average ${load.toFixed(1)})`,
  );
  log(
    `  garbage collection, one more round: ${gc.promotedKBPerRun} KB promoted to the old generation per run, ${gc.scavengesPer1000Runs} scavenges and ${gc.fullPer1000Runs} full collections per 1,000 runs, ${gc.pauseMsPer1000Runs} ms of pauses per 1,000 runs`,
  );
  return {
    gc,
    runsPerSecond,
    runsPerCpuSecond,
    loadAverage: load,
    commandsPerRun: SEQUENCE,
    runs: RUNS,
    rounds: ROUNDS,
    from: m.from,
  };
}

/** One round (RUNS runs) under V8's GC profiler. */
async function gcOfRound(round: () => Promise<void>): Promise<GcFigures> {
  const profiler = new GCProfiler();
  profiler.start();
  await round();
  const { statistics } = profiler.stop();
  const oldUsed = (heap: (typeof statistics)[number]['beforeGC']): number =>
    heap.heapSpaceStatistics.find((space) => space.spaceName === 'old_space')?.spaceUsedSize ?? 0;
  let promoted = 0;
  let scavenges = 0;
  let full = 0;
  let pauseUs = 0;
  for (const gc of statistics) {
    pauseUs += gc.cost;
    if (gc.gcType === 'Scavenge') {
      scavenges++;
      promoted += Math.max(0, oldUsed(gc.afterGC) - oldUsed(gc.beforeGC));
    } else if (gc.gcType === 'MarkSweepCompact') {
      full++;
    }
  }
  const per1000 = (n: number): number => Math.round((n / RUNS) * 1000 * 10) / 10;
  return {
    promotedKBPerRun: Math.round((promoted / 1024 / RUNS) * 10) / 10,
    scavengesPer1000Runs: per1000(scavenges),
    fullPer1000Runs: per1000(full),
    pauseMsPer1000Runs: Math.round(per1000(pauseUs / 1000)),
  };
}

/** The build in dist/ when it is there and not older than the sources it was built from, else the sources. */
export async function loadFuzzModules(log: (line: string) => void): Promise<FuzzModules> {
  const built = (mod: string): URL => new URL(`../dist/src/${mod}.js`, import.meta.url);
  const source = (mod: string): URL => new URL(`../src/${mod}.ts`, import.meta.url);
  const useDist = MODULES.every((mod) => existsSync(fileURLToPath(built(mod))));
  if (useDist) {
    const stale = MODULES.filter((mod) => mtime(built(mod)) < mtime(source(mod)));
    if (stale.length > 0) log(`  (dist/ is older than src/ for ${stale.join(', ')}: run \`npm run build\` first)`);
  } else {
    log('  (no dist/: timing the sources through tsx; run `npm run build` to time what `tasksim fuzz` runs)');
  }
  const load = async <T>(mod: string): Promise<T> => (await import((useDist ? built(mod) : source(mod)).href)) as T;
  const [reference, campaign, commands, configArb, lockstep] = await Promise.all([
    load<ReferenceModule>('adapters/reference'),
    load<CampaignModule>('fuzz/campaign'),
    load<CommandsModule>('fuzz/commands'),
    load<ConfigArbModule>('fuzz/config-arb'),
    load<LockstepModule>('fuzz/lockstep'),
  ]);
  return {
    ReferenceQueue: reference.ReferenceQueue,
    executeRun: campaign.executeRun,
    commandArbs: commands.commandArbs,
    configArb: configArb.configArb,
    Lockstep: lockstep.Lockstep,
    from: useDist ? 'dist' : 'src via tsx',
  };
}

function mtime(url: URL): number {
  return statSync(fileURLToPath(url)).mtimeMs;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

type JobsModule = typeof import('../src/fuzz/jobs.js');
type RegistryModule = typeof import('../src/adapters/registry.js');
type ClockModule = typeof import('../src/fuzz/clock.js');

export interface FuzzJobsFigures {
  /** Worker threads of the parallel campaign: os.availableParallelism(). */
  jobs: number;
  /** --max-commands of both campaigns, and the mean length of the sequences fc.commands draws under it. */
  maxCommands: number;
  meanCommands: number;
  /** Runs per wall second of the campaign over `jobs` workers, warm (from 50% to 90% of its runs), median. */
  parallelRunsPerSecond: number;
  /** The same, over the whole campaign: worker start-up, module loading and warm-up included. */
  parallelWholeRunsPerSecond: number;
  /** The same campaign code with --jobs 1 (in this thread), warm, median. */
  singleRunsPerSecond: number;
  /**
   * Runs per CPU second of the process (all its threads), whole campaigns: what the workers cost beyond
   * the runs (start-up, messages) shows as a lower parallel figure; others' load does not show.
   */
  parallelRunsPerCpuSecond: number;
  singleRunsPerCpuSecond: number;
  /** parallel / single, median of the per-round ratios (rounds interleave the two). */
  speedup: number;
  loadAverage: number;
  rounds: number;
  from: FuzzFigures['from'];
}

const JOBS_MAX_COMMANDS = 50;
const JOBS_RUNS_PER_JOB = 3000;
/** The warm window, as shares of a campaign's runs: a worker's first ~1,000 runs are still warming up (JIT, heap). */
const WARM_FROM = 0.5;
const WARM_TO = 0.9;
const JOBS_ROUNDS = 3;

/**
 * Fuzz over every core, through the code `tasksim fuzz --adapter reference --max-commands 50 --jobs N`
 * runs (runFuzzJobs: one worker thread per job, each a shard of the campaign). Rounds interleave the
 * campaign over N = os.availableParallelism() workers with the same campaign in one thread, so both
 * see the same load. Warm: the rate from half to nine tenths of a campaign's runs (every worker past
 * its start-up and warm-up, none finished), from the progress the campaign reports; the whole
 * campaign's rate, start-up included, is given too. The campaign's sequences are fc.commands' (up to
 * 50 commands, fewer on average), not the exactly-50 ones of benchFuzz: the mean is measured and printed.
 */
export async function benchFuzzJobs(log: (line: string) => void = console.log): Promise<FuzzJobsFigures> {
  const m = await loadJobsModules(log);
  const jobs = availableParallelism();
  const caps = { controlsClock: true, outages: true, events: true };
  const drawn = fc.sample(
    fc.commands(m.VIRTUAL_TIME.commandArbs(caps), { maxCommands: JOBS_MAX_COMMANDS, size: 'max' }),
    { seed: SEED, numRuns: 2000 },
  );
  const meanCommands = drawn.reduce((n, c) => n + [...c].length, 0) / drawn.length;
  /** One campaign: its runs per second over the middle half of its runs, and over all of it. */
  const campaign = async (n: number, seed: number): Promise<{ warm: number; whole: number; perCpu: number }> => {
    const runs = JOBS_RUNS_PER_JOB * n;
    const marks: number[] = [];
    const cpu0 = process.cpuUsage(); // every thread of the process: the workers' too
    const t0 = performance.now();
    const report = await m.runFuzzJobs({
      jobs: n,
      adapter: 'reference',
      queue: m.createAdapter('reference'),
      seed,
      runs,
      maxCommands: JOBS_MAX_COMMANDS,
      onRun: (done) => {
        if (done === Math.round(runs * WARM_FROM) || done === Math.round(runs * WARM_TO)) marks.push(performance.now());
      },
    });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (!report.ok || report.runs !== runs) throw new Error(`the reference campaign did not pass all ${runs} runs`);
    return {
      warm: ((runs * (WARM_TO - WARM_FROM)) / (marks[1] - marks[0])) * 1000,
      whole: (runs / ms) * 1000,
      perCpu: runs / ((cpu.user + cpu.system) / 1e6),
    };
  };
  await campaign(1, SEED); // this thread's JIT: a worker is cold at each campaign, which the warm window leaves out
  const parallel: { warm: number; whole: number; perCpu: number }[] = [];
  const single: number[] = [];
  const singlePerCpu: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < JOBS_ROUNDS; i++) {
    const p = await campaign(jobs, SEED + i);
    const s = await campaign(1, SEED + i);
    parallel.push(p);
    single.push(s.warm);
    singlePerCpu.push(s.perCpu);
    ratios.push(p.warm / s.warm);
  }
  const figures: FuzzJobsFigures = {
    jobs,
    maxCommands: JOBS_MAX_COMMANDS,
    meanCommands: Math.round(meanCommands * 10) / 10,
    parallelRunsPerSecond: Math.round(median(parallel.map((p) => p.warm))),
    parallelWholeRunsPerSecond: Math.round(median(parallel.map((p) => p.whole))),
    singleRunsPerSecond: Math.round(median(single)),
    parallelRunsPerCpuSecond: Math.round(median(parallel.map((p) => p.perCpu))),
    singleRunsPerCpuSecond: Math.round(median(singlePerCpu)),
    speedup: Math.round(median(ratios) * 100) / 100,
    loadAverage: loadavg()[0],
    rounds: JOBS_ROUNDS,
    from: m.from,
  };
  log(
    `fuzz --jobs ${jobs} (${m.from}): campaigns of ${JOBS_RUNS_PER_JOB} runs per job, up to ${JOBS_MAX_COMMANDS} commands (mean ${figures.meanCommands}): ${figures.parallelRunsPerSecond} runs/s warm (${figures.parallelWholeRunsPerSecond} with start-up), one thread ${figures.singleRunsPerSecond} runs/s, ×${figures.speedup}; per CPU second ${figures.parallelRunsPerCpuSecond} and ${figures.singleRunsPerCpuSecond} (medians of ${JOBS_ROUNDS} interleaved rounds; load average ${figures.loadAverage.toFixed(1)})`,
  );
  return figures;
}

/** runFuzzJobs and the registry from dist/ when built and fresh (its workers then run dist/ too), else the sources. */
async function loadJobsModules(log: (line: string) => void): Promise<{
  runFuzzJobs: JobsModule['runFuzzJobs'];
  createAdapter: RegistryModule['createAdapter'];
  VIRTUAL_TIME: ClockModule['VIRTUAL_TIME'];
  from: FuzzFigures['from'];
}> {
  const mods = ['fuzz/jobs', 'fuzz/jobs-worker', 'adapters/registry', 'fuzz/clock'];
  const built = (mod: string): URL => new URL(`../dist/src/${mod}.js`, import.meta.url);
  const source = (mod: string): URL => new URL(`../src/${mod}.ts`, import.meta.url);
  const useDist = mods.every((mod) => existsSync(fileURLToPath(built(mod))));
  if (!useDist) log('  (no dist/ with fuzz/jobs: timing the sources through tsx; run `npm run build` first)');
  else if (mods.some((mod) => mtime(built(mod)) < mtime(source(mod))))
    log('  (dist/ is older than src/ for fuzz --jobs: run `npm run build` first)');
  const load = async <T>(mod: string): Promise<T> => (await import((useDist ? built(mod) : source(mod)).href)) as T;
  const [jobs, registry, clock] = await Promise.all([
    load<JobsModule>('fuzz/jobs'),
    load<RegistryModule>('adapters/registry'),
    load<ClockModule>('fuzz/clock'),
  ]);
  return {
    runFuzzJobs: jobs.runFuzzJobs,
    createAdapter: registry.createAdapter,
    VIRTUAL_TIME: clock.VIRTUAL_TIME,
    from: useDist ? 'dist' : 'src via tsx',
  };
}

// Run alone: every fuzz figure, one after the other (this module's constants are set by now).
if (isMainThread && process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const one = await benchFuzz();
  const parallel = await benchFuzzParallel();
  const jobs = await benchFuzzJobs();
  console.log(JSON.stringify({ one, parallel, jobs }, null, 2));
}

export interface FuzzParallelFigures {
  /** Worker threads: os.availableParallelism(). */
  workers: number;
  /** Runs per wall second of every worker together, median of the rounds. */
  runsPerSecond: number;
  rounds: number;
  loadAverage: number;
  from: FuzzFigures['from'];
}

/**
 * The one-thread bench (exactly 50 commands per run, fuzzRound) on every core at once: one worker
 * thread per core, each warmed up as benchFuzz warms up, then timed rounds that start together
 * (a shared barrier) and end when the last worker's round ends. Runs per second is every worker's
 * runs over that wall time. This is the work `tasksim fuzz --jobs auto` spreads over the cores,
 * with runs of the issue's fixed length rather than fc.commands' varying ones.
 */
export async function benchFuzzParallel(log: (line: string) => void = console.log): Promise<FuzzParallelFigures> {
  const workers = availableParallelism();
  const go = new SharedArrayBuffer(4);
  const released = new Int32Array(go);
  const threads = Array.from({ length: workers }, () =>
    startTsWorker(new URL('./fuzz-parallel-worker.ts', import.meta.url), { go, rounds: ROUNDS }),
  );
  let failed = 0;
  const next = (w: Worker) => nextMessage<{ type: string; failed?: number }>(w);
  try {
    await Promise.all(threads.map(next)); // every worker loaded and warm
    const wallMs: number[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      const ended = Promise.all(threads.map(next));
      const t0 = performance.now();
      Atomics.store(released, 0, r);
      Atomics.notify(released, 0);
      for (const msg of await ended) failed += msg.failed ?? 0;
      wallMs.push(performance.now() - t0);
    }
    if (failed > 0) throw new Error(`the reference failed against itself in ${failed} runs: the bench timed failures`);
    const wall = median(wallMs);
    const figures: FuzzParallelFigures = {
      workers,
      runsPerSecond: Math.round((workers * RUNS) / (wall / 1000)),
      rounds: ROUNDS,
      loadAverage: loadavg()[0],
      from: (await loadFuzzModules(() => {})).from,
    };
    log(
      `fuzz over ${workers} worker threads (${figures.from}): ${workers} × ${RUNS} runs of ${SEQUENCE} commands in ${wall.toFixed(0)} ms wall (median of ${ROUNDS} rounds after ${WARMUP_ROUNDS} warm-up each): ${figures.runsPerSecond} runs/s (target ≥ 1,000; load average ${figures.loadAverage.toFixed(1)})`,
    );
    return figures;
  } finally {
    await Promise.all(threads.map((w) => w.terminate()));
  }
}
