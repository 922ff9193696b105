#!/usr/bin/env node
/** The `tasksim` command line: one file per command, registered here. */
import { Command } from 'commander';
import { VERSION } from './package-root.js';
import { registerSimulate } from './simulate.js';
import { registerCompare } from './compare.js';
import { registerDemo } from './demo.js';
import { registerCheck } from './check.js';
import { registerConform } from './conform.js';
import { registerFuzz } from './fuzz.js';
import { registerReportMerge } from './report-merge.js';
import { registerOptions } from './options.js';
import { registerServe } from './serve.js';
import { registerRules } from './rules.js';
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

// The three jobs first, then the tools around them.
registerConform(program);
registerFuzz(program);
registerSimulate(program);
registerServe(program);
registerCheck(program);
registerCompare(program);
registerReportMerge(program);
registerOptions(program);
registerRules(program);
registerDemo(program);

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
3 the target or adapter is unreachable, 4 an output could not be written after the run (a full disk:
the verdict is printed, the previous file is left intact), 130/143 stopped by SIGINT/SIGTERM.`,
);

await program.parseAsync(process.argv);
