/**
 * runConformance: the handler conformance suite against a URL or an in-process handler function.
 * Cases run one after another, each on its own engine (external mode) and seed, so any one of them
 * replays alone with `--cases <id> --seed <n>`.
 */
import type { ProfileName, ScalingType } from '../model/config.js';
import { SCALING_DEADLINE_US, isProfileName, isScalingType } from '../model/profiles.js';
import { optionArgs, optionProblem, type NamedOptions } from '../model/options.js';
import { US_PER_MS, parseDuration } from '../sim/time.js';
import { FunctionTarget, type HandlerFunction } from '../targets/function-target.js';
import { HttpTarget, parseTargetUrl } from '../targets/http-target.js';
import { formatMs } from '../targets/net-errors.js';
import { realNow } from '../targets/real-timers.js';
import type { Target } from '../targets/types.js';
import { HANDLER_CASES } from '../../conformance/handler/index.js';
import type { HandlerCase, Severity, VerdictStatus } from './case.js';
import { createContext, type Evidence, type RunSetup } from './context.js';
import { HarnessError } from './drive.js';
import { MAX_SEED, caseSeed, randomSeed, runNonce } from './seed.js';
import { selectCases } from './select.js';

export interface ConformanceOptions {
  /** A handler URL, an in-process handler function, or any Target. */
  target: string | URL | HandlerFunction | Target;
  /** Case ids, sections, globs or rule IDs (see select.ts). Default: every case. */
  cases?: string | readonly string[];
  seed?: number;
  /** The request deadline: a duration (`30s`, `200ms`) or milliseconds. See resolveDeadline. */
  deadline?: string | number;
  /** INST-1 / DEADLINE-1. Default automatic. */
  scaling?: ScalingType;
  profile?: ProfileName;
  /** SPEC §10 readings by name over the profile's defaults, e.g. { 'retry-eta-header': 'original' } (tasksim options). */
  options?: NamedOptions;
  /** Parallel deliveries (PUSH-3 max_concurrent_requests). Default 10. */
  concurrency?: number;
  /** Another catalog (tests of the runner). Default: conformance/handler. */
  catalog?: readonly HandlerCase[];
  /** How replay lines name the target (default: the URL, or the function's name). */
  replayAs?: string;
  /** Called as each case finishes (progress output). */
  onCase?: (result: CaseResult) => void;
}

export interface CaseResult {
  id: string;
  title: string;
  rules: string[];
  severity: Severity;
  requirement: string;
  status: VerdictStatus;
  expected: string;
  actual: string;
  /** One command line that reruns just this case with the same seed. */
  replay: string;
  seed: number;
  durationMs: number;
  evidence: Evidence;
}

export interface ConformanceReport {
  target: string;
  seed: number;
  profile: ProfileName;
  scaling: ScalingType;
  deadline: string;
  concurrency: number;
  cases: CaseResult[];
  summary: { pass: number; fail: number; warn: number; skip: number };
  durationMs: number;
  /** True when no required case failed (the CLI's exit 0). */
  ok: boolean;
}

/** Bad option values: the CLI turns these into exit 2. */
export class ConformanceOptionError extends Error {
  override name = 'ConformanceOptionError';
}

/** The default real wait for an HTTP answer when neither --deadline nor --scaling is given. */
export const DEFAULT_REAL_DEADLINE_MS = 30_000;
export const DEFAULT_CONCURRENCY = 10;
const MAX_CONCURRENCY = 1000;

export interface ResolvedDeadline {
  /** What the target enforces: real ms for HTTP, virtual ms for functions. */
  timeoutMs: number;
  /** The engine's request deadline (virtual µs, DEADLINE-1). */
  deadlineUs: number;
  label: string;
}

/**
 * DEADLINE-1/2 against a real handler: `--deadline` is a real timeout. Without it, a function gets its
 * scaling's deadline (virtual time costs nothing), and a URL waits at most 30 s of real time unless
 * `--scaling` asks for the full deadline.
 */
export function resolveDeadline(opts: { deadline?: string | number; scaling?: ScalingType; isFunction: boolean }): ResolvedDeadline {
  const scaling = opts.scaling ?? 'automatic';
  const scalingUs = SCALING_DEADLINE_US[scaling];
  const scalingMs = formatMs(scalingUs / US_PER_MS);
  const scalingLabel = `${scalingMs} (${scaling} scaling, DEADLINE-1)`;
  if (opts.deadline !== undefined) {
    const us = typeof opts.deadline === 'number' ? opts.deadline * US_PER_MS : parseDuration(opts.deadline);
    if (us === undefined || !Number.isFinite(us) || us < US_PER_MS) {
      throw new ConformanceOptionError(`--deadline must be a duration of at least 1ms like 30s, 200ms or 2m, got ${JSON.stringify(opts.deadline)}`);
    }
    const ms = Math.round(us / US_PER_MS);
    return { timeoutMs: ms, deadlineUs: ms * US_PER_MS, label: `${formatMs(ms)} (--deadline)` };
  }
  if (opts.isFunction) return { timeoutMs: scalingUs / US_PER_MS, deadlineUs: scalingUs, label: `${scalingLabel}, virtual time` };
  if (opts.scaling !== undefined) return { timeoutMs: scalingUs / US_PER_MS, deadlineUs: scalingUs, label: scalingLabel };
  return {
    timeoutMs: DEFAULT_REAL_DEADLINE_MS,
    deadlineUs: scalingUs,
    label: `${formatMs(DEFAULT_REAL_DEADLINE_MS)} (the default real wait; ${scaling} scaling allows ${scalingMs}, DEADLINE-1)`,
  };
}

export function validateOptions(opts: Pick<ConformanceOptions, 'seed' | 'scaling' | 'profile' | 'concurrency' | 'options'>): void {
  for (const [name, value] of Object.entries(opts.options ?? {})) {
    const problem = optionProblem(name, value);
    if (problem) throw new ConformanceOptionError(problem);
  }
  if (opts.seed !== undefined && !(Number.isInteger(opts.seed) && opts.seed >= 0 && opts.seed <= MAX_SEED)) {
    throw new ConformanceOptionError(`--seed must be an integer from 0 to ${MAX_SEED}, got ${opts.seed}`);
  }
  if (opts.scaling !== undefined && !isScalingType(opts.scaling)) {
    throw new ConformanceOptionError(`--scaling must be automatic, basic, manual or flexible, got ${JSON.stringify(opts.scaling)}`);
  }
  if (opts.profile !== undefined && !isProfileName(opts.profile)) {
    throw new ConformanceOptionError(`--profile must be appengine or cloud-tasks, got ${JSON.stringify(opts.profile)}`);
  }
  const c = opts.concurrency;
  if (c !== undefined && !(Number.isInteger(c) && c >= 1 && c <= MAX_CONCURRENCY)) {
    throw new ConformanceOptionError(`--concurrency must be an integer from 1 to ${MAX_CONCURRENCY}, got ${c}`);
  }
}

interface OpenedTarget {
  target: Target;
  /** How replay lines name it. */
  replayName: string;
  path: string;
  isFunction: boolean;
  /** Close it when done: we made it. */
  owned: boolean;
}

function openTarget(t: ConformanceOptions['target'], concurrency: number): OpenedTarget {
  if (typeof t === 'function') {
    return { target: new FunctionTarget(t), replayName: t.name || 'handler', path: '/_ah/queue/default', isFunction: true, owned: true };
  }
  if (typeof t === 'string' || t instanceof URL) {
    const url = parseTargetUrl(String(t));
    const target = new HttpTarget(url, { connections: concurrency });
    return { target, replayName: url.href, path: target.path, isFunction: false, owned: true };
  }
  const path = t instanceof HttpTarget ? t.path : '/_ah/queue/default';
  return { target: t, replayName: t.description, path, isFunction: t instanceof FunctionTarget, owned: false };
}

export async function runConformance(opts: ConformanceOptions): Promise<ConformanceReport> {
  validateOptions(opts);
  const catalog = opts.catalog ?? HANDLER_CASES;
  const cases = selectCases(catalog, opts.cases);
  const seed = opts.seed ?? randomSeed();
  const profile = opts.profile ?? 'appengine';
  const scaling = opts.scaling ?? 'automatic';
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  const opened = openTarget(opts.target, concurrency);
  const deadline = resolveDeadline({ deadline: opts.deadline, scaling: opts.scaling, isFunction: opened.isFunction });
  const setup: RunSetup = {
    target: opened.target,
    profile,
    scaling,
    timeoutMs: deadline.timeoutMs,
    deadlineLabel: deadline.label,
    deadlineUs: deadline.deadlineUs,
    concurrency,
    path: opened.path,
    nonce: runNonce(),
    options: opts.options,
  };
  const replay = replayLine(opened, seed, opts);
  const started = realNow();
  const results: CaseResult[] = [];
  try {
    for (const c of cases) {
      const result = await runCase(c, setup, seed, replay(c.id));
      results.push(result);
      opts.onCase?.(result);
    }
  } finally {
    if (opened.owned) await opened.target.close();
  }
  const summary = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const r of results) summary[r.status]++;
  return {
    target: opened.replayName,
    seed,
    profile,
    scaling,
    deadline: deadline.label,
    concurrency,
    cases: results,
    summary,
    durationMs: Math.round(realNow() - started),
    ok: results.every((r) => !(r.status === 'fail' && r.severity === 'required')),
  };
}

/** Runs one case; a recommended case that fails is a warning, a case that throws is the harness's fault. */
export async function runCase(c: HandlerCase, setup: RunSetup, seed: number, replay: string): Promise<CaseResult> {
  const started = realNow();
  const cs = caseSeed(seed, c.id);
  const { ctx, evidence } = createContext(setup, c.id, cs);
  let verdict;
  try {
    verdict = await c.run(ctx);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    verdict = { status: 'fail' as const, expected: c.requirement, actual: `${err instanceof HarnessError ? '' : 'internal '}harness error (please report): ${msg}` };
  }
  const status: VerdictStatus = verdict.status === 'fail' && c.severity === 'recommended' ? 'warn' : verdict.status;
  return {
    id: c.id,
    title: c.title,
    rules: verdict.rules && verdict.status !== 'pass' ? unique([...verdict.rules, ...c.rules]) : [...c.rules],
    severity: c.severity,
    requirement: c.requirement,
    status,
    expected: verdict.expected,
    actual: verdict.actual,
    replay,
    seed: cs,
    durationMs: Math.round(realNow() - started),
    evidence,
  };
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

/** `tasksim conform <url> --cases H-2.1 --seed N` (+ the options that change behaviour). */
function replayLine(t: OpenedTarget, seed: number, opts: ConformanceOptions): (id: string) => string {
  if (opts.replayAs === undefined && (t.isFunction || !(typeof opts.target === 'string' || opts.target instanceof URL))) {
    const options = opts.options && Object.keys(opts.options).length > 0 ? `, options: ${JSON.stringify(opts.options)}` : '';
    return (id) => `runConformance({ target: ${t.replayName}, cases: '${id}', seed: ${seed}${opts.deadline !== undefined ? `, deadline: ${JSON.stringify(opts.deadline)}` : ''}${options} })`;
  }
  const extra: string[] = [];
  if (opts.deadline !== undefined) extra.push('--deadline', typeof opts.deadline === 'number' ? `${opts.deadline}ms` : opts.deadline);
  if (opts.scaling !== undefined) extra.push('--scaling', opts.scaling);
  if (opts.profile !== undefined && opts.profile !== 'appengine') extra.push('--profile', opts.profile);
  if (opts.concurrency !== undefined && opts.concurrency !== DEFAULT_CONCURRENCY) extra.push('--concurrency', String(opts.concurrency));
  extra.push(...optionArgs(opts.options));
  // replayAs may already be several words (`--reference`): it is not quoted as one argument.
  const name = opts.replayAs ?? shellQuote(t.replayName);
  return (id) => ['tasksim conform', name, ...['--cases', id, '--seed', String(seed), ...extra].map(shellQuote)].join(' ');
}

function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
