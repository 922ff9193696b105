/** `tasksim compare A B`: what changed between two simulation reports. */
import type { Command } from 'commander';
import { runCompare } from '../report/compare-cli.js';
import { runCommand } from './common.js';

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('compare two simulation reports (report.json files or report directories)')
    .argument('<a>', 'the first report (A)')
    .argument('<b>', 'the second report (B)')
    .option('--html <file>', 'also write the comparison as an HTML page')
    .option('--changed-only', 'show only the rows that changed')
    .addHelpText('after', '\nExit codes: 0 compared, 2 a file is missing or is not a report.')
    .action((a: string, b: string, opts: { html?: string; changedOnly?: boolean }) =>
      runCommand(async () => {
        const r = runCompare([a, b], {
          color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
          htmlOut: opts.html,
          changedOnly: opts.changedOnly,
        });
        process.stdout.write(r.stdout);
        process.stderr.write(r.stderr);
        return r.exitCode;
      }),
    );
}
