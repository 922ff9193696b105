/**
 * Every command's output destinations, checked before any work starts: a report directory that is a
 * file, a read-only place or a trace path that is one of the run's own inputs is refused with exit 2
 * and `cannot write <path>: <reason>`, instead of being found after a long run.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { OutputError, checkWritable, samePath } from '../report/output-file.js';
import { CliError } from './common.js';

/** Options (commander's camelCase keys) that name an output, as the user wrote them on the command line. */
const FILE_OPTIONS: Record<string, string> = { trace: '--trace', out: '--out', html: '--html' };
const DIR_OPTIONS: Record<string, string> = { reportDir: '--report-dir' };
/** Options that name an input file, besides the positional arguments. */
const INPUT_OPTIONS = ['scenario'];
/** The files a report directory may receive (simulate, conform, fuzz). */
const REPORT_FILES = ['report.json', 'report.md', 'index.html', 'junit.xml'];

export interface OutputTarget {
  flag: string;
  path: string;
  kind: 'file' | 'dir';
}

export function outputsOf(opts: Record<string, unknown>): OutputTarget[] {
  const out: OutputTarget[] = [];
  for (const [key, flag] of Object.entries(FILE_OPTIONS))
    if (typeof opts[key] === 'string') out.push({ flag, path: opts[key] as string, kind: 'file' });
  for (const [key, flag] of Object.entries(DIR_OPTIONS))
    if (typeof opts[key] === 'string') out.push({ flag, path: opts[key] as string, kind: 'dir' });
  return out;
}

/** The files an output would replace: itself, or the reports of a directory. */
function filesOf(o: OutputTarget): string[] {
  return o.kind === 'file' ? [o.path] : REPORT_FILES.map((f) => join(o.path, f));
}

/**
 * Throws a CliError (exit 2) unless every output can be written and none of them is an input of the
 * same run or another output of it.
 */
export function checkOutputs(outputs: readonly OutputTarget[], inputs: readonly string[]): void {
  for (const o of outputs) {
    for (const input of inputs) {
      const clash = filesOf(o).find((f) => samePath(f, input));
      if (clash)
        throw new CliError(`cannot write ${clash}: it is an input of this run (${o.flag}); choose another path`);
    }
    for (const other of outputs) {
      if (other === o || other.kind !== 'file') continue;
      if (filesOf(o).some((f) => samePath(f, other.path)))
        throw new CliError(`cannot write ${other.path}: ${other.flag} and ${o.flag} would write the same file`);
    }
    try {
      checkWritable(o.path, o.kind);
    } catch (e) {
      if (e instanceof OutputError) throw new CliError(`${e.message} (${o.flag})`);
      throw e;
    }
  }
}

/** Commander hook: the outputs and inputs of the command about to run. */
export function checkCommandOutputs(command: Command): void {
  const opts = command.opts() as Record<string, unknown>;
  const inputs = [
    ...command.processedArgs.flat().filter((a): a is string => typeof a === 'string'),
    ...INPUT_OPTIONS.map((k) => opts[k]).filter((v): v is string => typeof v === 'string'),
  ];
  checkOutputs(outputsOf(opts), inputs);
}
