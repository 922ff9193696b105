/**
 * The queue.yaml reader (CFG-1…3): parse, validate everything at once, apply the documented defaults,
 * and produce the ResolvedConfig the engine runs on. Nothing here throws anything but ConfigError.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import type { ProfileName, QueueConfig, QueueMode, ResolvedConfig, RetryParameters, ScalingType } from './config.js';
import { ConfigError, type ConfigIssue } from './config-error.js';
import type { RuleId } from '../rules/index.js';
import { PROFILES, SCALING_DEADLINE_US, isProfileName, isScalingType } from './profiles.js';
import { US_PER_S, parseDuration, secondsToMicros } from '../sim/time.js';
import { QUEUE_NAME_RE } from './names.js';
import { applyOptions, optionProblem, type NamedOptions } from './options.js';

export { ConfigError, formatIssue, type ConfigIssue } from './config-error.js';

export interface ReadOptions {
  /** SPEC §10 readings; default `appengine`. */
  profile?: ProfileName;
  /** INST-1 / DEADLINE-1; default `automatic`. */
  scaling?: ScalingType;
  /** Named in messages. */
  file?: string;
  /** SPEC §10 readings by name (options.ts), over the profile's defaults. */
  options?: NamedOptions;
}

// CFG-1 grammars, as the real format writes them.
const RATE_RE = /^(0|[0-9]+(\.[0-9]*)?\/[smhd])$/;
const AGE_RE = /^[0-9]+(\.[0-9]*)?[smhd]$/;
const STORAGE_RE = /^([0-9]+(\.[0-9]*)?[BKMGT]?)$/;
const RATE_UNIT_S: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

const TOP_FIELDS = ['queue', 'total_storage_limit'];
const QUEUE_FIELDS = [
  'name',
  'mode',
  'rate',
  'bucket_size',
  'max_concurrent_requests',
  'target',
  'retry_parameters',
  'acl',
];
const RETRY_FIELDS = [
  'task_retry_limit',
  'task_age_limit',
  'min_backoff_seconds',
  'max_backoff_seconds',
  'max_doublings',
];
const PUSH_ONLY = ['rate', 'bucket_size', 'max_concurrent_requests', 'target'];
const ACL_FIELDS = ['user_email', 'writer_email'];

// PUSH-2 and RETRY-3 defaults.
const DEFAULT_RATE = '5/s';
const DEFAULT_BUCKET = 5;
const DEFAULT_MIN_BACKOFF_S = 0.1;
const DEFAULT_MAX_BACKOFF_S = 3600;
const DEFAULT_MAX_DOUBLINGS = 16;

type Path = (string | number)[];
type Obj = Record<string, unknown>;

/** Collects issues; `locate` maps a path in the document to a line when the source was YAML text. */
class Issues {
  readonly list: ConfigIssue[] = [];
  constructor(
    private readonly file: string | undefined,
    private readonly locate: (path: Path) => number | undefined = () => undefined,
  ) {}
  add(path: Path, rule: RuleId, message: string, queue?: string, field?: string): void {
    const issue: ConfigIssue = { rule, message };
    if (this.file !== undefined) issue.file = this.file;
    const line = this.locate(path);
    if (line !== undefined) issue.line = line;
    if (queue !== undefined) issue.queue = queue;
    if (field !== undefined) issue.field = field;
    this.list.push(issue);
  }
}

/** Parses queue.yaml text; throws ConfigError listing every problem (CFG-3). Empty text → the default queue. */
export function parseQueueYaml(text: string, opts: ReadOptions = {}): ResolvedConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, merge: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    // Malformed YAML: nothing below can be trusted, so report the parser's own words and stop.
    throw new ConfigError(
      doc.errors.map((e) => ({
        ...(opts.file !== undefined ? { file: opts.file } : {}),
        line: lines.linePos(e.pos[0]).line,
        rule: 'CFG-1',
        message: `malformed YAML: ${e.message.split('\n')[0]}`,
      })),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    throw new ConfigError([
      {
        ...(opts.file !== undefined ? { file: opts.file } : {}),
        rule: 'CFG-1',
        message: `malformed YAML: ${(e as Error).message}`,
      },
    ]);
  }
  return resolve(value, opts, new Issues(opts.file, lineLocator(doc, lines)));
}

/** Reads and parses a queue.yaml file; a missing or unreadable file is a ConfigError naming the path. */
export async function loadQueueYaml(path: string, opts: ReadOptions = {}): Promise<ResolvedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new ConfigError([{ file: path, rule: 'CFG-1', message: `cannot read queue.yaml "${path}": ${reason}` }]);
  }
  return parseQueueYaml(text, { ...opts, file: opts.file ?? path });
}

/**
 * The same validation for an already-parsed object (scenario files embed queue.yaml inline).
 * `where` names it in messages when there is no file, e.g. `scenario.yaml (queues)`; no line numbers.
 */
export function queueConfigFromObject(obj: unknown, opts: ReadOptions & { where?: string } = {}): ResolvedConfig {
  return resolve(obj, opts, new Issues(opts.file ?? opts.where));
}

/** Just the default push queue (CFG-2). */
export function defaultConfig(opts: ReadOptions = {}): ResolvedConfig {
  return resolve(null, opts, new Issues(opts.file));
}

function resolve(value: unknown, opts: ReadOptions, issues: Issues): ResolvedConfig {
  const profile = opts.profile ?? 'appengine';
  const scaling = opts.scaling ?? 'automatic';
  // The options arrive typed, but CLI strings can reach here unchecked.
  if (!isProfileName(profile))
    issues.add(
      [],
      'CFG-3',
      `unknown profile ${show(profile)}; expected one of ${Object.keys(PROFILES).join(', ')}`,
      undefined,
      'profile',
    );
  if (!isScalingType(scaling))
    issues.add(
      [],
      'CFG-3',
      `unknown scaling ${show(scaling)}; expected one of ${Object.keys(SCALING_DEADLINE_US).join(', ')}`,
      undefined,
      'scaling',
    );
  for (const [name, v] of Object.entries(opts.options ?? {})) {
    const problem = optionProblem(name, v);
    if (problem) issues.add([], 'CFG-3', problem, undefined, `options.${name}`);
  }

  const queues = readTop(value, issues);
  // In file order, so the message reads top to bottom (the sort is stable).
  if (issues.list.length > 0) throw new ConfigError(issues.list.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  // CFG-2: `default` always exists; a file's own `default` wins (it was checked to be push).
  if (!queues.some((q) => q.name === 'default')) queues.unshift(defaultQueue());
  return {
    profile,
    options: applyOptions(PROFILES[profile], opts.options),
    queues,
    scaling,
    deadlineUs: SCALING_DEADLINE_US[scaling],
  };
}

function defaultQueue(): QueueConfig {
  return {
    name: 'default',
    mode: 'push',
    ratePerSec: rateToPerSec(DEFAULT_RATE),
    rate: DEFAULT_RATE,
    bucketSize: DEFAULT_BUCKET,
    retry: {
      minBackoffUs: secondsToMicros(DEFAULT_MIN_BACKOFF_S),
      maxBackoffUs: secondsToMicros(DEFAULT_MAX_BACKOFF_S),
      maxDoublings: DEFAULT_MAX_DOUBLINGS,
    },
  };
}

function readTop(value: unknown, issues: Issues): QueueConfig[] {
  if (value === null || value === undefined) return []; // an empty file: just the default queue
  if (!isObj(value)) {
    issues.add([], 'CFG-1', `the top level must be a map with a "queue:" list, got ${kind(value)}`);
    return [];
  }
  unknownFields(value, TOP_FIELDS, [], issues, undefined, '');
  const storage = value.total_storage_limit;
  if (
    storage !== undefined &&
    !(typeof storage === 'number' ? storage >= 0 : typeof storage === 'string' && STORAGE_RE.test(storage))
  ) {
    issues.add(
      ['total_storage_limit'],
      'CFG-1',
      `${show(storage)} does not match ${pattern(STORAGE_RE)}`,
      undefined,
      'total_storage_limit',
    );
  }
  const list = value.queue;
  if (list === null || list === undefined) return []; // `queue:` with every entry commented out
  if (!Array.isArray(list)) {
    issues.add(['queue'], 'CFG-1', `must be a list of queues, got ${kind(list)}`, undefined, 'queue');
    return [];
  }
  const out: QueueConfig[] = [];
  const seen = new Set<string>();
  list.forEach((raw, i) => {
    // Duplicates are checked on the names as written, so a queue with other errors still counts.
    const name = isObj(raw) ? raw.name : undefined;
    if (typeof name === 'string') {
      if (seen.has(name)) issues.add(['queue', i, 'name'], 'CFG-1', `duplicate queue name ${show(name)}`, name, 'name');
      seen.add(name);
    }
    const q = readQueue(raw, i, issues);
    if (q !== undefined) out.push(q);
  });
  return out;
}

/** One queue entry; returns undefined when it has errors (they are in `issues`). */
function readQueue(raw: unknown, i: number, issues: Issues): QueueConfig | undefined {
  const at: Path = ['queue', i];
  if (!isObj(raw)) {
    issues.add(at, 'CFG-1', `each queue must be a map, got ${kind(raw)}`, `#${i + 1}`);
    return undefined;
  }
  const before = issues.list.length;
  const label = typeof raw.name === 'string' && raw.name !== '' ? raw.name : `#${i + 1}`;
  const bad = (field: string, rule: RuleId, message: string): undefined => {
    issues.add([...at, ...field.split('.')], rule, message, label, field);
    return undefined;
  };
  unknownFields(raw, QUEUE_FIELDS, at, issues, label, '');

  // Name (TASK-1).
  const name = raw.name;
  if (name === undefined || name === null) bad('name', 'CFG-1', 'every queue needs a name');
  else if (typeof name !== 'string') bad('name', 'TASK-1', `must be a string, got ${kind(name)}`);
  else if (!QUEUE_NAME_RE.test(name)) bad('name', 'TASK-1', `${show(name)} does not match ${pattern(QUEUE_NAME_RE)}`);

  // Mode (CFG-1); an invalid mode skips the push/pull-only checks rather than guess.
  let mode: QueueMode | undefined = 'push';
  if (raw.mode !== undefined) {
    if (raw.mode === 'push' || raw.mode === 'pull') mode = raw.mode;
    else mode = bad('mode', 'CFG-1', `${show(raw.mode)} is not a mode; expected push or pull`);
  }
  if (name === 'default' && mode === 'pull') bad('mode', 'CFG-2', 'the "default" queue must be a push queue');
  if (mode === 'pull') {
    // PULL-1: a pull queue dispatches nothing, so dispatch settings would be silently meaningless.
    for (const f of PUSH_ONLY)
      if (raw[f] !== undefined) bad(f, 'CFG-1', `not allowed on a pull queue (allowed only on push queues)`);
  } else if (mode === 'push' && raw.acl !== undefined) {
    bad('acl', 'CFG-1', 'not allowed on a push queue (acl is a legacy pull-queue setting)');
  }

  // Rate (CFG-1 grammar, PUSH-2). YAML reads a bare `0` as a number.
  let rate = DEFAULT_RATE;
  if (mode === 'push' && raw.rate !== undefined) {
    const r = raw.rate === 0 ? '0' : raw.rate;
    if (typeof r === 'string' && RATE_RE.test(r)) rate = r;
    else bad('rate', 'CFG-1', `${show(raw.rate)} does not match ${pattern(RATE_RE)}`);
  }
  const bucketSize = mode === 'push' ? optInt(raw.bucket_size, 1, (m) => bad('bucket_size', 'CFG-1', m)) : undefined;
  const maxConcurrent =
    mode === 'push'
      ? optInt(raw.max_concurrent_requests, 1, (m) => bad('max_concurrent_requests', 'CFG-1', m))
      : undefined;
  if (mode === 'push' && raw.target !== undefined && (typeof raw.target !== 'string' || raw.target === '')) {
    bad('target', 'CFG-1', `must be a non-empty string, got ${kind(raw.target)}`);
  }
  if (raw.acl !== undefined && mode === 'pull') readAcl(raw.acl, [...at, 'acl'], issues, label);
  const retry = readRetry(raw.retry_parameters, at, issues, label);

  if (issues.list.length > before) return undefined;
  const q: QueueConfig = {
    name: name as string,
    mode: mode as QueueMode,
    // A pull queue keeps the push defaults here only so every QueueConfig has one shape; PULL-1: unused.
    ratePerSec: rateToPerSec(rate),
    rate,
    bucketSize: bucketSize ?? DEFAULT_BUCKET,
    retry: retry as RetryParameters,
  };
  if (maxConcurrent !== undefined) q.maxConcurrentRequests = maxConcurrent;
  if (mode === 'push' && typeof raw.target === 'string') q.target = raw.target;
  return q;
}

/** retry_parameters (RETRY-1…3), with RETRY-3's raising of the unset bound. */
function readRetry(raw: unknown, at: Path, issues: Issues, label: string): RetryParameters | undefined {
  const f = (name: string) => `retry_parameters.${name}`;
  const bad = (name: string, rule: RuleId, message: string): undefined => {
    issues.add(
      [...at, 'retry_parameters', name].filter((s) => s !== ''),
      rule,
      message,
      label,
      name === '' ? 'retry_parameters' : f(name),
    );
    return undefined;
  };
  if (raw === undefined) raw = {};
  if (!isObj(raw)) return bad('', 'CFG-1', `must be a map of ${RETRY_FIELDS.join(', ')}, got ${kind(raw)}`);
  unknownFields(raw, RETRY_FIELDS, [...at, 'retry_parameters'], issues, label, 'retry_parameters.');

  const retryLimit = optInt(raw.task_retry_limit, 0, (m) => bad('task_retry_limit', 'RETRY-1', m));
  let ageUs: number | undefined;
  const age = raw.task_age_limit;
  if (age !== undefined) {
    const us = typeof age === 'string' && AGE_RE.test(age) ? parseDuration(age) : undefined;
    if (us === undefined) bad('task_age_limit', 'RETRY-2', `${show(age)} does not match ${pattern(AGE_RE)}`);
    else if (!Number.isSafeInteger(us))
      bad('task_age_limit', 'RETRY-2', `${show(age)} is not a finite number of seconds`);
    else if (us <= 0) bad('task_age_limit', 'RETRY-2', `${show(age)} must be greater than 0`);
    // RETRY-2: limits are whole seconds (the stubs compare whole seconds); a fraction is refused, not rounded.
    else if (us % US_PER_S !== 0)
      bad('task_age_limit', 'RETRY-2', `${show(age)} is ${us / US_PER_S} s: must be a whole number of seconds`);
    else ageUs = us;
  }
  const minS = optSeconds(raw.min_backoff_seconds, (m) => bad('min_backoff_seconds', 'RETRY-3', m));
  const maxS = optSeconds(raw.max_backoff_seconds, (m) => bad('max_backoff_seconds', 'RETRY-3', m));
  const doublings = optInt(raw.max_doublings, 0, (m) => bad('max_doublings', 'RETRY-3', m));

  // RETRY-3: setting only one bound past the other's default raises that default to match;
  // setting both the wrong way round is a contradiction, refused.
  let minUs = secondsToMicros(minS ?? DEFAULT_MIN_BACKOFF_S);
  let maxUs = secondsToMicros(maxS ?? DEFAULT_MAX_BACKOFF_S);
  if (minS !== undefined && maxS !== undefined && minUs > maxUs) {
    bad('min_backoff_seconds', 'RETRY-3', `${minS} is greater than max_backoff_seconds ${maxS}`);
  } else if (minS !== undefined && maxS === undefined && minUs > maxUs) maxUs = minUs;
  else if (minS === undefined && maxS !== undefined && maxUs < minUs) minUs = maxUs;

  const retry: RetryParameters = {
    minBackoffUs: minUs,
    maxBackoffUs: maxUs,
    maxDoublings: doublings ?? DEFAULT_MAX_DOUBLINGS,
  };
  if (retryLimit !== undefined) retry.taskRetryLimit = retryLimit;
  if (ageUs !== undefined) retry.taskAgeLimitUs = ageUs;
  return retry;
}

/** The legacy pull-queue `acl`: a list of `user_email:` / `writer_email:` entries. Checked, then ignored. */
function readAcl(raw: unknown, at: Path, issues: Issues, label: string): void {
  if (!Array.isArray(raw)) {
    issues.add(at, 'CFG-1', `must be a list of user_email / writer_email entries, got ${kind(raw)}`, label, 'acl');
    return;
  }
  raw.forEach((entry, j) => {
    const keys = isObj(entry) ? Object.keys(entry) : [];
    const ok = keys.length === 1 && ACL_FIELDS.includes(keys[0]) && typeof (entry as Obj)[keys[0]] === 'string';
    if (!ok)
      issues.add(
        [...at, j],
        'CFG-1',
        `entry ${j + 1} must be one "user_email: …" or "writer_email: …", got ${show(entry)}`,
        label,
        'acl',
      );
  });
}

function unknownFields(
  obj: Obj,
  allowed: string[],
  at: Path,
  issues: Issues,
  queue: string | undefined,
  prefix: string,
): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key))
      issues.add([...at, key], 'CFG-1', `unknown field; allowed: ${allowed.join(', ')}`, queue, prefix + key);
  }
}

/** undefined when absent; an integer ≥ min; anything else is reported through `bad`. */
function optInt(v: unknown, min: number, bad: (message: string) => void): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) return void bad(`must be an integer ≥ ${min}, got ${show(v)}`);
  if (v < min) return void bad(`must be an integer ≥ ${min}, got ${v}`);
  return v;
}

/** Seconds ≥ 0 whose µs are a finite, exact number (CFG-3 refuses `.inf`, `.nan` and overflowing values). */
function optSeconds(v: unknown, bad: (message: string) => void): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0) return void bad(`must be a number ≥ 0, got ${show(v)}`);
  if (!Number.isSafeInteger(secondsToMicros(v)))
    return void bad(
      `must be a finite number of seconds, at most ${Math.floor(Number.MAX_SAFE_INTEGER / US_PER_S)}, got ${show(v)}`,
    );
  return v;
}

/** PUSH-2: `N/s|m|h|d` → tokens per second; `0` pauses (PUSH-8). Only called on grammar-checked text. */
function rateToPerSec(rate: string): number {
  if (rate === '0') return 0;
  const [n, unit] = rate.split('/');
  return Number(n) / RATE_UNIT_S[unit];
}

/** A rate in queue.yaml's grammar (CFG-1) as tokens per second, or undefined when it does not parse. */
export function parseRate(text: unknown): number | undefined {
  return typeof text === 'string' && RATE_RE.test(text) ? rateToPerSec(text) : undefined;
}

/** The grammar as SPEC writes it (`source` escapes the slash). */
function pattern(re: RegExp): string {
  return re.source.replaceAll('\\/', '/');
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kind(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  return `${typeof v === 'string' ? 'the string' : `the ${typeof v}`} ${show(v)}`;
}

function show(v: unknown): string {
  let s: string;
  try {
    s = v === undefined ? 'nothing' : typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v));
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/** Finds the line of a path in the YAML document: the key's line for a field, the item's for a list entry. */
function lineLocator(doc: Document, lines: LineCounter): (path: Path) => number | undefined {
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? lines.linePos(range[0]).line : undefined;
  };
  return (path) => {
    let node: unknown = doc.contents;
    let line = lineOf(node);
    for (const seg of path) {
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(seg));
        if (!pair) break;
        line = lineOf(pair.key) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
        node = node.items[seg];
        line = lineOf(node) ?? line;
      } else break;
    }
    return line;
  };
}
