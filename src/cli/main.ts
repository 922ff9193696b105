#!/usr/bin/env node
/** The `tasksim` command line: one file per command, registered here. */
import { Command } from 'commander';
import { VERSION } from './package-root.js';
import { checkCommandOutputs } from './outputs.js';
import { reportError } from './common.js';

const program = new Command('tasksim')
  .description('Deterministic simulator and conformance harness for App Engine-style task queues.')
  .version(VERSION)
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2); // commander usage errors are bad input (exit 2)
  });

// Output paths are checked before any command does any work (exit 2: cannot write …).
program.hook('preAction', (_program, command) => {
  try {
    checkCommandOutputs(command);
  } catch (err) {
    process.exit(reportError(err));
  }
});

// The three jobs first, then the tools around them. A command's module (and what it imports: the
// gRPC emulator, the HTTP client…) loads only when that command runs, so `tasksim check` starts in
// half the time; --version alone loads none; --help, or a name that is no command, loads them all.
const COMMANDS: [string, () => Promise<(program: Command) => void>][] = [
  ['conform', async () => (await import('./conform.js')).registerConform],
  ['fuzz', async () => (await import('./fuzz.js')).registerFuzz],
  ['simulate', async () => (await import('./simulate.js')).registerSimulate],
  ['serve', async () => (await import('./serve.js')).registerServe],
  ['check', async () => (await import('./check.js')).registerCheck],
  ['compare', async () => (await import('./compare.js')).registerCompare],
  ['report', async () => (await import('./report-merge.js')).registerReportMerge],
  ['options', async () => (await import('./options.js')).registerOptions],
  ['rules', async () => (await import('./rules.js')).registerRules],
  ['demo', async () => (await import('./demo.js')).registerDemo],
];
const args = process.argv.slice(2);
const named = args.find((a) => !a.startsWith('-'));
const invoked = COMMANDS.filter(([name]) => name === named);
const versionOnly = named === undefined && args.some((a) => a === '-V' || a === '--version');
for (const [, load] of invoked.length === 1 ? invoked : versionOnly ? [] : COMMANDS) (await load())(program);

program.addHelpText(
  'after',
  `
Examples:
  tasksim conform http://127.0.0.1:8080/tasks/worker     your handler against the contract
  tasksim fuzz --adapter mutant:retry-count-off-by-one    see the fuzzer catch a broken queue
  tasksim simulate scenarios/outage-throttle.yaml         a workload in virtual time
  tasksim serve --clock virtual                           a Cloud Tasks emulator for your app's tests
  tasksim demo                                            all of it on built-in defaults (npm start)

Every check cites a rule of the contract (HDR-4, RETRY-4, PULL-3 …). Exit codes: 0 passed,
1 a rule was broken, 2 bad usage or input (an output path that cannot be written included),
3 no verdict (the target or adapter is unreachable, or simulate's checker thread failed), 4 an output
could not be written after the run (a full disk: the verdict is printed, the previous file is left
intact), 130/143 stopped by SIGINT/SIGTERM.`,
);

await program.parseAsync(process.argv);
