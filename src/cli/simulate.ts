/** `tasksim simulate <scenario>`: a workload on the model in virtual time, with its invariants. */
import type { Command } from 'commander';
import { runScenario, type ScenarioResult } from '../scenario/run.js';
import type { RunCounters } from '../scenario/counters.js';
import type { Scenario } from '../scenario/types.js';
import type { Engine } from '../model/engine.js';
import { formatCount } from '../report/format.js';
import { NdjsonWriter, type TraceSink } from '../sim/trace.js';
import { isProfileName } from '../model/profiles.js';
import { createProgress, progressEnabled, type PhaseTime } from '../report/progress.js';
import { formatDuration } from '../sim/time.js';
import { OutputError } from '../report/output-file.js';
import { CliError, EXIT, cliOptions, collectOption, parseSeed, runCommand } from './common.js';
import { shellQuote } from '../report/shell.js';
import { optionArgs } from '../model/options.js';
import { checkOutputs, outputsOf } from './outputs.js';
import { dim, num, red, statusWord } from './format.js';
import { HeapBudget } from './heap-budget.js';
import { stopOnSignals } from './signals.js';
import { findingLines, invariantFinding } from '../report/finding.js';

export interface SimulateOptions {
  seed?: string;
  json?: boolean;
  trace?: string;
  profile?: string;
  detCheck?: boolean;
  reportDir?: string;
  /** Repeated `--option name=value` (SPEC §10). */
  option?: string[];
  /** Where the invariants are judged: `auto` (default), `on` (a thread of their own), `off` (inline). */
  invariantThread?: string;
}

const THREAD_MODES = ['auto', 'on', 'off'] as const;

export interface SimulationOutcome extends ScenarioResult {
  /** Wall time of the run itself (the events/s figure). */
  wallMs: number;
  /** Wall time of the whole command, from process start to the summary. */
  totalWallMs: number;
  /** Wall time of each phase: the run, INV-DET's re-run, the report. */
  phases: PhaseTime[];
  determinism: { status: 'pass' | 'fail' | 'skip'; rerunHash?: string };
  replay: string;
  reportFiles?: string[];
  /** The signal that stopped the run (its trace ends with `end: stopped`). */
  stoppedBy?: 'SIGINT' | 'SIGTERM';
  /** Outputs that could not be written after the run (a full disk): the old files are intact. */
  writeErrors: OutputError[];
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('run a scenario on the model in virtual time and check every invariant')
    .argument('<scenario>', 'a scenario file (see scenarios/README.md)')
    .option('--seed <n>', "the seed (default: the scenario's own)")
    .option('--profile <name>', "appengine | cloud-tasks (default: the scenario's)")
    .option(
      '--option <name=value>',
      "a SPEC §10 reading, over the scenario's options (repeatable; see tasksim options)",
      collectOption,
      [],
    )
    .option('--json', 'print one JSON object on stdout')
    .option('--trace <file>', 'write the whole trace as NDJSON')
    .option('--report-dir <dir>', 'write index.html (charts), report.json and report.md there')
    .option('--no-det-check', 'skip the second run that proves the trace hash is reproducible (INV-DET)')
    .option(
      '--invariant-thread <mode>',
      'where the invariants are judged: auto (a thread of their own for runs of 100,000 tasks or more on two\n' +
        "cores or more), on, or off (in the engine's thread; the same verdicts, slower for big runs)",
      'auto',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 every invariant holds, 1 one fails (or an expectation is unmet), 2 bad input\n' +
        '(an output path that cannot be written included), 3 no verdict: the invariants could not be judged\n' +
        '(their checker thread failed; re-run with --invariant-thread off), 4 the run finished but an output\n' +
        'could not be written (the previous file is left intact), 130/143 stopped by SIGINT/SIGTERM (the trace\n' +
        'so far is kept, ending with `end: stopped`). A run whose virtual clock stands still is stopped: exit 1.',
    )
    .action((file: string, opts: SimulateOptions) =>
      runCommand(async () => {
        const outcome = await simulate(file, opts);
        if (outcome.stoppedBy) {
          const code = outcome.stoppedBy === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
          const trace = opts.trace ? `; the trace so far is in ${opts.trace} (end: stopped)` : '';
          process.stderr.write(
            `tasksim: stopped by ${outcome.stoppedBy} after ${num(outcome.events)} events at ${formatDuration(Math.round(outcome.virtualSeconds * 1e6))} virtual${trace}; no verdict.\n`,
          );
          return code;
        }
        process.stdout.write(opts.json ? JSON.stringify(toJson(outcome)) + '\n' : formatSummary(outcome));
        for (const e of outcome.writeErrors)
          process.stderr.write(`tasksim: ${e.message} (the previous file, if any, is left as it was)\n`);
        if (outcome.writeErrors.length > 0) return EXIT.cannotWrite;
        return passed(outcome) ? EXIT.ok : EXIT.failed;
      }),
    );
}

export async function simulate(file: string, opts: SimulateOptions): Promise<SimulationOutcome> {
  if (opts.profile !== undefined && !isProfileName(opts.profile)) {
    throw new CliError(`--profile must be appengine or cloud-tasks, got ${JSON.stringify(opts.profile)}`);
  }
  const options = cliOptions(opts.option);
  const invariantThread = opts.invariantThread ?? 'auto';
  if (!(THREAD_MODES as readonly string[]).includes(invariantThread))
    throw new CliError(`--invariant-thread must be auto, on or off, got ${JSON.stringify(invariantThread)}`);
  // Loaded here, not at the top: `simulate --help` and a usage error need neither the YAML parser nor,
  // without --report-dir, the report's histograms.
  const { loadScenario } = await import('../scenario/load.js');
  const scenario = await loadScenario(file, { profile: opts.profile as 'appengine' | undefined, options });
  const seed = opts.seed === undefined ? scenario.seed : parseSeed(opts.seed);
  // The scenario's queue.yaml is an input too (the command line's inputs were checked before).
  if (scenario.queueYaml !== undefined) checkOutputs(outputsOf({ ...opts }), [scenario.queueYaml]);
  const replay = [
    'tasksim',
    'simulate',
    file,
    '--seed',
    String(seed),
    ...(opts.profile ? ['--profile', opts.profile] : []),
    ...optionArgs(options),
  ]
    .map(shellQuote)
    .join(' ');
  const stats = opts.reportDir ? new (await import('../report/stats.js')).SimulationStats() : undefined;
  const trace = opts.trace ? openTrace(opts.trace) : undefined;
  const sinks: TraceSink[] = [...(stats ? [stats] : []), ...(trace ? [trace] : [])];
  const progress = createProgress({ enabled: progressEnabled(process.stderr, process.env, opts.json) });
  const goal = progressGoal(scenario);
  const stop = stopOnSignals();
  try {
    progress.start('simulate', goal.total, goal.unit);
    const heap = new HeapBudget();
    const onProgress = (e: Engine, c: RunCounters): void => {
      heap.check();
      progress.update(goal.done(e, c), `${formatCount(e.events)} events · ${formatDuration(e.now)} virtual`);
    };
    const result = await runScenario(scenario, {
      seed,
      sinks,
      onProgress,
      progressEvery: PROGRESS_EVERY,
      signal: stop.signal,
      invariantThread: invariantThread as (typeof THREAD_MODES)[number],
    }).catch((e: unknown) => {
      throw noVerdict(e, replay, trace?.committed ? trace.path : undefined);
    });
    const writeErrors = trace?.error ? [trace.error] : [];
    let determinism: SimulationOutcome['determinism'] = { status: 'skip' };
    if (opts.detCheck !== false && !stop.by && !result.stalled) {
      progress.phase('INV-DET re-run', result.events, 'events');
      heap.collect(); // the first run's heap goes before the second one grows its own
      const again = await runScenario(scenario, {
        seed,
        checkInvariants: false,
        signal: stop.signal,
        progressEvery: PROGRESS_EVERY,
        onProgress: (e) => {
          heap.check();
          progress.update(e.events, `${formatDuration(e.now)} virtual`);
        },
      });
      if (!stop.by)
        determinism = { status: again.traceHash === result.traceHash ? 'pass' : 'fail', rerunHash: again.traceHash };
    }
    const outcome: SimulationOutcome = {
      ...result,
      wallMs: 0,
      totalWallMs: 0,
      phases: [],
      determinism,
      replay,
      writeErrors,
      ...(stop.by ? { stoppedBy: stop.by } : {}),
    };
    if (stats && opts.reportDir && !stop.by) {
      progress.phase('report');
      try {
        const { writeSimulationReport } = await import('../report/simulation-report.js');
        const written = await writeSimulationReport(opts.reportDir, {
          scenario: scenario.name,
          seed,
          traceHash: result.traceHash,
          summary: stats.toJSON(),
          invariants: [...result.invariants, determinismResult(determinism)],
        });
        outcome.reportFiles = [written.html, written.json, written.markdown];
      } catch (e) {
        if (!(e instanceof OutputError)) throw e;
        writeErrors.push(e);
      }
    }
    progress.stop();
    outcome.phases = progress.phases().map((p) => ({ label: p.label, ms: Math.round(p.ms) }));
    outcome.wallMs = outcome.phases[0].ms; // the run itself: what events/s is measured over
    outcome.totalWallMs = Math.round(performance.now()); // since the process began: the whole command
    return outcome;
  } catch (e) {
    trace?.abort(); // a run that failed leaves the old trace, not half a new one
    throw e;
  } finally {
    progress.stop();
    stop.dispose();
  }
}

/**
 * A checker thread that failed (InvariantThreadError) leaves the run without a verdict: neither pass
 * nor fail, so exit 3, with what to do. By name: importing the class would load the thread's module.
 */
function noVerdict(e: unknown, replay: string, tracePath: string | undefined): unknown {
  if (!(e instanceof Error) || e.name !== 'InvariantThreadError') return e;
  // The engine ended the run (its trace closed, ending with its `end` event) before the verdict was asked for.
  const offline = tracePath
    ? `\nThe trace is in ${tracePath}: \`tasksim check ${shellQuote(tracePath)}\` judges it offline.`
    : '';
  return new CliError(
    `no verdict: the invariant checker thread failed, so the run's invariants were not judged (neither pass nor fail).\n` +
      `  ${e.message}\n` +
      `Judge them in the engine's own thread instead: ${replay} --invariant-thread off${offline}`,
    EXIT.unreachable,
  );
}

/** Progress reports this often (events): a few times a second at simulate's speed. */
const PROGRESS_EVERY = 50_000;

/**
 * What the bar counts towards: virtual seconds when the scenario stops at a time, else tasks
 * finished (succeeded, exhausted or deleted) out of every task the workload adds.
 */
function progressGoal(s: Scenario): { total: number; unit: string; done: (e: Engine, c: RunCounters) => number } {
  if (s.stop.untilUs !== undefined) {
    return { total: Math.ceil(s.stop.untilUs / 1e6), unit: 's virtual', done: (e) => Math.floor(e.now / 1e6) };
  }
  return {
    total: s.workload.reduce((n, w) => n + w.count, 0),
    unit: 'tasks',
    done: (_e, c) => c.succeeded + c.exhausted + c.deleted,
  };
}

function openTrace(path: string): NdjsonWriter {
  try {
    return new NdjsonWriter(path);
  } catch (e) {
    if (e instanceof OutputError) throw new CliError(`${e.message} (--trace)`);
    throw e;
  }
}

/** INV-DET as an invariant row: proven by the second run's hash. */
function determinismResult(d: SimulationOutcome['determinism']) {
  return {
    id: 'INV-DET',
    status: d.status,
    checked: d.status === 'skip' ? 0 : 1,
    violations: d.status === 'fail' ? 1 : 0,
    note:
      d.status === 'skip'
        ? 'not re-run (--no-det-check)'
        : d.status === 'pass'
          ? 'a second run with the same seed gave the same trace hash'
          : `the second run gave ${d.rerunHash}`,
  };
}

export function passed(o: SimulationOutcome): boolean {
  return (
    !o.stalled &&
    !o.stoppedBy &&
    o.invariants.every((i) => i.status !== 'fail') &&
    o.determinism.status !== 'fail' &&
    o.unmet.length === 0
  );
}

export function toJson(o: SimulationOutcome): Record<string, unknown> {
  const invariants: Record<string, unknown> = {};
  for (const i of o.invariants)
    invariants[i.id] = {
      status: i.status,
      checked: i.checked,
      violations: i.violations,
      ...(i.examples.length ? { examples: i.examples } : {}),
      ...(i.note ? { note: i.note } : {}),
    };
  const det = determinismResult(o.determinism);
  invariants['INV-DET'] = { status: det.status, checked: det.checked, violations: det.violations, note: det.note };
  return {
    scenario: o.scenario,
    seed: o.seed,
    traceHash: o.traceHash,
    events: o.events,
    ...o.counts,
    end: o.end,
    virtualSeconds: o.virtualSeconds,
    wallMs: o.wallMs,
    totalWallMs: o.totalWallMs,
    phases: Object.fromEntries(o.phases.map((p) => [p.label, p.ms])),
    eventsPerSecond: o.wallMs > 0 ? Math.round((o.events / o.wallMs) * 1000) : null,
    invariants,
    unmet: o.unmet,
    ...(o.stalled ? { stalled: stalledMessage(o.stalled) } : {}),
    ok: passed(o),
    replay: o.replay,
    ...(o.reportFiles ? { reportFiles: o.reportFiles } : {}),
  };
}

export function formatSummary(o: SimulationOutcome): string {
  const c = o.counts;
  const lines = [
    `scenario    ${o.scenario}   seed ${o.seed}`,
    `trace       sha256:${o.traceHash.slice(0, 16)}…  ${num(o.events)} events, ended ${o.end}`,
    `tasks       ${num(c.tasks)} added · ${num(c.succeeded)} succeeded · ${num(c.exhausted)} exhausted · ${num(c.deleted)} deleted${c.rejected ? ` · ${num(c.rejected)} refused` : ''}`,
    `attempts    ${num(c.attempts)}${c.tasks ? ` (${(c.attempts / c.tasks).toFixed(3)} per task)` : ''}${c.duplicates ? ` + ${num(c.duplicates)} duplicate deliveries` : ''}${c.leases ? ` · ${num(c.leases)} leases, ${num(c.expired)} expired` : ''}`,
    `time        ${num(Math.round(o.virtualSeconds * 1000) / 1000)} s virtual in ${num(o.wallMs)} ms wall${o.wallMs > 0 ? dim(` (${num(Math.round((o.events / o.wallMs) * 1000))} events/s)`) : ''}`,
    `wall        ${num(o.totalWallMs)} ms in all${o.phases.map((p) => dim(` · ${p.label} ${num(p.ms)} ms`)).join('')}`,
    'invariants',
    ...o.invariants.map(
      (i) =>
        `  ${statusWord(i.status)} ${i.id.padEnd(24)} ${dim(`${num(i.checked)} checked${i.violations ? `, ${num(i.violations)} violations` : ''}${i.note ? ` · ${i.note}` : ''}`)}`,
    ),
    `  ${statusWord(o.determinism.status)} ${'INV-DET'.padEnd(24)} ${dim(o.determinism.status === 'skip' ? 'not re-run (--no-det-check)' : `re-run with seed ${o.seed}: ${o.determinism.status === 'pass' ? 'same hash' : `hash ${o.determinism.rerunHash}`}`)}`,
  ];
  for (const i of o.invariants) {
    for (const v of i.examples.slice(0, 5)) {
      lines.push(...findingLines(invariantFinding(v), red));
    }
  }
  for (const u of o.unmet) lines.push(red(`  ✗ expectation unmet: ${u}`));
  if (o.stalled) lines.push(red(`  ✗ ${stalledMessage(o.stalled)}`));
  if (o.reportFiles) lines.push(`report      ${o.reportFiles[0]}`);
  if (!passed(o)) lines.push(`seed ${o.seed} · replay: ${o.replay}`);
  return lines.join('\n') + '\n';
}

/** The verdict of a run stopped because its clock stood still (a loop at one instant). */
function stalledMessage(s: NonNullable<ScenarioResult['stalled']>): string {
  return `stopped: virtual time stood still at ${formatDuration(s.atUs)} for ${num(s.events)} events (something loops at one instant; the run cannot end)`;
}
