/**
 * runConformance: the handler conformance suite against a URL or an in-process handler function.
 * Cases run one after another, each on its own engine (external mode) and seed, so any one of them
 * replays alone with `--cases <id> --seed <n>`.
 */
import type { ProfileName, ScalingType } from '../model/config.js';
import type { RuleId } from '../rules/index.js';
import { optionArgs, optionProblem, resolveOptions, type NamedOptions } from '../model/options.js';
import { SCALING_DEADLINE_US, isProfileName, isScalingType } from '../model/profiles.js';
import { US_PER_M, US_PER_MS, US_PER_S, parseDuration } from '../sim/time.js';
import type { HandlerFunction } from '../targets/function-target.js';
import { CloudTasksHeaders } from '../targets/cloud-tasks-headers.js';
import { HttpTarget, parseTargetUrl } from '../targets/http-target.js';
import { formatMs } from '../targets/net-errors.js';
import { realNow } from '../targets/real-timers.js';
import type { Target } from '../targets/types.js';
import { loadCatalog, registeredCatalog } from './registry.js';
import { curlCommand, encodeReplay } from './explore/reproduce.js';
import { wireOf } from '../targets/types.js';
import {
  DEFAULT_PREMISES,
  type AppFacts,
  type DefaultPayload,
  type DirectRequest,
  type HandlerCase,
  type Severity,
  type TargetKind,
  type Verdict,
  type VerdictStatus,
} from './case.js';
import { createContext, directDelivery, type Evidence, type RunSetup } from './context.js';
import { HarnessError } from './drive.js';
import { MAX_SEED, caseSeed, randomSeed, runNonce } from './seed.js';
import { selectCases } from './select.js';
import { shellQuote } from '../report/shell.js';

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
  /** SPEC §10 readings by name, over the profile's defaults (`--option name=value`; see `tasksim options`). */
  options?: NamedOptions;
  /** The HTTP methods the app creates tasks with (PUSH-1): cases that need another are skipped. Default POST. */
  methods?: readonly string[];
  /** `appengine` (X-AppEngine-* headers, DEADLINE-1; the default) or `http` (X-CloudTasks-*, CT-2). */
  targetKind?: TargetKind;
  /** The body cases send by default (`--payload`); `arg` is how the user spelled it, for rerun lines. */
  payload?: DefaultPayload & { arg?: string };
  /** Generated deliveries per exploring case, after the fixed cases (default DEFAULT_EXPLORE; 0: no exploration). */
  explore?: number;
  /** Exploration varies payloads and Content-Types too. */
  explorePayloads?: boolean;
  /** How the command is invoked in rerun lines (`npx tasksim`, `tasksim`). Default `npx tasksim`. */
  invokedAs?: string;
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
  rules: RuleId[];
  severity: Severity;
  requirement: string;
  status: VerdictStatus;
  expected: string;
  actual: string;
  /** One command line that reruns just this case with the same seed (an exploration finding: its one delivery, `--replay`). */
  replay: string;
  /** An exploration finding's shrunk delivery as a ready curl command. */
  curl?: string;
  seed: number;
  durationMs: number;
  evidence: Evidence;
}

export interface ConformanceReport {
  target: string;
  seed: number;
  profile: ProfileName;
  /** The §10 readings given explicitly, by name (the profile supplies the rest). */
  options: NamedOptions;
  scaling: ScalingType;
  deadline: string;
  concurrency: number;
  methods: string[];
  targetKind: TargetKind;
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
import { DEFAULT_CONCURRENCY, DEFAULT_EXPLORE } from './defaults.js';
export { DEFAULT_CONCURRENCY, DEFAULT_EXPLORE };
const MAX_EXPLORE = 100_000;
const MAX_CONCURRENCY = 1000;

export interface ResolvedDeadline {
  /** What the target enforces: real ms for HTTP, virtual ms for functions. */
  timeoutMs: number;
  /** The engine's request deadline (virtual µs, DEADLINE-1 or CT-2). */
  deadlineUs: number;
  label: string;
}

/** CT-2: an HTTP target's dispatchDeadline is 15 s to 30 min, default 10 min. */
export const HTTP_TARGET_DEADLINE = { minUs: 15 * US_PER_S, maxUs: 30 * US_PER_M, defaultUs: 10 * US_PER_M } as const;

/**
 * DEADLINE-1/2 against a real handler: `--deadline` is a real timeout. Without it, a function gets its
 * scaling's deadline (virtual time costs nothing), and a URL waits at most 30 s of real time unless
 * `--scaling` asks for the full deadline. An HTTP target (CT-2) has a dispatchDeadline instead of a
 * scaling type: 10 min by default, never more than 30 min.
 */
export function resolveDeadline(opts: {
  deadline?: string | number;
  scaling?: ScalingType;
  isFunction: boolean;
  targetKind?: TargetKind;
}): ResolvedDeadline {
  const http = opts.targetKind === 'http';
  const scaling = opts.scaling ?? 'automatic';
  const fullUs = http ? HTTP_TARGET_DEADLINE.defaultUs : SCALING_DEADLINE_US[scaling];
  const fullMs = formatMs(fullUs / US_PER_MS);
  const fullLabel = http
    ? `${fullMs} (the default dispatchDeadline of an HTTP target, CT-2)`
    : `${fullMs} (${scaling} scaling, DEADLINE-1)`;
  if (opts.deadline !== undefined) {
    const us = typeof opts.deadline === 'number' ? opts.deadline * US_PER_MS : parseDuration(opts.deadline);
    if (us === undefined || !Number.isFinite(us) || us < US_PER_MS) {
      throw new ConformanceOptionError(
        `--deadline must be a duration of at least 1ms like 30s, 200ms or 2m, got ${JSON.stringify(opts.deadline)}`,
      );
    }
    if (http && us > HTTP_TARGET_DEADLINE.maxUs) {
      throw new ConformanceOptionError(
        `--deadline of an HTTP target is at most 30m (dispatchDeadline, CT-2), got ${JSON.stringify(opts.deadline)}`,
      );
    }
    const ms = Math.round(us / US_PER_MS);
    const note = http && us < HTTP_TARGET_DEADLINE.minUs ? '; shorter than any dispatchDeadline (15s, CT-2)' : '';
    return { timeoutMs: ms, deadlineUs: ms * US_PER_MS, label: `${formatMs(ms)} (--deadline${note})` };
  }
  if (opts.isFunction)
    return { timeoutMs: fullUs / US_PER_MS, deadlineUs: fullUs, label: `${fullLabel}, virtual time` };
  if (opts.scaling !== undefined && !http)
    return { timeoutMs: fullUs / US_PER_MS, deadlineUs: fullUs, label: fullLabel };
  const allows = http
    ? `an HTTP target's dispatchDeadline defaults to ${fullMs}, CT-2`
    : `${scaling} scaling allows ${fullMs}, DEADLINE-1`;
  return {
    timeoutMs: DEFAULT_REAL_DEADLINE_MS,
    deadlineUs: fullUs,
    label: `${formatMs(DEFAULT_REAL_DEADLINE_MS)} (the default real wait; ${allows})`,
  };
}

/** PUSH-1: the methods a task may carry (App Engine: GET, POST, HEAD, PUT, DELETE; Cloud Tasks adds PATCH, OPTIONS). */
export const TASK_METHODS = ['POST', 'GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;
const APPENGINE_METHODS = ['POST', 'GET', 'HEAD', 'PUT', 'DELETE'];
export const DEFAULT_METHODS: readonly string[] = ['POST'];

export function validateOptions(
  opts: Pick<
    ConformanceOptions,
    'seed' | 'scaling' | 'profile' | 'concurrency' | 'methods' | 'targetKind' | 'options' | 'explore'
  >,
): void {
  if (opts.seed !== undefined && !(Number.isInteger(opts.seed) && opts.seed >= 0 && opts.seed <= MAX_SEED)) {
    throw new ConformanceOptionError(`--seed must be an integer from 0 to ${MAX_SEED}, got ${opts.seed}`);
  }
  if (opts.scaling !== undefined && !isScalingType(opts.scaling)) {
    throw new ConformanceOptionError(
      `--scaling must be automatic, basic, manual or flexible, got ${JSON.stringify(opts.scaling)}`,
    );
  }
  if (opts.profile !== undefined && !isProfileName(opts.profile)) {
    throw new ConformanceOptionError(`--profile must be appengine or cloud-tasks, got ${JSON.stringify(opts.profile)}`);
  }
  const e = opts.explore;
  if (e !== undefined && !(Number.isInteger(e) && e >= 0 && e <= MAX_EXPLORE)) {
    throw new ConformanceOptionError(`--explore must be an integer from 0 (off) to ${MAX_EXPLORE}, got ${e}`);
  }
  const c = opts.concurrency;
  if (c !== undefined && !(Number.isInteger(c) && c >= 1 && c <= MAX_CONCURRENCY)) {
    throw new ConformanceOptionError(`--concurrency must be an integer from 1 to ${MAX_CONCURRENCY}, got ${c}`);
  }
  if (opts.targetKind !== undefined && opts.targetKind !== 'appengine' && opts.targetKind !== 'http') {
    throw new ConformanceOptionError(`--target must be appengine or http, got ${JSON.stringify(opts.targetKind)}`);
  }
  if (opts.targetKind === 'http' && opts.scaling !== undefined) {
    throw new ConformanceOptionError(
      "--scaling is about App Engine services (DEADLINE-1); an HTTP target's deadline is its dispatchDeadline (CT-2): use --deadline",
    );
  }
  if (opts.methods !== undefined) {
    const allowed: readonly string[] = opts.targetKind === 'http' ? TASK_METHODS : APPENGINE_METHODS;
    if (opts.methods.length === 0)
      throw new ConformanceOptionError(`--methods is empty; give one or more of ${allowed.join(', ')}`);
    for (const m of opts.methods) {
      if (!allowed.includes(m))
        throw new ConformanceOptionError(
          `--methods: ${JSON.stringify(m)} is not a task method (PUSH-1); use ${allowed.join(', ')}`,
        );
    }
  }
  for (const [name, value] of Object.entries(opts.options ?? {})) {
    const problem = optionProblem(name, value);
    if (problem) throw new ConformanceOptionError(problem);
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

async function openTarget(
  t: ConformanceOptions['target'],
  concurrency: number,
  kind: TargetKind,
): Promise<OpenedTarget> {
  const opened = await openBare(t, concurrency);
  // CT-2: an HTTP target gets the same deliveries under the X-CloudTasks-* names.
  return kind === 'http' ? { ...opened, target: new CloudTasksHeaders(opened.target, opened.owned) } : opened;
}

/** The function target (and its fake timers) loads only for a function, not on every URL run. */
const functionTargetModule = () => import('../targets/function-target.js');

async function openBare(t: ConformanceOptions['target'], concurrency: number): Promise<OpenedTarget> {
  if (typeof t === 'function') {
    const { FunctionTarget } = await functionTargetModule();
    return {
      target: new FunctionTarget(t),
      replayName: t.name || 'handler',
      path: '/_ah/queue/default',
      isFunction: true,
      owned: true,
    };
  }
  if (typeof t === 'string' || t instanceof URL) {
    const url = parseTargetUrl(String(t));
    const target = new HttpTarget(url, { connections: concurrency });
    return { target, replayName: url.href, path: target.path, isFunction: false, owned: true };
  }
  const path = t instanceof HttpTarget ? t.path : '/_ah/queue/default';
  const { FunctionTarget } = await functionTargetModule();
  return { target: t, replayName: t.description, path, isFunction: t instanceof FunctionTarget, owned: false };
}

export async function runConformance(opts: ConformanceOptions): Promise<ConformanceReport> {
  validateOptions(opts);
  if (!opts.catalog) await loadCatalog();
  const cases = selectCases(fullCatalog(opts), opts.cases);
  const seed = opts.seed ?? randomSeed();
  const profile = opts.profile ?? 'appengine';
  const scaling = opts.scaling ?? 'automatic';
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  const targetKind = opts.targetKind ?? 'appengine';
  const app: AppFacts = { methods: [...(opts.methods ?? DEFAULT_METHODS)], target: targetKind };
  const opened = await openTarget(opts.target, concurrency, targetKind);
  const deadline = resolveDeadline({
    deadline: opts.deadline,
    scaling: opts.scaling,
    isFunction: opened.isFunction,
    targetKind,
  });
  const setup: RunSetup = {
    target: opened.target,
    profile,
    options: resolveOptions(profile, opts.options),
    scaling,
    app,
    payload: opts.payload,
    exploration: { runs: opts.explore ?? DEFAULT_EXPLORE, payloads: opts.explorePayloads === true },
    timeoutMs: deadline.timeoutMs,
    deadlineLabel: deadline.label,
    deadlineUs: deadline.deadlineUs,
    concurrency,
    path: opened.path,
    nonce: runNonce(),
  };
  const replay = replayLine(opened, seed, opts);
  const started = realNow();
  const results: CaseResult[] = [];
  try {
    for (const c of cases) {
      const result = await runCase(c, setup, seed, replay.rerun(c.id), (req) =>
        reproduce(opened, req, replay.delivery),
      );
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
    options: { ...opts.options },
    scaling,
    deadline: deadline.label,
    concurrency,
    methods: [...app.methods],
    targetKind,
    cases: results,
    summary,
    durationMs: Math.round(realNow() - started),
    ok: results.every((r) => !(r.status === 'fail' && r.severity === 'required')),
  };
}

/**
 * The registered catalog's fixed cases, then (unless --explore 0) its exploring ones; a given catalog is used
 * as it is. The registered catalog must be loaded (`loadCatalog`, which runConformance awaits).
 */
export function fullCatalog(
  opts: Pick<ConformanceOptions, 'catalog' | 'explore' | 'explorePayloads'>,
): readonly HandlerCase[] {
  if (opts.catalog) return opts.catalog;
  const { fixed, exploring, payloads } = registeredCatalog();
  if (opts.explore === 0) return fixed;
  return [...fixed, ...exploring, ...(opts.explorePayloads && payloads ? [payloads] : [])];
}

/** A finding's one delivery as the report gives it: a curl command and a `--replay` line. */
function reproduce(
  t: OpenedTarget,
  req: DirectRequest,
  replayLine: (token: string) => string,
): { curl?: string; replay: string } {
  const token = encodeReplay(req);
  if (t.isFunction) return { replay: replayLine(token) };
  const sent = wireOf(t.target, directDelivery(req, 0));
  const origin = t.target instanceof HttpTarget ? t.target.url.origin : new URL(t.replayName).origin;
  return { curl: curlCommand(origin, sent), replay: replayLine(token) };
}

/** Why a case does not apply to the app as the user described it, or undefined when it does. */
export function unmetPremise(c: HandlerCase, app: AppFacts): string | undefined {
  const p = c.assumes ?? DEFAULT_PREMISES;
  if (p.target && p.target !== app.target) {
    return `only for ${p.target === 'http' ? 'HTTP targets (--target http)' : 'App Engine targets (--target appengine)'}; this run checks ${app.target === 'http' ? 'an HTTP target' : 'an App Engine handler'}`;
  }
  if (p.methods && !p.methods.some((m) => app.methods.includes(m))) {
    const need = p.methods.join(' or ');
    return `the app creates only ${app.methods.join(', ')} tasks (--methods ${app.methods.join(',')}); this case sends a ${need} task. Declare --methods ${[...app.methods, p.methods[0]].join(',')} if the app creates ${need} tasks`;
  }
  return undefined;
}

/** Runs one case; a recommended case that fails is a warning, a case that throws is the harness's fault. */
export async function runCase(
  c: HandlerCase,
  setup: RunSetup,
  seed: number,
  replay: string,
  reproduceWith?: (req: DirectRequest) => { curl?: string; replay: string },
): Promise<CaseResult> {
  const started = realNow();
  const cs = caseSeed(seed, c.id);
  const { ctx, evidence } = createContext(setup, c.id, cs);
  let verdict: Verdict;
  const unmet = unmetPremise(c, setup.app);
  if (unmet !== undefined) {
    verdict = { status: 'skip', expected: c.requirement, actual: `skipped: ${unmet}` };
  } else {
    try {
      verdict = await c.run(ctx);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      verdict = {
        status: 'fail' as const,
        expected: c.requirement,
        actual: `${err instanceof HarnessError ? '' : 'internal '}harness error (please report): ${msg}`,
      };
    }
  }
  const status: VerdictStatus = verdict.status === 'fail' && c.severity === 'recommended' ? 'warn' : verdict.status;
  const repro = verdict.reproduction && reproduceWith ? reproduceWith(verdict.reproduction) : undefined;
  return {
    id: c.id,
    title: c.title,
    rules: verdict.rules && verdict.status !== 'pass' ? unique([...verdict.rules, ...c.rules]) : [...c.rules],
    severity: c.severity,
    requirement: c.requirement,
    status,
    expected: verdict.expected,
    actual: verdict.actual,
    replay: repro?.replay ?? replay,
    ...(repro?.curl ? { curl: repro.curl } : {}),
    seed: cs,
    durationMs: Math.round(realNow() - started),
    evidence,
  };
}

function unique<T>(list: T[]): T[] {
  return [...new Set(list)];
}

/**
 * The options of a run that change what is sent or how it is judged, as command-line words
 * (everything but the target, the cases and the seed).
 */
export function behaviourArgs(opts: ConformanceOptions): string[] {
  const extra: string[] = [];
  if (opts.targetKind !== undefined && opts.targetKind !== 'appengine') extra.push('--target', opts.targetKind);
  if (opts.deadline !== undefined)
    extra.push('--deadline', typeof opts.deadline === 'number' ? `${opts.deadline}ms` : opts.deadline);
  if (opts.scaling !== undefined) extra.push('--scaling', opts.scaling);
  if (opts.profile !== undefined && opts.profile !== 'appengine') extra.push('--profile', opts.profile);
  extra.push(...optionArgs(opts.options));
  if (opts.concurrency !== undefined && opts.concurrency !== DEFAULT_CONCURRENCY)
    extra.push('--concurrency', String(opts.concurrency));
  if (opts.methods !== undefined && opts.methods.join(',') !== DEFAULT_METHODS.join(','))
    extra.push('--methods', opts.methods.join(','));
  if (opts.payload) {
    extra.push('--payload', opts.payload.arg ?? new TextDecoder().decode(opts.payload.bytes));
    if (opts.payload.contentType !== undefined) extra.push('--content-type', opts.payload.contentType);
  }
  return extra;
}

interface ReplayLines {
  /** Reruns one case with the run's seed. */
  rerun: (id: string) => string;
  /** Sends one delivery again (`--replay TOKEN`). */
  delivery: (token: string) => string;
}

/** `npx tasksim conform <url> --cases H-2.1 --seed N` (+ the options that change behaviour). */
function replayLine(t: OpenedTarget, seed: number, opts: ConformanceOptions): ReplayLines {
  if (
    opts.replayAs === undefined &&
    (t.isFunction || !(typeof opts.target === 'string' || opts.target instanceof URL))
  ) {
    const more: string[] = [];
    if (opts.deadline !== undefined) more.push(`deadline: ${JSON.stringify(opts.deadline)}`);
    for (const k of ['profile', 'scaling', 'targetKind', 'methods', 'options', 'explore', 'explorePayloads'] as const) {
      if (opts[k] !== undefined) more.push(`${k}: ${JSON.stringify(opts[k])}`);
    }
    const call = (fields: string[]): string =>
      `runConformance({ ${[`target: ${t.replayName}`, ...fields, ...more].join(', ')} })`;
    const kind = opts.targetKind !== undefined ? `, targetKind: '${opts.targetKind}'` : '';
    return {
      rerun: (id) => call([`cases: '${id}'`, `seed: ${seed}`]),
      delivery: (token) => `replayDelivery({ target: ${t.replayName}, token: '${token}'${kind} })`,
    };
  }
  // replayAs may already be several words (`--reference`): it is not quoted as one argument.
  const head = `${opts.invokedAs ?? 'npx tasksim'} conform ${opts.replayAs ?? shellQuote(t.replayName)}`;
  const extra = behaviourArgs(opts);
  const exploring = [
    ...(opts.explore !== undefined && opts.explore !== DEFAULT_EXPLORE ? ['--explore', String(opts.explore)] : []),
    ...(opts.explorePayloads ? ['--explore-payloads'] : []),
  ];
  return {
    rerun: (id) =>
      [
        head,
        ...['--cases', id, '--seed', String(seed), ...extra, ...(id.startsWith('P-') ? exploring : [])].map(shellQuote),
      ].join(' '),
    delivery: (token) => [head, ...['--replay', token, ...extra].map(shellQuote)].join(' '),
  };
}
