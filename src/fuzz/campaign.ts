/**
 * A fuzz campaign: fast-check runs `runs` random command sequences against the adapter, each in
 * lockstep with the model; the first failing one is shrunk to the shortest sequence that still fails,
 * and reported with its seed, fast-check path, and a replay token.
 */
import fc from 'fast-check';
import { AdapterProtocolError, AdapterUnreachable, type Capabilities, type QueueUnderTest } from '../adapters/contract.js';
import type { ResolvedConfig } from '../model/config.js';
import { applyOptions, optionArgs, type NamedOptions } from '../model/options.js';
import { commandArbs, type FuzzModel } from './commands.js';
import { configArb, describeConfig, wallClockConfigArb } from './config-arb.js';
import { Lockstep } from './lockstep.js';
import { BadReplayToken, decodeReplay, encodeReplay, type ReplayToken } from './replay-token.js';
import { shardRuns, shardSeed, type Shard } from './shard.js';
import { WALL_CLOCK_TOLERANCE, describeTolerance, type WallClockTolerance } from './tolerance.js';
import { FuzzFailure, type FuzzViolation } from './violation.js';
import { WallClockLockstep } from './wall-clock.js';

/** Quotes an argument for the printed replay line (a URL with & or spaces stays one word). */
function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export const DEFAULT_RUNS = 200;
export const DEFAULT_MAX_COMMANDS = 30;
/** On the wall clock a run takes about a second of real time: fewer and shorter runs by default. */
export const WALL_CLOCK_RUNS = 20;
export const WALL_CLOCK_MAX_COMMANDS = 12;
/** On the wall clock shrinking stops trying after this long (it keeps the shortest failure found). */
export const WALL_CLOCK_SHRINK_MS = 20_000;

export interface FuzzOptions {
  /** The adapter as named on the command line (for reports and the replay line). */
  adapter: string;
  queue: QueueUnderTest;
  runs?: number;
  /** The campaign seed; each shard derives its own (shard.ts). */
  seed: number;
  shard?: Shard;
  maxCommands?: number;
  /** Replays one failure instead of a campaign. */
  replay?: string;
  /** Called after each run (not each shrink step), for progress on a TTY. */
  onRun?: (done: number, total: number) => void;
  /** Called once the adapter has described itself, before the first run. */
  onStart?: (plan: FuzzPlan) => void;
  /** Wall clock: how long shrinking may take (default WALL_CLOCK_SHRINK_MS). */
  shrinkBudgetMs?: number;
  /** SPEC §10 readings by name, set on every generated configuration over its profile's defaults. */
  options?: NamedOptions;
}

/** How the campaign will run, once the adapter has said whether it controls its clock. */
export interface FuzzPlan {
  clock: 'virtual' | 'wall';
  runs: number;
  maxCommands: number;
  /** Wall clock: the tolerances in use. */
  tolerance?: WallClockTolerance;
}

export interface FailureReport {
  /** The queue configuration of the failing run, one line. */
  config: string;
  /** The commands of the minimal counterexample, in order. */
  commands: string[];
  violations: FuzzViolation[];
  /** fast-check's seed and path for the failure. */
  seed: number;
  path: string;
  /** The replay token (replay-token.ts). */
  token: string;
  /** The one line that reproduces it. */
  replay: string;
}

export const REPORT_KIND = 'tasksim-fuzz-report';

export interface FuzzReport {
  kind: typeof REPORT_KIND;
  adapter: string;
  seed: number;
  runs: number;
  shard: Shard;
  ok: boolean;
  failure?: FailureReport;
  durationMs: number;
  /** `wall`: the adapter does not let the harness move its clock; compared within `tolerance`. */
  clock?: 'virtual' | 'wall';
  tolerance?: WallClockTolerance;
}

interface LastFailure {
  config: ResolvedConfig;
  log: string[];
  violations: FuzzViolation[];
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const shard = opts.shard ?? { index: 1, count: 1 };
  const replay = opts.replay !== undefined ? decodeReplay(opts.replay) : undefined;
  let caps: Capabilities;
  try {
    caps = await opts.queue.describe();
  } catch (err) {
    if (!(err instanceof AdapterProtocolError)) throw err;
    // Garbage before the first run: a verdict on the adapter, with nothing to shrink or replay.
    return { ...base(opts, shard, 0, started), ok: false, failure: { config: '', commands: [], violations: failureOf(err), seed: 0, path: '', token: '', replay: '' } };
  }
  const realTime = !caps.controlsClock;
  if (replay && replay.realTime !== realTime) {
    throw new BadReplayToken(`it was made ${replay.realTime ? 'on the wall clock' : 'in virtual time'}, and ${opts.adapter} ${realTime ? 'does not let the harness move its clock' : 'lets the harness move its clock'}`);
  }
  const maxCommands = replay?.maxCommands ?? opts.maxCommands ?? (realTime ? WALL_CLOCK_MAX_COMMANDS : DEFAULT_MAX_COMMANDS);
  const runs = replay ? 1 : shardRuns(opts.runs ?? (realTime ? WALL_CLOCK_RUNS : DEFAULT_RUNS), shard);
  const seed = replay?.seed ?? shardSeed(opts.seed, shard);
  opts.onStart?.({ clock: realTime ? 'wall' : 'virtual', runs, maxCommands, ...(realTime ? { tolerance: WALL_CLOCK_TOLERANCE } : {}) });
  const shrinkBudgetMs = realTime ? (opts.shrinkBudgetMs ?? WALL_CLOCK_SHRINK_MS) : Infinity;
  let shrinkStarted = 0;

  let last: LastFailure | undefined;
  let fatal: AdapterUnreachable | undefined;
  let done = 0;
  let shrinking = false;
  const named = opts.options ?? {};
  const configs = (realTime ? wallClockConfigArb : configArb).map((c) => ({ ...c, options: applyOptions(c.options, named) }));
  const prop = fc.asyncProperty(
    configs,
    fc.nat(),
    fc.commands(commandArbs({ outages: caps.outages, realTime }), { maxCommands, size: 'max', ...(replay ? { replayPath: replay.replayPath } : {}) }),
    async (config, runSeed, cmds) => {
      if (fatal) throw fatal; // the adapter is gone: fail fast through the rest of the shrinking
      // Wall clock: past the budget every further shrink candidate passes untried, so fast-check
      // ends with the shortest failure found so far (and its path, which replays it).
      if (shrinking && performance.now() - shrinkStarted > shrinkBudgetMs) return;
      const run = realTime
        ? new WallClockLockstep({ config, seed: runSeed, sut: opts.queue, caps })
        : new Lockstep({ config, seed: runSeed, sut: opts.queue, caps });
      try {
        await executeRun(run, cmds, caps);
      } catch (err) {
        last = { config, log: run.log.slice(), violations: failureOf(err) };
        if (err instanceof AdapterUnreachable) fatal = err;
        if (!shrinking) shrinkStarted = performance.now();
        shrinking = true;
        throw err;
      } finally {
        await run.close();
        if (!shrinking) opts.onRun?.(++done, runs);
      }
    },
  );
  const details = await fc.check(prop, {
    seed,
    numRuns: runs,
    ...(replay ? { path: replay.path, endOnFailure: true } : {}),
  });
  if (fatal) throw fatal;
  const report: FuzzReport = { ...base(opts, shard, replay ? 1 : runs, started), ok: !details.failed };
  if (realTime) Object.assign(report, { clock: 'wall', tolerance: WALL_CLOCK_TOLERANCE });
  if (details.failed && last) {
    const token: ReplayToken = {
      v: 1,
      seed: details.seed,
      path: details.counterexamplePath ?? '',
      replayPath: replayPathOf(details.counterexample?.[2]) ?? replay?.replayPath ?? '',
      maxCommands,
      realTime,
    };
    const encoded = encodeReplay(token);
    report.failure = {
      config: describeConfig(last.config),
      commands: last.log,
      violations: last.violations,
      seed: details.seed,
      path: token.path,
      token: encoded,
      replay: [`tasksim fuzz --adapter ${shellQuote(opts.adapter)}`, ...optionArgs(named).map(shellQuote), `--replay ${encoded}`].join(' '),
    };
  } else if (details.failed) {
    throw details.errorInstance instanceof Error ? details.errorInstance : new Error('fuzz run failed without a report');
  }
  return report;
}

/** One run: start both sides, the commands (fast-check's model runner), then drain and judge. */
export async function executeRun(run: Lockstep, cmds: Iterable<fc.AsyncCommand<FuzzModel, Lockstep>>, _caps: Capabilities): Promise<void> {
  await run.start();
  const model: FuzzModel = { pull: run.pullQueues.length > 0, outages: run.supportsOutages };
  await fc.asyncModelRun(() => ({ model, real: run }), cmds);
  await run.finish();
}

function base(opts: FuzzOptions, shard: Shard, runs: number, started: number): Omit<FuzzReport, 'ok'> {
  return { kind: REPORT_KIND, adapter: opts.adapter, seed: opts.seed, runs, shard, durationMs: Math.round(performance.now() - started) };
}

/** The adapter cannot be fuzzed by this version (bad input, exit 2). */
export class UnsupportedAdapter extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedAdapter';
  }
}

/** The violations a run failed with: ours, or the adapter's protocol error as a verdict. */
function failureOf(err: unknown): FuzzViolation[] {
  if (err instanceof FuzzFailure) return err.violations;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof AdapterProtocolError || err instanceof AdapterUnreachable) {
    return [{ check: 'protocol', rule: 'PROTOCOL', t: 0, expected: 'an answer the HTTP/JSON protocol allows', actual: message, message }];
  }
  // A bug in the adapter (or the harness) that threw: reported as a verdict, not a stack trace.
  return [{ check: 'protocol', rule: 'PROTOCOL', t: 0, expected: 'no exception from the adapter', actual: message, message: `the adapter threw: ${message}` }];
}

/** fc.commands prints `/*replayPath="…"*\/` after the commands it ran. */
function replayPathOf(cmds: unknown): string | undefined {
  const m = /replayPath=("(?:[^"\\]|\\.)*")/.exec(String(cmds ?? ''));
  return m ? (JSON.parse(m[1]) as string) : undefined;
}

export function capabilitiesNote(c: Capabilities): string {
  return `${c.controlsClock ? 'virtual time' : 'wall clock'}${c.outages ? ', outages' : ''}${c.events ? ', reports its trace' : ''}`;
}

/** The line the CLI prints before a wall-clock campaign. */
export function wallClockNote(adapter: string, plan: FuzzPlan): string {
  return `tasksim fuzz: ${adapter} does not let the harness move its clock: running in real time, ${plan.runs} runs of ≤ ${plan.maxCommands} commands
  tolerances: ${describeTolerance(plan.tolerance)}
`;
}
