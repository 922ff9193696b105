/**
 * What `tasksim conform` does once its command line is read (conform.ts registers the command and
 * loads this module only to run it): the options checked against the suite, the preflight, the run
 * and its output.
 */
import { readFile } from 'node:fs/promises';
import type { ProfileName, ScalingType } from '../model/config.js';
import type { NamedOptions } from '../model/options.js';
import type { TargetKind } from '../conform/case.js';
import { ReplayTokenError } from '../conform/explore/reproduce.js';
import { preflight } from '../conform/preflight.js';
import { replayDelivery } from '../conform/replay.js';
import { CloudTasksHeaders } from '../targets/cloud-tasks-headers.js';
import { LIMITS } from '../model/names.js';
import { startReferenceHandler } from '../conform/reference-handler.js';
import { toJson } from '../conform/report-json.js';
import { writeReports } from '../conform/report-files.js';
import { loadCatalog } from '../conform/registry.js';
import {
  ConformanceOptionError,
  DEFAULT_CONCURRENCY,
  DEFAULT_EXPLORE,
  behaviourArgs,
  fullCatalog,
  resolveDeadline,
  runConformance,
  validateOptions,
  type CaseResult,
  type ConformanceOptions,
  type ConformanceReport,
} from '../conform/run.js';
import { CaseSelectionError, selectCases } from '../conform/select.js';
import { TargetUrlError, parseTargetUrl } from '../targets/http-target.js';
import { formatMs } from '../targets/net-errors.js';
import { CliError, EXIT, cliOptions, parseIntOption, parseSeed } from './common.js';
import { type ConformCliOptions, checkTarget, invokedAs } from './conform.js';
import { MAX_SEED } from '../conform/seed.js';
import { shellQuote } from '../report/shell.js';
import { dim, red, statusWord } from './format.js';
import { createProgress, progressEnabled } from '../report/progress.js';

/** The preflight request waits for an answer this long at most (and at least PREFLIGHT_MIN_MS). */
const PREFLIGHT_MAX_MS = 10_000;
const PREFLIGHT_MIN_MS = 1_000;

interface Parsed {
  seed?: number;
  deadline?: string;
  scaling?: ScalingType;
  profile?: ProfileName;
  concurrency?: number;
  cases?: string;
  methods?: string[];
  targetKind?: TargetKind;
  explore?: number;
  explorePayloads?: boolean;
  options?: NamedOptions;
}

/** Every option checked before anything is sent (exit 2 with a message, never a stack trace). */
export function parseOptions(opts: ConformCliOptions): Parsed {
  const p: Parsed = {};
  if (opts.seed !== undefined) p.seed = parseSeed(opts.seed, MAX_SEED);
  if (opts.concurrency !== undefined) p.concurrency = parseIntOption('--concurrency', opts.concurrency, 1);
  if (opts.scaling !== undefined) p.scaling = opts.scaling as ScalingType;
  if (opts.profile !== undefined) p.profile = opts.profile as ProfileName;
  if (opts.deadline !== undefined) p.deadline = opts.deadline;
  if (opts.cases !== undefined) p.cases = opts.cases;
  if (opts.methods !== undefined)
    p.methods = opts.methods
      .split(',')
      .map((m) => m.trim().toUpperCase())
      .filter(Boolean);
  if (opts.target !== undefined) p.targetKind = opts.target as TargetKind;
  if (opts.explore !== undefined) p.explore = parseIntOption('--explore', opts.explore);
  if (opts.explorePayloads) p.explorePayloads = true;
  if (opts.option && opts.option.length > 0) p.options = cliOptions(opts.option);
  if (opts.contentType !== undefined && opts.payload === undefined)
    throw new CliError('--content-type goes with --payload (the body it describes)');
  try {
    validateOptions(p);
    resolveDeadline({ deadline: p.deadline, scaling: p.scaling, isFunction: false, targetKind: p.targetKind });
    selectCases(fullCatalog(p), p.cases);
  } catch (err) {
    if (err instanceof ConformanceOptionError || err instanceof CaseSelectionError) throw new CliError(err.message);
    throw err;
  }
  return p;
}

export async function conform(urlArg: string | undefined, opts: ConformCliOptions): Promise<number> {
  await loadCatalog(); // parseOptions checks --cases against it
  const parsed = parseOptions(opts);
  checkTarget(urlArg, opts);
  const payload = opts.payload === undefined ? undefined : await readPayload(opts.payload, opts.contentType);
  const reference = opts.reference ? await startReferenceHandler() : undefined;
  try {
    const url = reference?.url ?? urlArg!;
    let parsedUrl: URL;
    try {
      parsedUrl = parseTargetUrl(url);
    } catch (err) {
      if (err instanceof TargetUrlError) throw new CliError(err.message);
      throw err;
    }
    if (opts.replay !== undefined) return await replay(url, opts.replay, parsed);
    const deadline = resolveDeadline({
      deadline: parsed.deadline,
      scaling: parsed.scaling,
      isFunction: false,
      targetKind: parsed.targetKind,
    });
    const wait = Math.min(PREFLIGHT_MAX_MS, Math.max(PREFLIGHT_MIN_MS, deadline.timeoutMs));
    const check = await preflight(
      parsedUrl,
      wait,
      parsed.targetKind === 'http' ? (t) => new CloudTasksHeaders(t) : undefined,
    );
    if (!check.ok) throw new CliError(check.message, EXIT.unreachable);
    const out = (s: string): void => void (opts.json ? undefined : process.stdout.write(s));
    out(header(url, parsed));
    const run: ConformanceOptions = {
      target: url,
      ...parsed,
      ...(payload ? { payload } : {}),
      invokedAs: invokedAs(),
      ...(reference ? { replayAs: '--reference' } : {}),
    };
    const progress = createProgress({ enabled: progressEnabled(process.stderr, process.env, opts.json === true) });
    progress.start('conform', undefined, 'cases');
    let done = 0;
    const onCase = (c: CaseResult): void => {
      progress.clear(); // case lines go above the bar
      out(caseLines(c));
      progress.update(++done);
    };
    const report = await runConformance({ ...run, onCase }).finally(() => progress.stop());
    if (opts.reportDir) {
      const files = await writeReports(report, opts.reportDir);
      if (!opts.json) out(dim(`reports: ${files.join(', ')}\n`));
    }
    if (opts.json) process.stdout.write(JSON.stringify(toJson(report)) + '\n');
    else out(footer(report, rerunAll(run, reference ? '--reference' : shellQuote(url), report.seed)));
    return report.ok ? EXIT.ok : EXIT.failed;
  } finally {
    await reference?.close();
  }
}

/** `--payload TEXT` or `--payload @FILE` (at most a push task's 100 KiB, TASK-3). */
async function readPayload(
  arg: string,
  contentType: string | undefined,
): Promise<NonNullable<ConformanceOptions['payload']>> {
  let bytes: Uint8Array;
  if (arg.startsWith('@')) {
    try {
      bytes = new Uint8Array(await readFile(arg.slice(1)));
    } catch (err) {
      throw new CliError(
        `cannot read --payload ${arg}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
  } else {
    bytes = new TextEncoder().encode(arg);
  }
  if (bytes.byteLength > LIMITS.pushTaskBytes)
    throw new CliError(
      `--payload is ${bytes.byteLength} bytes; a push task carries at most ${LIMITS.pushTaskBytes} (TASK-3)`,
    );
  return { bytes, arg, ...(contentType !== undefined ? { contentType } : {}) };
}

/** Sends one delivery from a --replay token and prints what came back: exit 0 on a 2xx, 1 otherwise. */
async function replay(url: string, token: string, p: Parsed): Promise<number> {
  let result;
  try {
    result = await replayDelivery({ target: url, token, deadline: p.deadline, targetKind: p.targetKind });
  } catch (err) {
    if (err instanceof ReplayTokenError) throw new CliError(err.message);
    throw err;
  }
  const { sent, response } = result;
  if (response.unreachable)
    throw new CliError(`cannot reach ${new URL(url).origin}: ${response.detail}`, EXIT.unreachable);
  const names = Object.entries(sent.headers)
    .filter(([k]) => /^x-(appengine|cloudtasks)-/i.test(k))
    .map(([k, v]) => `${k}: ${v}`);
  process.stdout.write(
    `${sent.method} ${sent.url}  (${sent.body?.byteLength ?? 0} body bytes)\n  ${names.join('\n  ')}\n`,
  );
  const ok = response.outcome === 'ok';
  const what =
    response.outcome === 'net' || response.outcome === 'deadline'
      ? `${response.outcome}: ${response.detail}`
      : `${response.status}${response.detail ? ` — ${response.detail}` : ''}`;
  process.stdout.write(
    `${ok ? 'accepted' : red('refused')}: ${what} in ${formatMs(Math.round(response.latencyUs / 100) / 10)}\n`,
  );
  return ok ? EXIT.ok : EXIT.failed;
}

function header(url: string, p: Parsed): string {
  const deadline = resolveDeadline({
    deadline: p.deadline,
    scaling: p.scaling,
    isFunction: false,
    targetKind: p.targetKind,
  });
  const target = p.targetKind === 'http' ? 'HTTP target (X-CloudTasks-*)' : `scaling ${p.scaling ?? 'automatic'}`;
  const explore =
    p.explore === 0
      ? 'exploration off'
      : `explore ${p.explore ?? DEFAULT_EXPLORE} per case${p.explorePayloads ? ' with payloads' : ''}`;
  const settings = [
    `deadline ${deadline.label}`,
    `profile ${p.profile ?? 'appengine'}`,
    target,
    `methods ${(p.methods ?? ['POST']).join(',')}`,
    `concurrency ${p.concurrency ?? DEFAULT_CONCURRENCY}`,
    explore,
  ];
  return `tasksim conform ${url}\n${dim(settings.join(' · '))}\n\n`;
}

/** Reruns the whole run: the same seed and every option that changes what is sent or judged. */
function rerunAll(run: ConformanceOptions, target: string, seed: number): string {
  const exploring = [
    ...(run.explore !== undefined && run.explore !== DEFAULT_EXPLORE ? ['--explore', String(run.explore)] : []),
    ...(run.explorePayloads ? ['--explore-payloads'] : []),
  ];
  const extra = [
    ...(run.cases !== undefined ? ['--cases', run.cases as string] : []),
    '--seed',
    String(seed),
    ...behaviourArgs(run),
    ...exploring,
  ];
  return [`${run.invokedAs ?? 'npx tasksim'} conform`, target, ...extra.map(shellQuote)].join(' ');
}

function caseLines(c: CaseResult): string {
  const line = `${statusWord(c.status)}  ${c.id.padEnd(8)}  ${c.title}${c.severity === 'recommended' ? dim(' (recommended)') : ''}\n`;
  if (c.status === 'pass' || c.status === 'skip') return line;
  return (
    line +
    `        expected  ${c.expected}\n` +
    `        actual    ${c.actual}\n` +
    `        rules     ${c.rules.join(', ')}\n` +
    (c.curl ? `        curl      ${c.curl}\n` : '') +
    `        ${c.curl ? 'replay' : 'rerun '}    ${c.replay}\n`
  );
}

function footer(r: ConformanceReport, rerun: string): string {
  const s = r.summary;
  const counts = `${r.cases.length} cases: ${s.pass} pass, ${s.fail} fail, ${s.warn} warn, ${s.skip} skip in ${(r.durationMs / 1000).toFixed(2)}s`;
  if (r.ok)
    return `\n${counts}\nEvery required case passed${s.warn ? ' (see the warnings above)' : ''}. Seed ${r.seed}.\n`;
  const failed = r.cases
    .filter((c) => c.status === 'fail')
    .map((c) => c.id)
    .join(', ');
  return `\n${counts}\n${red(`FAILED: ${failed}`)}\nSeed ${r.seed}. Rerun everything: ${rerun}\n`;
}
