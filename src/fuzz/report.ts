/**
 * How a fuzz report reads: a short text for the terminal, Markdown for CI summaries, JUnit for CI
 * test views, and the files `--report-dir` writes (report.json, report.md, junit.xml). Each failure
 * reads top to bottom as: the queues, the numbered commands, what the harness did after them, each
 * broken rule with expected/actual, and the one line that replays it. New failures come first;
 * known deviations (`--known`) after, marked as such.
 */
import { writeFilesAtomic } from '../report/output-file.js';
import { junitDocument, type JunitCase } from '../report/junit.js';
import { mdCell } from '../report/markdown.js';
import type { FailureReport, FuzzReport } from './campaign.js';
import { describeLateness } from './calibration.js';
import { describeTolerance } from './tolerance.js';
import { at, type FuzzViolation } from './violation.js';

export const AFTER_COMMANDS =
  'then the harness drains: handler healthy, outage over, any paused queue resumed after a quiet hour, time runs until the model is idle, plus a quiet hour';
export const AFTER_COMMANDS_WALL =
  'then the harness drains: handler healthy, the model runs until idle, the queue is waited for (within tolerance), then watched for the longest backoff + 100 ms';

function afterCommands(r: FuzzReport): string {
  return r.clock === 'wall' ? AFTER_COMMANDS_WALL : AFTER_COMMANDS;
}

/** The wall-clock line of a report (none in virtual time): the stated tolerances, then what was measured. */
function clockLine(r: FuzzReport): string | undefined {
  if (r.clock !== 'wall') return undefined;
  const lines = [
    `real time (the queue does not let the harness move its clock); tolerances: ${describeTolerance(r.tolerance)}`,
  ];
  if (r.calibration)
    lines.push(
      `${describeLateness(r.calibration)}; effective tolerances: ${describeTolerance(r.tolerance, r.calibration.noiseUs)}`,
    );
  if (r.inconclusive) {
    const v = r.inconclusive.examples[0];
    lines.push(
      `inconclusive (inside the measured noise, not failing): ${r.inconclusive.runs} run${r.inconclusive.runs === 1 ? '' : 's'}${v ? `, e.g. ${v.rule} ${v.message}` : ''}`,
    );
  }
  return lines.join('\n  ');
}

function violationLine(v: FuzzViolation): string {
  return `${v.rule.padEnd(8)} [${v.check}] ${at(v.t)}${v.task ? ` ${v.task}` : ''}: ${v.message}`;
}

/** Every failure of the report (older reports carry only `failure`). */
export function failuresOf(r: FuzzReport): FailureReport[] {
  return r.failures ?? (r.failure ? [r.failure] : []);
}

function shrinkNote(f: FailureReport): string {
  const s = f.shrink;
  if (!s) return '';
  if (s.outcome === 'budget')
    return ` — shrinking stopped at its budget (${(s.ms / 1000).toFixed(1)} s, ${s.attempts} attempts)`;
  if (s.outcome === 'not-reproduced') return ' — not reproduced on replay: the run as first seen';
  if (s.outcome === 'queue-lost') return ' — the queue was lost: not shrunk, the run as first seen';
  return '';
}

function title(f: FailureReport, i: number): string {
  const kind = f.known ? 'Known deviation' : 'Failure';
  return `${kind} ${i + 1}: ${f.rule}, seen in ${f.occurrences} run${f.occurrences === 1 ? '' : 's'}`;
}

export function formatText(r: FuzzReport): string {
  const where = `seed ${r.seed}, shard ${r.shard.index}/${r.shard.count}`;
  const clock = clockLine(r);
  const all = failuresOf(r);
  const fresh = all.filter((f) => !f.known);
  const known = all.length - fresh.length;
  const head = r.ok
    ? `tasksim fuzz: ${r.adapter} passed ${r.runs} runs (${where}) in ${(r.durationMs / 1000).toFixed(1)} s${known > 0 ? `; ${known} known deviation${known === 1 ? '' : 's'}` : ''}`
    : `tasksim fuzz: ${r.adapter} FAILED: ${fresh.length} distinct failure${fresh.length === 1 ? '' : 's'}${known > 0 ? ` (+ ${known} known)` : ''} in ${r.runs} runs (${where})`;
  const lines = [head];
  if (clock) lines.push(`  ${clock}`);
  if (r.stopped) lines.push(`  stopped early: ${r.stopped}`);
  all.forEach((f, i) => {
    lines.push(
      '',
      `${title(f, i)}${shrinkNote(f)}`,
      `Minimal counterexample (${f.commands.length} command${f.commands.length === 1 ? '' : 's'})`,
      `  queues: ${f.config}`,
      ...f.commands.map((c, j) => `  ${String(j + 1).padStart(2)}. ${c}`),
      `  ${afterCommands(r)}`,
      'Rules broken (expected / actual)',
      ...f.violations.map((v) => `  ${violationLine(v)}`),
      ...(f.variants ? [`Also seen as: ${f.variants.join(' | ')}`] : []),
      `fast-check seed ${f.seed}, path "${f.path}"`,
      'Replay:',
      `  ${f.replay}`,
      ...(f.timeline ? ['Timeline of the failing run (wall ms since the queue was reset)', ...f.timeline] : []),
    );
  });
  return lines.join('\n') + '\n';
}

export function formatMarkdown(r: FuzzReport): string {
  const all = failuresOf(r);
  const out = [
    `# tasksim fuzz: ${r.adapter}`,
    '',
    `**${r.ok ? 'passed' : 'FAILED'}**: ${r.runs} runs, seed ${r.seed}, shard ${r.shard.index}/${r.shard.count}, ${(r.durationMs / 1000).toFixed(1)} s; ${all.filter((f) => !f.known).length} new failure(s), ${all.filter((f) => f.known).length} known.`,
  ];
  const clock = clockLine(r);
  if (clock) out.push('', `_${mdCell(clock)}._`);
  if (r.stopped) out.push('', `_Stopped early: ${mdCell(r.stopped)}._`);
  all.forEach((f, i) => {
    out.push(
      '',
      `## ${title(f, i)}${mdCell(shrinkNote(f))}`,
      '',
      `Minimal counterexample (${f.commands.length} commands). Queues: ${f.config}`,
      '',
    );
    f.commands.forEach((c, j) => out.push(`${j + 1}. ${mdCell(c)}`));
    out.push(
      '',
      `_${afterCommands(r)}._`,
      '',
      '| rule | check | time | task | expected | actual |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const v of f.violations) {
      out.push(
        `| ${v.rule} | ${v.check} | ${at(v.t)} | ${mdCell(v.task ?? '')} | ${mdCell(v.expected)} | ${mdCell(v.actual)} |`,
      );
    }
    out.push('', `fast-check seed ${f.seed}, path \`${f.path}\``, '', '```sh', f.replay, '```');
  });
  return out.join('\n') + '\n';
}

/**
 * JUnit: one testcase per distinct failure (new: <failure>; known: passes with a note), and one for
 * the campaign, which fails only with new failures. So CI's verdict is the exit code's.
 */
export function toFuzzJunit(r: FuzzReport): string {
  const all = failuresOf(r);
  const cls = 'tasksim.fuzz';
  const describe = (f: FailureReport): string =>
    [
      `queues: ${f.config}`,
      ...f.commands.map((c, j) => `${j + 1}. ${c}`),
      ...f.violations.map(violationLine),
      `replay: ${f.replay}`,
    ].join('\n');
  const cases: JunitCase[] = all.map((f) => {
    const c: JunitCase = { classname: `${cls}.${f.rule}`, name: f.signature, timeMs: f.shrink?.ms ?? 0 };
    if (f.known) c.systemOut = `KNOWN deviation (--known ${f.rule}), seen in ${f.occurrences} run(s)\n${describe(f)}`;
    else c.failure = { message: `${f.rule}: ${f.violations[0]?.message ?? ''}`, type: f.rule, body: describe(f) };
    return c;
  });
  const campaign: JunitCase = {
    classname: cls,
    name: `campaign: ${r.runs} runs against ${r.adapter}`,
    timeMs: r.durationMs,
  };
  if (!r.ok)
    campaign.failure = {
      message: `${all.filter((f) => !f.known).length} new failure(s)`,
      type: 'fuzz',
      body: all
        .filter((f) => !f.known)
        .map((f) => f.replay)
        .join('\n'),
    };
  else if (r.stopped) campaign.systemOut = `stopped early: ${r.stopped}`;
  return junitDocument({
    name: 'tasksim fuzz',
    suiteName: `tasksim fuzz ${r.adapter}`,
    properties: [
      ['adapter', r.adapter],
      ['seed', String(r.seed)],
      ['shard', `${r.shard.index}/${r.shard.count}`],
      ['clock', r.clock ?? 'virtual'],
      ['known', (r.known ?? []).join(',')],
    ],
    cases: [campaign, ...cases],
    timeMs: r.durationMs,
  });
}

export async function writeReportDir(dir: string, r: FuzzReport): Promise<void> {
  writeFilesAtomic(dir, [
    ['report.json', JSON.stringify(r, null, 2) + '\n'],
    ['report.md', formatMarkdown(r)],
    ['junit.xml', toFuzzJunit(r)],
  ]);
}
