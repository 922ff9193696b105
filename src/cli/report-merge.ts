/**
 * `tasksim report merge A.json B.json … [--out FILE]`: joins the JSON reports of a sharded fuzz
 * campaign. Exit 0 when every shard passed, 1 when any failed, 2 for unreadable or mismatched files.
 */
import type { Command } from 'commander';
import { readFile, writeFile } from 'node:fs/promises';
import { MergeError, asFuzzReport, formatMerged, mergeReports } from '../fuzz/merge.js';
import { CliError, EXIT, runCommand } from './common.js';

export function registerReportMerge(program: Command): void {
  // `report` may hold other subcommands registered elsewhere: join it rather than redefine it.
  const report = program.commands.find((c) => c.name() === 'report') ?? program.command('report').description('work with reports');
  report
    .command('merge')
    .description('join the JSON reports of a sharded fuzz campaign into one verdict')
    .argument('<reports...>', 'report files (tasksim fuzz --json output, or report.json)')
    .option('--out <file>', 'write the merged report (JSON) there')
    .option('--json', 'print the merged report as JSON on stdout')
    .addHelpText('after', '\nExit codes: 0 every shard passed, 1 a shard failed, 2 unreadable or mismatched reports.')
    .action((files: string[], opts: { out?: string; json?: boolean }) => runCommand(() => merge(files, opts)));
}

async function merge(files: string[], opts: { out?: string; json?: boolean }): Promise<number> {
  const reports = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new CliError(`${file} is not JSON`);
    }
    try {
      reports.push({ file, report: asFuzzReport(value, file) });
    } catch (e) {
      if (e instanceof MergeError) throw new CliError(e.message);
      throw e;
    }
  }
  let merged;
  try {
    merged = mergeReports(reports);
  } catch (e) {
    if (e instanceof MergeError) throw new CliError(e.message);
    throw e;
  }
  if (opts.out) await writeFile(opts.out, JSON.stringify(merged, null, 2) + '\n');
  process.stdout.write(opts.json ? JSON.stringify(merged) + '\n' : formatMerged(merged));
  return merged.ok ? EXIT.ok : EXIT.failed;
}
