#!/usr/bin/env node
/** The `tasksim` command line: one file per command, registered here. */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { registerSimulate } from './simulate.js';
import { registerCompare } from './compare.js';
import { registerDemo } from './demo.js';
import { registerCheck } from './check.js';
import { registerConform } from './conform.js';
import { registerFuzz } from './fuzz.js';
import { registerReportMerge } from './report-merge.js';

/** package.json sits two levels up from src/cli and three from dist/src/cli. */
function readVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'tasksim') return pkg.version;
    } catch {
      // try the next place
    }
  }
  return '0.0.0';
}

const program = new Command('tasksim')
  .description('Deterministic simulator and conformance harness for App Engine-style task queues.')
  .version(readVersion())
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2); // commander usage errors are bad input (exit 2)
  });

registerSimulate(program);
registerCompare(program);
registerDemo(program);
registerCheck(program);
registerConform(program);
registerFuzz(program);
registerReportMerge(program);

await program.parseAsync(process.argv);
