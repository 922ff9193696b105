/**
 * `tasksim demo` (what `npm start` runs): the conformance suite against the bundled reference handler
 * on 127.0.0.1, then the default simulation, with every report written under one directory.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { conform } from './conform-run.js';
import { formatSummary, passed, simulate } from './simulate.js';
import { EXIT, runCommand } from './common.js';
import { PACKAGE_ROOT } from './package-root.js';

/** The embedded default: the scenario that shows the most of the model at once. */
export const DEFAULT_SCENARIO = join(PACKAGE_ROOT, 'scenarios', 'outage-throttle.yaml');

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the conformance suite against the bundled reference handler and the default simulation')
    .option('--report-dir <dir>', 'where to write the reports', join('reports', 'latest'))
    .option('--scenario <file>', 'the scenario to simulate', DEFAULT_SCENARIO)
    .addHelpText('after', '\nExit codes: 0 both passed, 1 a required case or an invariant failed.')
    .action((opts: { reportDir: string; scenario: string }) => runCommand(() => demo(opts.reportDir, opts.scenario)));
}

async function demo(reportDir: string, scenario: string): Promise<number> {
  const out = (s: string): void => void process.stdout.write(s);
  out('━━ 1/2  tasksim conform --reference: the handler contract against the bundled reference handler\n\n');
  const conformDir = join(reportDir, 'conform');
  const conformCode = await conform(undefined, { reference: true, reportDir: conformDir, seed: '1' });

  out('\n━━ 2/2  tasksim simulate: the default scenario in virtual time\n\n');
  const simulationDir = join(reportDir, 'simulation');
  const outcome = await simulate(scenario, { reportDir: simulationDir });
  out(formatSummary(outcome));

  out(`\nReports written:\n  ${join(conformDir, 'index.html')}\n  ${join(simulationDir, 'index.html')}\n`);
  out('Next: point `npx tasksim conform <your handler URL>` at your own handler, or try `npx tasksim --help`.\n');
  return conformCode === EXIT.ok && passed(outcome) ? EXIT.ok : EXIT.failed;
}
