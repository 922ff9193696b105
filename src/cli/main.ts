#!/usr/bin/env node
/** The `tasksim` command line: one file per command, registered here. */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('tasksim')
  .description('Deterministic simulator and conformance harness for App Engine-style task queues.')
  .version(pkg.version)
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2); // commander usage errors are bad input (exit 2)
  });

await program.parseAsync(process.argv);
