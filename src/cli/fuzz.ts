/**
 * `tasksim fuzz --adapter <reference|mutant:NAME|http://host:port|cloud-tasks://host:port>`: model-based fuzzing of a queue
 * implementation against the engine (SPEC §1–9). Exit codes (common.ts): 0 no violation, 1 a
 * violation (its minimal counterexample is printed), 2 bad input, 3 the adapter is unreachable.
 * An adapter that does not let the harness move its clock is fuzzed in real time: the CLI says so,
 * and prints the tolerances, on stderr before the first run (and in the report). A campaign goes on
 * after a failure and reports each distinct one; `--known` rules are reported, not failing.
 */
import { access, constants, mkdir } from 'node:fs/promises';
import type { Command } from 'commander';
import { AdapterSetupError, AdapterUnreachable, lackedFeatures } from '../adapters/contract.js';
import { UnknownAdapter, builtInAdapters, openAdapter } from '../adapters/adapter-spec.js';
import {
  DEFAULT_MAX_COMMANDS,
  DEFAULT_RUNS,
  UnsupportedAdapter,
  WALL_CLOCK_MAX_COMMANDS,
  WALL_CLOCK_RUNS,
  WALL_CLOCK_SHRINK_MAX_MS,
  WALL_CLOCK_SHRINK_MS,
  wallClockNote,
  type FuzzReport,
} from '../fuzz/campaign.js';
import { JobsRefused, MAX_JOBS, parseJobs, runFuzzJobs, type JobsReport } from '../fuzz/jobs.js';
import { BadKnownList, parseKnown, readKnownFile } from '../fuzz/defects.js';
import type { CitedRule } from '../report/finding.js';
import { BadReplayToken, MAX_COMMANDS_LIMIT, MAX_RUNS_LIMIT } from '../fuzz/replay-token.js';
import { formatText, writeReportDir } from '../fuzz/report.js';
import { parseShard } from '../fuzz/shard.js';
import { createProgress, progressEnabled } from '../report/progress.js';
import { stopOnSignals } from './signals.js';
import { CliError, EXIT, cliOptions, collectOption, parseIntOption, parseSeed, runCommand } from './common.js';

export interface FuzzCliOptions {
  adapter?: string;
  runs?: string;
  seed?: string;
  shard?: string;
  jobs?: string;
  maxCommands?: string;
  json?: boolean;
  reportDir?: string;
  replay?: string;
  list?: boolean;
  timeout?: string;
  handlerHost?: string;
  shrinkTime?: string;
  known?: string;
  knownFile?: string;
  maxFailures?: string;
  timeline?: boolean;
  option?: string[];
}

export function registerFuzz(program: Command): void {
  program
    .command('fuzz')
    .description(
      'check a queue implementation against the model: random operations, shrunk to a minimal replayable counterexample',
    )
    .option(
      '--adapter <adapter>',
      'reference | mutant:<name> | http://host:port (a queue serving the HTTP/JSON protocol) | cloud-tasks://host:port (a Cloud Tasks API over gRPC; see below)',
    )
    .option('--runs <n>', `random runs (default ${DEFAULT_RUNS}; ${WALL_CLOCK_RUNS} for a queue on the wall clock)`)
    .option('--seed <n>', 'the campaign seed (default: random, printed)')
    .option('--shard <i/n>', 'run shard i of n of the campaign (each shard derives its seed from --seed)')
    .option(
      '--jobs <n|auto>',
      `worker threads for the reference and mutants (default 1; auto: one per core; at most ${MAX_JOBS}): job j of n runs shard j/n of the campaign (of --shard's part), joined into one report`,
    )
    .option(
      '--max-commands <n>',
      `longest command sequence (default ${DEFAULT_MAX_COMMANDS}; ${WALL_CLOCK_MAX_COMMANDS} on the wall clock)`,
    )
    .option('--json', 'print exactly one JSON object on stdout')
    .option('--report-dir <dir>', 'write report.json and report.md there')
    .option('--replay <token>', 'replay one failure from its token (printed with every failure)')
    .option('--timeout <ms>', 'HTTP and Cloud Tasks adapters: per request (default 10000)')
    .option('--handler-host <host>', 'HTTP adapters: where the harness handler listens (default 127.0.0.1)')
    .option(
      '--shrink-time <ms>',
      `queues on the wall clock: how long shrinking one failure may take, keeping the shortest found (default: 12 reruns per command of the failing run, ${WALL_CLOCK_SHRINK_MS / 1000}–${WALL_CLOCK_SHRINK_MAX_MS / 1000} s)`,
    )
    .option(
      '--known <rules>',
      'known deviations, e.g. HDR-3,RETRY-4: reported as known, not failing, not stopping the search',
    )
    .option('--known-file <file>', 'the same as a file: rule IDs, one per line or comma-separated, # comments')
    .option('--max-failures <n>', 'stop exploring after n distinct new failures (default: run every run)')
    .option(
      '--timeline',
      "wall clock: print each failure's run as the harness lived it (calls, waits, both sides' deliveries, noise)",
    )
    .option(
      '--option <name=value>',
      'a SPEC §10 reading for every run (repeatable; see tasksim options)',
      collectOption,
      [],
    )
    .option('--list', 'print the built-in adapters, one per line')
    .addHelpText(
      'after',
      `
cloud-tasks://HOST:PORT[?clock=HOST:PORT][&handler=HOST:PORT][&project=P][&location=L] fuzzes a
Cloud Tasks service (e.g. tasksim serve) through the official client over gRPC, with fresh queues
for every run. clock= is its clock control (tasksim serve --control-port, with --clock virtual): the
harness then moves the service's clock and compares in virtual time; without it, the wall clock.
handler= is where the service delivers App Engine tasks (tasksim serve --appengine-host), where the
harness's handler listens (default 127.0.0.1:8080). cloud-tasks+rest://… is the same over REST
(HTTP/1.1 + JSON, the client's fallback: 'rest'; tasksim serve speaks both on one port).

A campaign goes on after a failure: each distinct failure (by rule and signature) is reported once,
with its own shortest counterexample and replay line. --report-dir also writes junit.xml.

--jobs N runs the campaign of the reference or a mutant over N worker threads: job j runs shard j/N,
and the jobs' reports are joined as \`tasksim report merge\` joins shards (--max-failures counts in
each job, as in each shard). A queue over the network is refused (the jobs would share it): use
--shard across processes against separate queues. Ctrl-C stops every job; the report of the runs
done is still printed.

Exit codes: 0 no new failure (known deviations do not count), 1 a new failure (minimal
counterexamples printed; a queue lost mid-run is one), 2 bad input (options, --replay token,
--handler-host that cannot be bound), 3 the adapter is unreachable, 130/143 stopped by SIGINT/SIGTERM
with --jobs (the report of the runs done is printed). A job whose thread dies fails the campaign (1).`,
    )
    .action((opts: FuzzCliOptions) => runCommand(() => fuzz(opts)));
}

async function fuzz(opts: FuzzCliOptions): Promise<number> {
  if (opts.list) {
    process.stdout.write(builtInAdapters().join('\n') + '\n');
    return EXIT.ok;
  }
  if (!opts.adapter) throw new CliError('--adapter is required (see --list for the built-in ones)');
  const runs = opts.runs !== undefined ? parseBounded('--runs', opts.runs, 1, MAX_RUNS_LIMIT) : undefined;
  const seed = opts.seed !== undefined ? parseSeed(opts.seed) : Math.floor(Math.random() * 0x1_0000_0000);
  const maxCommands =
    opts.maxCommands !== undefined
      ? parseBounded('--max-commands', opts.maxCommands, 1, MAX_COMMANDS_LIMIT)
      : undefined;
  const shard = opts.shard !== undefined ? parseShard(opts.shard) : undefined;
  const jobs = opts.jobs !== undefined ? parseJobs(opts.jobs) : 1;
  if (jobs === undefined)
    throw new CliError(`--jobs must be an integer from 1 to ${MAX_JOBS} or auto, got ${JSON.stringify(opts.jobs)}`);
  if (opts.shard !== undefined && !shard)
    throw new CliError(`--shard must be i/n with 1 ≤ i ≤ n, got ${JSON.stringify(opts.shard)}`);
  const timeoutMs = opts.timeout !== undefined ? await parseTimeout(opts.timeout) : undefined;
  const shrinkBudgetMs =
    opts.shrinkTime !== undefined ? parseBounded('--shrink-time', opts.shrinkTime, 0, 86_400_000) : undefined;
  const maxFailures =
    opts.maxFailures !== undefined ? parseBounded('--max-failures', opts.maxFailures, 1, MAX_RUNS_LIMIT) : undefined;
  let known: CitedRule[] = [];
  try {
    if (opts.known !== undefined) known = parseKnown(opts.known);
    if (opts.knownFile !== undefined) known = [...known, ...(await readKnownFile(opts.knownFile))];
  } catch (err) {
    if (err instanceof BadKnownList) throw new CliError(err.message);
    throw err;
  }
  if (opts.reportDir) await checkWritableDir(opts.reportDir);
  const options = cliOptions(opts.option);

  let queue;
  try {
    queue = await openAdapter(opts.adapter, { timeoutMs, handlerHost: opts.handlerHost });
  } catch (err) {
    if (err instanceof UnknownAdapter) throw new CliError(err.message);
    throw err;
  }
  const progress = createProgress({ enabled: progressEnabled(process.stderr, process.env, opts.json === true) });
  // Several jobs leave this thread free to hear SIGINT: every job stops and what they found is reported.
  // One job keeps the thread busy to the end (a virtual-time campaign never yields), so Ctrl-C ends it as before.
  const signals = jobs > 1 ? stopOnSignals() : undefined;
  try {
    const report = await runFuzzJobs({
      jobs,
      http: { timeoutMs, handlerHost: opts.handlerHost },
      signal: signals?.signal,
      adapter: opts.adapter,
      queue,
      runs,
      seed,
      shard,
      maxCommands,
      replay: opts.replay,
      shrinkBudgetMs,
      known,
      maxFailures,
      timeline: opts.timeline,
      options,
      onRun: (done, _total, failed) => progress.update(done, `${failed} failed`),
      onStart: (plan) => {
        if (plan.clock === 'wall') process.stderr.write(wallClockNote(opts.adapter!, plan));
        if (plan.lacks.length > 0)
          process.stderr.write(`tasksim fuzz: ${opts.adapter} lacks ${plan.lacks.join(', ')}: never generated\n`);
        if (jobs > 1)
          process.stderr.write(
            `tasksim fuzz: ${opts.adapter}, ${plan.runs} runs over ${jobs} jobs (worker threads), job j running shard j/${jobs}${shard ? ` of shard ${shard.index}/${shard.count}` : ''}\n`,
          );
        progress.start(`fuzz ${opts.adapter}`, plan.runs, 'runs');
      },
    });
    progress.stop();
    if (opts.reportDir) await writeReportDir(opts.reportDir, report);
    process.stdout.write(opts.json ? JSON.stringify(report) + '\n' : withJobsLine(formatText(report), report));
    const verdict = fuzzVerdict(report, signals?.by);
    if (verdict.message) process.stderr.write(verdict.message);
    return verdict.code;
  } catch (err) {
    progress.stop();
    if (err instanceof JobsRefused) throw new CliError(err.message);
    if (err instanceof AdapterUnreachable) throw new CliError(err.message, EXIT.unreachable);
    if (err instanceof BadReplayToken || err instanceof UnsupportedAdapter || err instanceof AdapterSetupError)
      throw new CliError(err.message);
    throw err;
  } finally {
    signals?.dispose();
    await queue.close().catch(() => {});
  }
}

/**
 * The exit code of a finished campaign, and what to say on stderr: a crashed job fails the campaign
 * (its runs are missing, so a pass would not be earned); a signal's code wins (the report says how far it got).
 */
export function fuzzVerdict(
  report: FuzzReport | JobsReport,
  signalledBy?: 'SIGINT' | 'SIGTERM',
): { code: number; message?: string } {
  const crashed = 'crashed' in report ? report.crashed : undefined;
  const message = crashed
    ? crashed
        .map((c) => `tasksim: fuzz job ${c.job} of ${(report as JobsReport).jobs} crashed: ${c.message}\n`)
        .join('') +
      `  ${crashed.length === 1 ? 'Its runs are' : 'Their runs are'} not in the verdict, so the campaign cannot pass; the other jobs' findings are reported.\n`
    : undefined;
  const code = signalledBy
    ? signalledBy === 'SIGINT'
      ? EXIT.sigint
      : EXIT.sigterm
    : report.ok
      ? EXIT.ok
      : EXIT.failed;
  return message ? { code, message } : { code };
}

/** After the head line: how the campaign was split, so each job can be rerun alone. */
function withJobsLine(text: string, report: FuzzReport | JobsReport): string {
  if (!('jobs' in report)) return text;
  const n = report.jobs;
  const of = report.shard.count > 1 ? `of shard ${report.shard.index}/${report.shard.count} ` : '';
  const line = `  over ${n} jobs (worker threads): job j ran shard j/${n} ${of}of the campaign${report.shard.count > 1 ? '' : ` (alone: --shard j/${n})`}`;
  const nl = text.indexOf('\n');
  return `${text.slice(0, nl + 1)}${line}\n${text.slice(nl + 1)}`;
}

function parseBounded(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new CliError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** --timeout is for a remote queue, so its range is read from the HTTP adapter (and undici loaded) only when given. */
async function parseTimeout(value: string): Promise<number> {
  const { TIMEOUT_RANGE_MS } = await import('../adapters/http-json.js');
  return parseBounded('--timeout', value, TIMEOUT_RANGE_MS.min, TIMEOUT_RANGE_MS.max);
}

/** Before any run: the report can be written there (else the verdict would be lost after the work). */
async function checkWritableDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (err) {
    throw new CliError(
      `cannot write --report-dir ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}
