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
 */
import fc from 'fast-check';
import { existsSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

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
}

const SEQUENCE = 50;
const RUNS = 200;
const WARMUP_ROUNDS = 3;
const ROUNDS = 3;
const SEED = 2026;
const MODULES = ['adapters/reference', 'fuzz/campaign', 'fuzz/commands', 'fuzz/config-arb', 'fuzz/lockstep'];

interface FuzzModules {
  ReferenceQueue: ReferenceModule['ReferenceQueue'];
  executeRun: CampaignModule['executeRun'];
  commandArbs: CommandsModule['commandArbs'];
  configArb: ConfigArbModule['configArb'];
  Lockstep: LockstepModule['Lockstep'];
  from: FuzzFigures['from'];
}

export async function benchFuzz(log: (line: string) => void = console.log): Promise<FuzzFigures> {
  const m = await loadFuzzModules(log);
  const caps = { controlsClock: true, outages: true, events: true };
  // Exactly 50 commands each (fc.commands would vary the length).
  const cmdArb = fc.array(fc.oneof(...m.commandArbs({ outages: true, realTime: false })), {
    minLength: SEQUENCE,
    maxLength: SEQUENCE,
  });
  const sut = new m.ReferenceQueue();
  let failed = 0;
  const round = async (): Promise<void> => {
    await fc.check(
      fc.asyncProperty(m.configArb, fc.nat(), cmdArb, async (config, seed, cmds) => {
        const run = new m.Lockstep({ config, seed, sut, caps });
        try {
          await m.executeRun(run, cmds, caps);
        } catch {
          failed++; // the reference against itself: never expected
        } finally {
          await run.close();
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
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
  if (failed > 0) throw new Error(`the reference failed against itself in ${failed} runs: the bench timed failures`);
  const wall = median(wallMs);
  const cpu = median(cpuMs);
  const runsPerSecond = Math.round(RUNS / (wall / 1000));
  const runsPerCpuSecond = Math.round(RUNS / (cpu / 1000));
  const load = loadavg()[0];
  log(
    `fuzz (${m.from}): ${RUNS} runs of ${SEQUENCE} commands, drawn and run, in ${wall.toFixed(0)} ms wall, ${cpu.toFixed(0)} ms CPU (medians of ${ROUNDS} rounds after ${WARMUP_ROUNDS} warm-up): ${runsPerSecond} runs/s, ${runsPerCpuSecond} runs per CPU second (target ≥ 1,000; load average ${load.toFixed(1)})`,
  );
  return {
    runsPerSecond,
    runsPerCpuSecond,
    loadAverage: load,
    commandsPerRun: SEQUENCE,
    runs: RUNS,
    rounds: ROUNDS,
    from: m.from,
  };
}

/** The build in dist/ when it is there and not older than the sources it was built from, else the sources. */
async function loadFuzzModules(log: (line: string) => void): Promise<FuzzModules> {
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

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const f = await benchFuzz();
  console.log(JSON.stringify(f, null, 2));
}
