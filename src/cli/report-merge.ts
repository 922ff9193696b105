/**
 * `tasksim report merge A.json B.json … [--out FILE]`: joins the JSON reports of a sharded fuzz
 * campaign. Exit 0 when every shard passed, 1 when any failed, 2 for unreadable or mismatched files,
 * or a passing campaign with shards missing (unless --allow-partial: then it says "partial").
 */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../report/output-file.js';
import { MergeError, asFuzzReport, formatMerged, mergeReports } from '../fuzz/merge.js';
import { CliError, EXIT, runCommand } from './common.js';

export function registerReportMerge(program: Command): void {
  // `report` may hold other subcommands registered elsewhere: join it rather than redefine it.
  const report =
    program.commands.find((c) => c.name() === 'report') ?? program.command('report').description('work with reports');
  report
    .command('merge')
    .description('join the JSON reports of a sharded fuzz campaign into one verdict')
    .argument('<reports...>', 'report files (tasksim fuzz --json output, or report.json)')
    .option('--out <file>', 'write the merged report (JSON) there')
    .option('--json', 'print the merged report as JSON on stdout')
    .option('--allow-partial', 'pass a campaign with shards missing (the verdict then says "partial")')
    .addHelpText(
      'after',
      '\nExit codes: 0 every shard passed, 1 a shard failed, 2 unreadable or mismatched reports, or shards\nmissing from a campaign that would pass (without --allow-partial), 4 --out could not be written.',
    )
    .action((files: string[], opts: MergeOptions) => runCommand(() => merge(files, opts)));
}

interface MergeOptions {
  out?: string;
  json?: boolean;
  allowPartial?: boolean;
}

async function merge(files: string[], opts: MergeOptions): Promise<number> {
  const reports = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new CliError(
        `cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
      );
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
  const partial = merged.missing.length > 0;
  // A pass needs every shard; a failure found by the shards that are here stands on its own.
  if (partial && merged.ok && !opts.allowPartial) {
    const count = merged.shards[0]?.count ?? 0;
    throw new CliError(
      `shard${merged.missing.length > 1 ? 's' : ''} ${merged.missing.join(', ')} of ${count} missing: the campaign's runs are not all here, so a pass would not be earned.\n` +
        '  Pass every shard\'s report, or --allow-partial to merge what is here (the verdict then says "partial").',
    );
  }
  const result = partial ? { ...merged, partial: true } : merged;
  if (opts.out) writeFileAtomic(opts.out, JSON.stringify(result, null, 2) + '\n');
  const text = formatMerged(merged).replace(
    /^tasksim report merge: /,
    partial ? 'tasksim report merge (partial): ' : 'tasksim report merge: ',
  );
  process.stdout.write(opts.json ? JSON.stringify(result) + '\n' : text);
  return merged.ok ? EXIT.ok : EXIT.failed;
}
