/**
 * `tasksim conform <url>`: the handler conformance suite (SPEC §1–3, §5) against a real handler.
 * Exit codes (common.ts): 0 every required case passed, 1 one failed, 2 bad usage, 3 unreachable.
 */
import type { Command } from 'commander';
import type { ProfileName, ScalingType } from '../model/config.js';
import { startReferenceHandler } from '../conform/reference-handler.js';
import { toJson } from '../conform/report-json.js';
import { writeReports } from '../conform/report-files.js';
import {
  ConformanceOptionError, DEFAULT_CONCURRENCY, resolveDeadline, runConformance, validateOptions,
  type CaseResult, type ConformanceReport,
} from '../conform/run.js';
import { CaseSelectionError, selectCases } from '../conform/select.js';
import { HANDLER_CASES } from '../../conformance/handler/index.js';
import { HttpTarget, TargetUrlError, parseTargetUrl } from '../targets/http-target.js';
import { formatMs } from '../targets/net-errors.js';
import { CliError, EXIT, cliOptions, collectOption, parseIntOption, runCommand, shellQuote } from './common.js';
import type { NamedOptions } from '../model/options.js';
import { dim, red, statusWord } from './format.js';

export interface ConformCliOptions {
  cases?: string;
  seed?: string;
  deadline?: string;
  scaling?: string;
  concurrency?: string;
  profile?: string;
  json?: boolean;
  reportDir?: string;
  reference?: boolean;
  option?: string[];
}

/** The up-front check waits at most this long for a connection and an answer (at least 2 s). */
const PROBE_TIMEOUT_MS = 10_000;

export function registerConform(program: Command): void {
  program
    .command('conform')
    .description('check a task handler at <url> against the handler contract (SPEC §1–3, §5), rule by rule')
    .argument('[url]', 'the handler URL, e.g. http://127.0.0.1:8080/tasks/handler (requests go only to its origin)')
    .option('--cases <pattern>', 'case ids, sections, globs or rule IDs, comma-separated: H-2.1, H-3, H-2.*, HANDLER-4')
    .option('--seed <n>', 'the seed (default: random, printed)')
    .option('--deadline <duration>', 'the real request timeout, e.g. 30s, 200ms (default 30s, or the scaling\'s deadline with --scaling)')
    .option('--scaling <type>', 'automatic | basic | manual | flexible: the deadline of DEADLINE-1 (default automatic)')
    .option('--concurrency <n>', `parallel deliveries, max_concurrent_requests (default ${DEFAULT_CONCURRENCY})`)
    .option('--profile <name>', 'appengine | cloud-tasks (default appengine)')
    .option('--option <name=value>', 'a SPEC §10 reading (repeatable; see tasksim options)', collectOption, [])
    .option('--json', 'print exactly one JSON object on stdout')
    .option('--report-dir <dir>', 'write report.json, junit.xml, report.md and index.html there')
    .option('--reference', 'run against the built-in compliant reference handler (no URL needed)')
    .addHelpText('after', '\nExit codes: 0 every required case passed, 1 a required case failed, 2 bad usage, 3 the target is unreachable.')
    .action((url: string | undefined, opts: ConformCliOptions) => runCommand(() => conform(url, opts)));
}

interface Parsed {
  seed?: number;
  deadline?: string;
  scaling?: ScalingType;
  profile?: ProfileName;
  concurrency?: number;
  cases?: string;
  options?: NamedOptions;
}

/** Every option checked before anything is sent (exit 2 with a message, never a stack trace). */
export function parseOptions(opts: ConformCliOptions): Parsed {
  const p: Parsed = {};
  if (opts.seed !== undefined) p.seed = parseIntOption('--seed', opts.seed);
  if (opts.concurrency !== undefined) p.concurrency = parseIntOption('--concurrency', opts.concurrency, 1);
  if (opts.scaling !== undefined) p.scaling = opts.scaling as ScalingType;
  if (opts.profile !== undefined) p.profile = opts.profile as ProfileName;
  if (opts.deadline !== undefined) p.deadline = opts.deadline;
  if (opts.cases !== undefined) p.cases = opts.cases;
  if (opts.option?.length) p.options = cliOptions(opts.option);
  try {
    validateOptions(p);
    resolveDeadline({ deadline: p.deadline, scaling: p.scaling, isFunction: false });
    selectCases(HANDLER_CASES, p.cases);
  } catch (err) {
    if (err instanceof ConformanceOptionError || err instanceof CaseSelectionError) throw new CliError(err.message);
    throw err;
  }
  return p;
}

export async function conform(urlArg: string | undefined, opts: ConformCliOptions): Promise<number> {
  const parsed = parseOptions(opts);
  if (opts.reference && urlArg !== undefined) throw new CliError('give either a URL or --reference, not both');
  if (!opts.reference && urlArg === undefined) throw new CliError('missing the handler URL: tasksim conform <url> (or --reference to try the built-in handler)');
  const reference = opts.reference ? await startReferenceHandler() : undefined;
  try {
    const url = reference?.url ?? urlArg!;
    try {
      parseTargetUrl(url);
    } catch (err) {
      if (err instanceof TargetUrlError) throw new CliError(err.message);
      throw err;
    }
    await probe(url, parsed.deadline);
    const out = (s: string): void => void (opts.json ? undefined : process.stdout.write(s));
    out(header(url, parsed));
    const report = await runConformance({
      target: url,
      ...parsed,
      ...(reference ? { replayAs: '--reference' } : {}),
      onCase: (c) => out(caseLines(c)),
    });
    if (opts.reportDir) {
      const files = await writeReports(report, opts.reportDir);
      if (!opts.json) out(dim(`reports: ${files.join(', ')}\n`));
    }
    if (opts.json) process.stdout.write(JSON.stringify(toJson(report)) + '\n');
    else out(footer(report, reference ? '--reference' : shellQuote(url)));
    return report.ok ? EXIT.ok : EXIT.failed;
  } finally {
    await reference?.close();
  }
}

/**
 * One request up front (no X-AppEngine headers, so a compliant handler refuses it and does no work):
 * a target that cannot be connected to at all stops the run with exit 3 and what to do about it.
 */
async function probe(url: string, deadline: string | undefined): Promise<void> {
  // Long enough that a slow network is not mistaken for "unreachable", short enough not to stall.
  const timeoutMs = Math.min(PROBE_TIMEOUT_MS, Math.max(2_000, resolveDeadline({ deadline, isFunction: false }).timeoutMs));
  const target = new HttpTarget(url, { connections: 1, connectTimeoutMs: timeoutMs });
  try {
    const r = await target.deliver(
      { key: 0, id: 0, queue: '', name: '', attempt: 0, method: 'POST', url: '', headers: { 'Content-Type': 'application/octet-stream' }, deadlineUs: 0, duplicate: false },
      { timeoutMs },
    );
    if (r.unreachable) {
      const origin = new URL(url).origin;
      throw new CliError(
        `cannot reach ${origin}: ${r.detail}.\n` +
          `  Tried: one POST to ${url} (timeout ${formatMs(timeoutMs)}).\n` +
          '  Is the handler running, and listening on that host and port? Check the scheme (http/https) and the port, then run again.',
        EXIT.unreachable,
      );
    }
    if (r.outcome === 'deadline') {
      process.stderr.write(`tasksim: note: ${url} accepted the connection but sent no answer within ${formatMs(timeoutMs)}; running the cases anyway.\n`);
    }
  } finally {
    await target.close();
  }
}

function header(url: string, p: Parsed): string {
  const deadline = resolveDeadline({ deadline: p.deadline, scaling: p.scaling, isFunction: false });
  return `tasksim conform ${url}\n${dim(`deadline ${deadline.label} · profile ${p.profile ?? 'appengine'}${p.options ? Object.entries(p.options).map(([k, v]) => ` · ${k}=${v}`).join('') : ''} · scaling ${p.scaling ?? 'automatic'} · concurrency ${p.concurrency ?? DEFAULT_CONCURRENCY}`)}\n\n`;
}

function caseLines(c: CaseResult): string {
  const line = `${statusWord(c.status)}  ${c.id.padEnd(6)}  ${c.title}${c.severity === 'recommended' ? dim(' (recommended)') : ''}\n`;
  if (c.status === 'pass' || c.status === 'skip') return line;
  return (
    line +
    `        expected  ${c.expected}\n` +
    `        actual    ${c.actual}\n` +
    `        rules     ${c.rules.join(', ')}\n` +
    `        rerun     ${c.replay}\n`
  );
}

function footer(r: ConformanceReport, target: string): string {
  const s = r.summary;
  const counts = `${r.cases.length} cases: ${s.pass} pass, ${s.fail} fail, ${s.warn} warn, ${s.skip} skip in ${(r.durationMs / 1000).toFixed(2)}s`;
  if (r.ok) return `\n${counts}\nEvery required case passed${s.warn ? ' (see the warnings above)' : ''}. Seed ${r.seed}.\n`;
  const failed = r.cases.filter((c) => c.status === 'fail').map((c) => c.id).join(', ');
  return `\n${counts}\n${red(`FAILED: ${failed}`)}\nSeed ${r.seed}. Rerun everything: tasksim conform ${target} --seed ${r.seed}\n`;
}
