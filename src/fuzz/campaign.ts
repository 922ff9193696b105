/**
 * A fuzz campaign that keeps going. fast-check draws `runs` random command sequences; each runs
 * against the adapter in lockstep with the model. A failing run is recorded and the campaign goes
 * on with the next one, so one campaign finds every defect it can reach, not only the first:
 *
 *  1. explore: every run is made; a failure is put in a bucket by the rule it broke first, and
 *     the signatures (defects.ts) under which it showed are noted; the run's index is kept;
 *  2. shrink: each bucket's first run is replayed (fast-check `path`) and shrunk, a candidate
 *     counting as failing only when it breaks *the same rule first*: shrinking cannot slip from
 *     one defect to another, and each defect gets its own shortest counterexample.
 *
 * Rules marked known (`known`) are reported as known deviations: they neither fail the campaign
 * nor stop it. A replay token reproduces one failure.
 */
import fc from 'fast-check';
import {
  AdapterProtocolError,
  AdapterUnreachable,
  lackedFeatures,
  lacks,
  type Capabilities,
  type Feature,
  type QueueUnderTest,
} from '../adapters/contract.js';
import type { ResolvedConfig } from '../model/config.js';
import type { RuleId } from '../rules/index.js';
import { shellQuote } from '../report/shell.js';
import { applyOptions, optionArgs, type NamedOptions } from '../model/options.js';
import type { FuzzModel } from './commands.js';
import { describeConfig } from './config-arb.js';
import { REPORT_KIND } from './report-kind.js';
import { maxLateness, type Lateness } from './calibration.js';
import { signatureOf } from './defects.js';
import { RESOLVED } from './at-once.js';
import { Lockstep } from './lockstep.js';
import { BadReplayToken, decodeReplay, encodeReplay, type ReplayToken } from './replay-token.js';
import { shardRuns, shardSeed, type Shard } from './shard.js';
import { describeTolerance, type WallClockTolerance } from './tolerance.js';
import { PROTOCOL_FAULT, type CitedRule } from '../report/finding.js';
import { FuzzFailure, type FuzzViolation } from './violation.js';
import { VIRTUAL_TIME, WALL_CLOCK, clockFor } from './clock.js';

export const DEFAULT_RUNS = VIRTUAL_TIME.runs;
export const DEFAULT_MAX_COMMANDS = VIRTUAL_TIME.maxCommands;
/** On the wall clock a run takes about a second of real time: fewer and shorter runs by default. */
export const WALL_CLOCK_RUNS = WALL_CLOCK.runs;
export const WALL_CLOCK_MAX_COMMANDS = WALL_CLOCK.maxCommands;
/** On the wall clock shrinking gets at least this long (more for longer runs: shrinkBudget). */
export const WALL_CLOCK_SHRINK_MS = 20_000;
/** … and at most this long per defect, however long its run was. */
export const WALL_CLOCK_SHRINK_MAX_MS = 300_000;
/** Shrink attempts budgeted per command of the failing run (each attempt is one rerun). */
const SHRINK_RUNS_PER_COMMAND = 12;

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
  /** Rule IDs of known deviations: reported as known, not failing, not stopping the search. */
  known?: readonly CitedRule[];
  /** Stop exploring once this many distinct new defects are found (default: explore every run). */
  maxFailures?: number;
  /** Called after each run (not each shrink step), for progress on a TTY. */
  onRun?: (done: number, total: number, failed: number) => void;
  /** Called once the adapter has described itself, before the first run. */
  onStart?: (plan: FuzzPlan) => void;
  /** Asked before each explored run: true ends exploring there (SIGINT); what was found is still shrunk and reported. */
  stopRequested?: () => boolean;
  /**
   * Wall clock: how long shrinking one defect may take. Default: in proportion to its run
   * (SHRINK_RUNS_PER_COMMAND reruns per command), within WALL_CLOCK_SHRINK_MS…WALL_CLOCK_SHRINK_MAX_MS.
   */
  shrinkBudgetMs?: number;
  /** SPEC §10 readings by name, set on every generated configuration over its profile's defaults. */
  options?: NamedOptions;
  /** Wall clock: each failure carries its run's timeline (the harness's clock decisions, both sides' deliveries). */
  timeline?: boolean;
}

/** How the campaign will run, once the adapter has said whether it controls its clock. */
export interface FuzzPlan {
  clock: 'virtual' | 'wall';
  runs: number;
  maxCommands: number;
  /** Wall clock: the tolerances in use. */
  tolerance?: WallClockTolerance;
  /** What the queue lacks (never generated). */
  lacks: Feature[];
}

export interface FailureReport {
  /** The rule broken first (the bucket), and the signature of this counterexample (defects.ts). */
  rule: CitedRule;
  signature: string;
  /** Other signatures the same rule showed under in the campaign (other symptoms, same bucket). */
  variants?: string[];
  /** A known deviation (`--known`): reported, not failing. */
  known: boolean;
  /** How many explored runs failed this way. */
  occurrences: number;
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
  /** Wall clock, when asked (FuzzOptions.timeline): the run as the harness lived it (wall-timeline.ts). */
  timeline?: string[];
  /** How shrinking ended: no smaller failing sequence (`done`), out of time (`budget`), or not reproduced. */
  shrink?: { outcome: 'done' | 'budget' | 'not-reproduced' | 'queue-lost'; attempts: number; ms: number };
}

export interface FuzzReport {
  kind: typeof REPORT_KIND;
  adapter: string;
  seed: number;
  runs: number;
  shard: Shard;
  /** No new failure (known deviations do not count). */
  ok: boolean;
  /** The first new failure (kept for readers of one failure; `failures` has them all). */
  failure?: FailureReport;
  /** Every distinct failure of the campaign, new ones first, known ones after. */
  failures?: FailureReport[];
  /** The rules given as known. */
  known?: CitedRule[];
  /** The campaign stopped before its last run (the adapter was lost, or maxFailures was reached). */
  stopped?: string;
  durationMs: number;
  /** `wall`: the adapter does not let the harness move its clock; compared within `tolerance`. */
  clock?: 'virtual' | 'wall';
  tolerance?: WallClockTolerance;
  /** Wall clock: the harness's own lateness, the worst run's (every tolerance was widened by its noise). */
  calibration?: Lateness;
  /** Wall clock: runs with differences beyond a tolerance but inside the measured noise (not failing). */
  inconclusive?: { runs: number; examples: FuzzViolation[] };
}

/** A queue with no `runTask` call lacks RunTask (CT-4), whatever it says: the generators never ask for it. */
function withCalls(caps: Capabilities, queue: QueueUnderTest): Capabilities {
  if (queue.runTask !== undefined || lacks(caps, 'runTask')) return caps;
  return { ...caps, lacks: [...(caps.lacks ?? []), 'runTask'] };
}

interface Caught {
  config: ResolvedConfig;
  log: string[];
  violations: FuzzViolation[];
  timeline?: string[];
}

interface Bucket {
  rule: CitedRule;
  /** Each signature seen, with how often. */
  signatures: Map<string, number>;
  known: boolean;
  /** fast-check run index of its first occurrence. */
  run: number;
  occurrences: number;
  first: Caught;
  ms: number;
  /** The adapter was lost: not replayed. */
  lost: boolean;
}

type Cmds = Iterable<fc.AsyncCommand<FuzzModel, Lockstep>>;

export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const shard = opts.shard ?? { index: 1, count: 1 };
  const replay = opts.replay !== undefined ? decodeReplay(opts.replay) : undefined;
  const known = new Set(opts.known ?? []);
  let caps: Capabilities;
  try {
    caps = withCalls(await opts.queue.describe(), opts.queue);
  } catch (err) {
    if (!(err instanceof AdapterProtocolError)) throw err;
    // Garbage before the first run: a verdict on the adapter, with nothing to shrink or replay.
    const violations = failureOf(err);
    const f: FailureReport = {
      rule: PROTOCOL_FAULT,
      signature: signatureOf(violations[0]),
      known: false,
      occurrences: 1,
      config: '',
      commands: [],
      violations,
      seed: 0,
      path: '',
      token: '',
      replay: '',
    };
    return { ...base(opts, shard, 0, started), ok: false, failure: f, failures: [f] };
  }
  const strategy = clockFor(caps); // chosen once: every run of the campaign follows it
  const realTime = strategy.name === 'wall';
  if (replay && replay.realTime !== realTime) {
    throw new BadReplayToken(
      `it was made ${replay.realTime ? 'on the wall clock' : 'in virtual time'}, and ${opts.adapter} ${realTime ? 'does not let the harness move its clock' : 'lets the harness move its clock'}`,
    );
  }
  const maxCommands = replay?.maxCommands ?? opts.maxCommands ?? strategy.maxCommands;
  const runs = replay ? 1 : shardRuns(opts.runs ?? strategy.runs, shard);
  const seed = replay?.seed ?? shardSeed(opts.seed, shard);
  opts.onStart?.({
    clock: strategy.name,
    runs,
    maxCommands,
    lacks: lackedFeatures(caps).filter((f) => f !== 'virtualClock'),
    ...(strategy.tolerance ? { tolerance: strategy.tolerance } : {}),
  });

  const named = opts.options ?? {};
  const arbs = (replayPath?: string) =>
    [
      strategy.configArb(caps).map((c) => ({ ...c, options: applyOptions(c.options, named) })),
      fc.nat(),
      fc.commands(strategy.commandArbs(caps), { maxCommands, size: 'max', ...(replayPath ? { replayPath } : {}) }),
    ] as const;
  /** One run; its failure (never thrown past here, except an adapter that cannot be reached). */
  const runOnce = async (config: ResolvedConfig, runSeed: number, cmds: Cmds): Promise<Caught | undefined> => {
    const run = new Lockstep({ config, seed: runSeed, sut: opts.queue, caps, strategy, timeline: opts.timeline });
    try {
      await executeRun(run, cmds, caps);
      calibrate(run);
      return undefined;
    } catch (err) {
      if (err instanceof AdapterUnreachable) throw err;
      const timeline = run.clock.timeline?.();
      return { config, log: run.log.slice(), violations: failureOf(err), ...(timeline ? { timeline } : {}) };
    } finally {
      await run.close();
    }
  };
  let calibration: Lateness | undefined;
  let inconclusive: { runs: number; examples: FuzzViolation[] } | undefined;
  const calibrate = (run: Lockstep): void => {
    const measured = run.clock.lateness();
    if (!measured) return;
    calibration = calibration ? maxLateness(calibration, measured) : measured;
    if (run.inconclusive.length === 0) return;
    inconclusive ??= { runs: 0, examples: [] };
    inconclusive.runs++;
    if (inconclusive.examples.length < 5) inconclusive.examples.push(run.inconclusive[0]);
  };
  const tokenLine = (t: ReplayToken): { token: string; replay: string } => {
    const token = encodeReplay(t);
    return {
      token,
      replay: [
        `tasksim fuzz --adapter ${shellQuote(opts.adapter)}`,
        ...optionArgs(named).map(shellQuote),
        `--replay ${token}`,
      ].join(' '),
    };
  };

  const report: FuzzReport = { ...base(opts, shard, runs, started), ok: true };
  if (strategy.tolerance) Object.assign(report, { clock: strategy.name, tolerance: strategy.tolerance });
  if (known.size > 0) report.known = [...known];

  if (replay) {
    // One failure, exactly as recorded: fast-check's path to it, no further shrinking.
    let last: Caught | undefined;
    let ran = false;
    const [cfgArb, seedArb, cmdArb] = arbs(replay.replayPath);
    const details = await fc.check(
      fc.asyncProperty(cfgArb, seedArb, cmdArb, async (config, runSeed, cmds) => {
        // Only the recorded run: where it passes (a queue fixed since), fast-check would go on through
        // the rest of its shrink tree, as numRuns does not bound a path that goes into shrinks.
        if (ran) return;
        ran = true;
        last = await runOnce(config, runSeed, cmds);
        if (last) throw new FuzzFailure(last.violations);
      }),
      { seed, numRuns: 1, path: replay.path, endOnFailure: true },
    );
    if (details.failed && last) {
      const f = failureReport(last, known, 1, details.seed, replay.path, tokenLine(replay));
      report.failures = [f];
      if (!f.known) report.failure = f;
      report.ok = f.known;
    }
    return finish(report, started, calibration, inconclusive);
  }

  // 1. Explore: every run, failures bucketed; the property itself never fails.
  const buckets = new Map<string, Bucket>();
  let index = 0;
  let done = 0;
  let failed = 0;
  let stopped: string | undefined;
  const newDefects = (): number => [...buckets.values()].filter((b) => !b.known).length;
  const [cfgArb, seedArb, cmdArb] = arbs();
  const explored = await fc.check(
    fc.asyncProperty(cfgArb, seedArb, cmdArb, async (config, runSeed, cmds) => {
      const i = index++;
      if (stopped) return;
      if (opts.stopRequested?.()) {
        stopped = `interrupted after ${done} of ${runs} runs`;
        throw new Error(stopped); // with endOnFailure fast-check ends here, drawing no further run
      }
      const t0 = performance.now();
      const caught = await runOnce(config, runSeed, cmds);
      done++;
      if (caught) failed++;
      opts.onRun?.(done, runs, failed);
      if (!caught) return;
      const v = caught.violations[0];
      const signature = signatureOf(v);
      const b = buckets.get(v.rule);
      if (b) {
        b.occurrences++;
        b.signatures.set(signature, (b.signatures.get(signature) ?? 0) + 1);
      } else {
        const lost = v.check === 'protocol' && /connection lost/.test(v.message);
        buckets.set(v.rule, {
          rule: v.rule,
          signatures: new Map([[signature, 1]]),
          known: known.has(v.rule),
          run: i,
          occurrences: 1,
          first: caught,
          ms: performance.now() - t0,
          lost,
        });
        if (lost) stopped = `the queue was lost at run ${i + 1} of ${runs}: ${v.message}`;
        else if (opts.maxFailures !== undefined && newDefects() >= opts.maxFailures)
          stopped = `${opts.maxFailures} distinct new failure(s) found (--max-failures)`;
      }
    }),
    { seed, numRuns: runs, endOnFailure: true },
  );
  // Exploring fails only to stop (SIGINT, which sets `stopped`) or when a run threw what is no verdict
  // on the queue (AdapterUnreachable): that ends the campaign as it would before the first run.
  if (explored.failed && !stopped) throw explored.errorInstance;
  report.runs = done;
  if (stopped) report.stopped = stopped;

  // 2. Shrink each bucket from its first run, keeping to its signature.
  const failures: FailureReport[] = [];
  for (const b of buckets.values()) {
    const firstToken = tokenLine({ v: 1, seed, path: String(b.run), replayPath: '', maxCommands, realTime });
    if (b.lost) {
      failures.push({
        ...failureReport(b.first, known, b.occurrences, seed, String(b.run), firstToken),
        shrink: { outcome: 'queue-lost', attempts: 0, ms: 0 },
      });
      continue;
    }
    const budgetMs = realTime ? (opts.shrinkBudgetMs ?? proportionateBudget(b)) : Infinity;
    const t0 = performance.now();
    let attempts = 0;
    let outOfTime = false;
    let last: Caught | undefined;
    const details = await fc.check(
      fc.asyncProperty(cfgArb, seedArb, cmdArb, async (config, runSeed, cmds) => {
        // Past the budget every further candidate passes untried: fast-check ends with the shortest
        // failure found so far (and its path, which replays it).
        if (last && performance.now() - t0 > budgetMs) {
          outOfTime = true;
          return;
        }
        attempts++;
        const caught = await runOnce(config, runSeed, cmds);
        if (!caught || caught.violations[0].rule !== b.rule) return;
        last = caught;
        throw new FuzzFailure(caught.violations);
      }),
      { seed, numRuns: 1, path: String(b.run) },
    );
    const ms = Math.round(performance.now() - t0);
    if (details.failed && last) {
      const path = details.counterexamplePath ?? String(b.run);
      const line = tokenLine({
        v: 1,
        seed: details.seed,
        path,
        replayPath: replayPathOf(details.counterexample?.[2]) ?? '',
        maxCommands,
        realTime,
      });
      failures.push({
        ...failureReport(last, known, b.occurrences, details.seed, path, line),
        shrink: { outcome: outOfTime ? 'budget' : 'done', attempts, ms },
      });
    } else {
      // On the wall clock a failure may not come back the same way on its replay: the run as first seen.
      failures.push({
        ...failureReport(b.first, known, b.occurrences, seed, String(b.run), firstToken),
        shrink: { outcome: 'not-reproduced', attempts, ms },
      });
    }
  }
  for (const f of failures) {
    const variants = [...(buckets.get(f.rule)?.signatures.keys() ?? [])].filter((sig) => sig !== f.signature);
    if (variants.length > 0) f.variants = variants;
  }
  failures.sort((a, b) => Number(a.known) - Number(b.known));
  if (failures.length > 0) report.failures = failures;
  report.failure = failures.find((f) => !f.known);
  report.ok = report.failure === undefined;
  if (!report.failure) delete report.failure;
  return finish(report, started, calibration, inconclusive);
}

/** A wall-clock shrink gets SHRINK_RUNS_PER_COMMAND reruns of its failing run per command, within bounds. */
function proportionateBudget(b: Bucket): number {
  const want = SHRINK_RUNS_PER_COMMAND * Math.max(1, b.first.log.length) * b.ms;
  return Math.min(WALL_CLOCK_SHRINK_MAX_MS, Math.max(WALL_CLOCK_SHRINK_MS, Math.round(want)));
}

function failureReport(
  c: Caught,
  known: ReadonlySet<string>,
  occurrences: number,
  seed: number,
  path: string,
  line: { token: string; replay: string },
): FailureReport {
  const v = c.violations[0];
  return {
    rule: v.rule,
    signature: signatureOf(v),
    known: known.has(v.rule),
    occurrences,
    config: describeConfig(c.config),
    commands: c.log,
    violations: c.violations,
    seed,
    path,
    ...line,
    ...(c.timeline ? { timeline: c.timeline } : {}),
  };
}

function finish(
  r: FuzzReport,
  started: number,
  calibration?: Lateness,
  inconclusive?: FuzzReport['inconclusive'],
): FuzzReport {
  if (calibration) r.calibration = calibration;
  if (inconclusive) r.inconclusive = inconclusive;
  r.durationMs = Math.round(performance.now() - started);
  return r;
}

/** One run: start both sides, the commands (fast-check's model runner), then drain and judge. */
export async function executeRun(run: Lockstep, cmds: Cmds, _caps: Capabilities): Promise<void> {
  const started = run.start();
  if (started !== RESOLVED) await started;
  const model: FuzzModel = { pull: run.pullQueues.length > 0, outages: run.supportsOutages };
  // fc.asyncModelRun's loop, without its promise chain of one `then` per command built up front: the
  // same commands run in the same order (a throw stops the rest, and fc.commands' wrappers still
  // mark which ran, for the counterexample's replay path). A command done at once is not waited for
  // (at-once.ts): nothing else runs in between, in this process or in the queue.
  for (const cmd of cmds) {
    if (!cmd.check(model)) continue;
    const ran = cmd.run(model, run);
    if (ran !== RESOLVED) await ran;
  }
  await run.finish();
}

function base(opts: FuzzOptions, shard: Shard, runs: number, started: number): Omit<FuzzReport, 'ok'> {
  return {
    kind: REPORT_KIND,
    adapter: opts.adapter,
    seed: opts.seed,
    runs,
    shard,
    durationMs: Math.round(performance.now() - started),
  };
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
    return [
      {
        check: 'protocol',
        rule: PROTOCOL_FAULT,
        t: 0,
        expected: 'an answer the HTTP/JSON protocol allows',
        actual: message,
        message,
      },
    ];
  }
  // A bug in the adapter (or the harness) that threw: reported as a verdict, not a stack trace.
  return [
    {
      check: 'protocol',
      rule: PROTOCOL_FAULT,
      t: 0,
      expected: 'no exception from the adapter',
      actual: message,
      message: `the adapter threw: ${message}`,
    },
  ];
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
