/**
 * How a fuzz report reads: a short text for the terminal, Markdown for CI summaries, and the files
 * `--report-dir` writes (report.json, report.md). A failure reads top to bottom as: the queues, the
 * numbered commands, what the harness did after them, each broken rule with expected/actual, and the
 * one line that replays it.
 */
import { writeFilesAtomic } from '../report/output-file.js';
import type { FuzzReport } from './campaign.js';
import { describeTolerance } from './tolerance.js';
import { at, type FuzzViolation } from './violation.js';

export const AFTER_COMMANDS = 'then the harness drains: handler healthy, outage over, time runs until the model is idle, plus a quiet hour';
export const AFTER_COMMANDS_WALL = 'then the harness drains: handler healthy, the model runs until idle, the queue is waited for (within tolerance), then watched for the longest backoff + 100 ms';

function afterCommands(r: FuzzReport): string {
  return r.clock === 'wall' ? AFTER_COMMANDS_WALL : AFTER_COMMANDS;
}

/** The wall-clock line of a report (none in virtual time). */
function clockLine(r: FuzzReport): string | undefined {
  return r.clock === 'wall' ? `real time (the queue does not let the harness move its clock); tolerances: ${describeTolerance(r.tolerance)}` : undefined;
}


function violationLine(v: FuzzViolation): string {
  return `${v.rule.padEnd(8)} [${v.check}] ${at(v.t)}${v.task ? ` ${v.task}` : ''}: ${v.message}`;
}

export function formatText(r: FuzzReport): string {
  const where = `seed ${r.seed}, shard ${r.shard.index}/${r.shard.count}`;
  const clock = clockLine(r);
  if (r.ok) return `tasksim fuzz: ${r.adapter} passed ${r.runs} runs (${where}) in ${(r.durationMs / 1000).toFixed(1)} s\n${clock ? `  ${clock}\n` : ''}`;
  const f = r.failure!;
  const lines = [
    `tasksim fuzz: ${r.adapter} FAILED (${where})`,
    ...(clock ? [`  ${clock}`] : []),
    '',
    `Minimal counterexample (${f.commands.length} command${f.commands.length === 1 ? '' : 's'})`,
    `  queues: ${f.config}`,
    ...f.commands.map((c, i) => `  ${String(i + 1).padStart(2)}. ${c}`),
    `  ${afterCommands(r)}`,
    '',
    'Rules broken (expected / actual)',
    ...f.violations.map((v) => `  ${violationLine(v)}`),
    '',
    `fast-check seed ${f.seed}, path "${f.path}"`,
    'Replay:',
    `  ${f.replay}`,
  ];
  return lines.join('\n') + '\n';
}

export function formatMarkdown(r: FuzzReport): string {
  const out = [
    `# tasksim fuzz: ${r.adapter}`,
    '',
    `**${r.ok ? 'passed' : 'FAILED'}**: ${r.runs} runs, seed ${r.seed}, shard ${r.shard.index}/${r.shard.count}, ${(r.durationMs / 1000).toFixed(1)} s.`,
  ];
  const clock = clockLine(r);
  if (clock) out.push('', `_${escape(clock)}._`);
  if (r.failure) {
    const f = r.failure;
    out.push('', `## Minimal counterexample (${f.commands.length} commands)`, '', `Queues: ${f.config}`, '');
    f.commands.forEach((c, i) => out.push(`${i + 1}. ${escape(c)}`));
    out.push('', `_${afterCommands(r)}._`, '', '## Rules broken', '', '| rule | check | time | task | expected | actual |', '| --- | --- | --- | --- | --- | --- |');
    for (const v of f.violations) {
      out.push(`| ${v.rule} | ${v.check} | ${at(v.t)} | ${escape(v.task ?? '')} | ${escape(v.expected)} | ${escape(v.actual)} |`);
    }
    out.push('', '## Replay', '', `fast-check seed ${f.seed}, path \`${f.path}\``, '', '```sh', f.replay, '```');
  }
  return out.join('\n') + '\n';
}

function escape(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export async function writeReportDir(dir: string, r: FuzzReport): Promise<void> {
  writeFilesAtomic(dir, [['report.json', JSON.stringify(r, null, 2) + '\n'], ['report.md', formatMarkdown(r)]]);
}
