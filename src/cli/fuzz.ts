/**
 * `tasksim fuzz --adapter <reference|mutant:NAME|http://host:port>`: model-based fuzzing of a queue
 * implementation against the engine (SPEC §1–9). Exit codes (common.ts): 0 no violation, 1 a
 * violation (its minimal counterexample is printed), 2 bad input, 3 the adapter is unreachable.
 * An adapter that does not let the harness move its clock is fuzzed in real time: the CLI says so,
 * and prints the tolerances, on stderr before the first run (and in the report).
 */
import type { Command } from 'commander';
import { AdapterUnreachable } from '../adapters/contract.js';
import { UnknownAdapter, builtInAdapters, createAdapter } from '../adapters/registry.js';
import {
  DEFAULT_MAX_COMMANDS, DEFAULT_RUNS, UnsupportedAdapter, WALL_CLOCK_MAX_COMMANDS, WALL_CLOCK_RUNS, WALL_CLOCK_SHRINK_MS, runFuzz, wallClockNote,
} from '../fuzz/campaign.js';
import { BadReplayToken } from '../fuzz/replay-token.js';
import { formatText, writeReportDir } from '../fuzz/report.js';
import { parseShard } from '../fuzz/shard.js';
import { createProgress, progressEnabled } from '../report/progress.js';
import { CliError, EXIT, cliOptions, collectOption, parseIntOption, runCommand } from './common.js';

export interface FuzzCliOptions {
  adapter?: string;
  runs?: string;
  seed?: string;
  shard?: string;
  maxCommands?: string;
  json?: boolean;
  reportDir?: string;
  replay?: string;
  list?: boolean;
  timeout?: string;
  handlerHost?: string;
  shrinkTime?: string;
  option?: string[];
}

export function registerFuzz(program: Command): void {
  program
    .command('fuzz')
    .description('check a queue implementation against the model: random operations, shrunk to a minimal replayable counterexample')
    .option('--adapter <adapter>', 'reference | mutant:<name> | http://host:port (a queue serving the HTTP/JSON protocol)')
    .option('--runs <n>', `random runs (default ${DEFAULT_RUNS}; ${WALL_CLOCK_RUNS} for a queue on the wall clock)`)
    .option('--seed <n>', 'the campaign seed (default: random, printed)')
    .option('--shard <i/n>', 'run shard i of n of the campaign (each shard derives its seed from --seed)')
    .option('--max-commands <n>', `longest command sequence (default ${DEFAULT_MAX_COMMANDS}; ${WALL_CLOCK_MAX_COMMANDS} on the wall clock)`)
    .option('--json', 'print exactly one JSON object on stdout')
    .option('--report-dir <dir>', 'write report.json and report.md there')
    .option('--replay <token>', 'replay one failure from its token (printed with every failure)')
    .option('--timeout <ms>', 'HTTP adapters: per request (default 10000)')
    .option('--handler-host <host>', 'HTTP adapters: where the harness handler listens (default 127.0.0.1)')
    .option('--shrink-time <ms>', `queues on the wall clock: stop shrinking after this long, keeping the shortest failure found (default ${WALL_CLOCK_SHRINK_MS})`)
    .option('--option <name=value>', 'a SPEC §10 reading for every run (repeatable; see tasksim options)', collectOption, [])
    .option('--list', 'print the built-in adapters, one per line')
    .addHelpText('after', '\nExit codes: 0 no violation, 1 a violation (minimal counterexample printed), 2 bad input, 3 the adapter is unreachable.')
    .action((opts: FuzzCliOptions) => runCommand(() => fuzz(opts)));
}

async function fuzz(opts: FuzzCliOptions): Promise<number> {
  if (opts.list) {
    process.stdout.write(builtInAdapters().join('\n') + '\n');
    return EXIT.ok;
  }
  if (!opts.adapter) throw new CliError('--adapter is required (see --list for the built-in ones)');
  const runs = opts.runs !== undefined ? parseIntOption('--runs', opts.runs, 1) : undefined;
  const seed = opts.seed !== undefined ? parseIntOption('--seed', opts.seed) >>> 0 : Math.floor(Math.random() * 0x1_0000_0000);
  const maxCommands = opts.maxCommands !== undefined ? parseIntOption('--max-commands', opts.maxCommands, 1) : undefined;
  const shard = opts.shard !== undefined ? parseShard(opts.shard) : undefined;
  if (opts.shard !== undefined && !shard) throw new CliError(`--shard must be i/n with 1 ≤ i ≤ n, got ${JSON.stringify(opts.shard)}`);
  const timeoutMs = opts.timeout !== undefined ? parseIntOption('--timeout', opts.timeout, 1) : undefined;
  const shrinkBudgetMs = opts.shrinkTime !== undefined ? parseIntOption('--shrink-time', opts.shrinkTime, 0) : undefined;
  const options = cliOptions(opts.option);

  let queue;
  try {
    queue = createAdapter(opts.adapter, { timeoutMs, handlerHost: opts.handlerHost });
  } catch (err) {
    if (err instanceof UnknownAdapter) throw new CliError(err.message);
    throw err;
  }
  const progress = createProgress({ label: `fuzz ${opts.adapter}`, total: undefined, enabled: progressEnabled(process.stderr, process.env, opts.json === true) });
  try {
    const report = await runFuzz({
      adapter: opts.adapter, queue, runs, seed, shard, maxCommands, replay: opts.replay, shrinkBudgetMs, options,
      onRun: (done, total) => progress.update(done, `of ${total} runs`),
      onStart: (plan) => {
        if (plan.clock === 'wall') process.stderr.write(wallClockNote(opts.adapter!, plan));
      },
    });
    progress.finish();
    if (opts.reportDir) await writeReportDir(opts.reportDir, report);
    process.stdout.write(opts.json ? JSON.stringify(report) + '\n' : formatText(report));
    return report.ok ? EXIT.ok : EXIT.failed;
  } catch (err) {
    progress.finish();
    if (err instanceof AdapterUnreachable) throw new CliError(err.message, EXIT.unreachable);
    if (err instanceof BadReplayToken || err instanceof UnsupportedAdapter) throw new CliError(err.message);
    throw err;
  } finally {
    await queue.close().catch(() => {});
  }
}
