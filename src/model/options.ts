/**
 * SPEC §10: where sources disagree, each reading is an option, selectable by name wherever a run is
 * configured — a scenario's `options:`, `--option name=value`, the vitest helper's `options` and the
 * adapter protocol's `/reset`. A profile (profiles.ts) only sets their defaults. This is the one list
 * of them; `tasksim options` prints it.
 */
import type { ProfileName, ProfileOptions } from './config.js';
import { PROFILES } from './profiles.js';
import type { RuleId } from '../rules/index.js';

/** The profile options that are §10 readings (the tombstone period is a profile fact, TASK-2). */
export type OptionField = Exclude<keyof ProfileOptions, 'tombstoneUs'>;

export interface OptionSpec {
  name: string;
  field: OptionField;
  /** The SPEC rule that reads it. */
  rule: RuleId;
  description: string;
  /** Each allowed value's name, and what it sets the field to. */
  values: Readonly<Record<string, ProfileOptions[OptionField]>>;
}

export const OPTIONS: readonly OptionSpec[] = [
  {
    name: 'backoff-linear-step',
    field: 'backoffLinearStep',
    rule: 'RETRY-4',
    description: 'growth per retry after max_doublings: 2^D·min (SDK, Cloud Tasks docs) or 2^(D−1)·min (an older legacy page)',
    values: { double: 'double', half: 'half' },
  },
  {
    name: 'handler-503',
    field: 'handler503Counts',
    rule: 'HANDLER-3',
    description: "a handler's 503 counts against task_retry_limit (and throttles), or is retried without counting",
    values: { counted: true, 'not-counted': false },
  },
  {
    name: 'retry-limit',
    field: 'retryLimitMeans',
    rule: 'RETRY-1',
    description: 'task_retry_limit N means N retries, N+1 attempts (legacy), or N attempts (Cloud Tasks maxAttempts)',
    values: { retries: 'retries', attempts: 'attempts' },
  },
  {
    name: 'age-from',
    field: 'ageFrom',
    rule: 'RETRY-2',
    description: "a task's age for task_age_limit counts from its first attempt, or from its creation (an old page)",
    values: { 'first-attempt': 'first-attempt', creation: 'creation' },
  },
  {
    name: 'deadline-execution',
    field: 'deadlineCountsAsExecution',
    rule: 'HDR-4',
    description: 'a missed deadline leaves ExecutionCount as it was (production captures), or counts as an execution (legacy wording)',
    values: { 'not-counted': false, counted: true },
  },
  {
    name: 'execution-count-5xx',
    field: 'executionCounts5xx',
    rule: 'CT-5',
    description: "a handler's 5xx answer counts in ExecutionCount (App Engine), or is left out (Cloud Tasks)",
    values: { counted: true, 'left-out': false },
  },
  {
    name: 'retry-eta-header',
    field: 'retryEtaHeader',
    rule: 'HDR-5',
    description: "X-AppEngine-TaskETA on a retry: the retry's ETA (Python stub), or the task's original ETA (Java stub)",
    values: { retry: 'retry', original: 'original' },
  },
];

/** Options as names and value names: `{ "retry-limit": "attempts" }`. */
export type NamedOptions = Record<string, string>;

/** An unknown option name or value: bad input, with the valid choices in the message. */
export class OptionError extends Error {
  override name = 'OptionError';
}

export function findOption(name: string): OptionSpec | undefined {
  return OPTIONS.find((o) => o.name === name);
}

/** Why `name=value` is not a valid option, or undefined when it is. */
export function optionProblem(name: string, value: unknown): string | undefined {
  const spec = findOption(name);
  if (!spec) return `unknown option ${JSON.stringify(name)}; the options are ${OPTIONS.map((o) => o.name).join(', ')} (SPEC §10, see tasksim options)`;
  const values = Object.keys(spec.values);
  if (typeof value !== 'string' || !Object.hasOwn(spec.values, value)) {
    return `option ${spec.name} must be ${values.join(' or ')}, got ${JSON.stringify(value)} (${spec.rule})`;
  }
  return undefined;
}

/** `base` with the named options applied; throws OptionError on an unknown name or value. */
export function applyOptions(base: ProfileOptions, named: NamedOptions | undefined): ProfileOptions {
  const out: ProfileOptions = { ...base };
  for (const [name, value] of Object.entries(named ?? {})) {
    const problem = optionProblem(name, value);
    if (problem) throw new OptionError(problem);
    const spec = findOption(name)!;
    (out as unknown as Record<string, unknown>)[spec.field] = spec.values[value];
  }
  return out;
}

/** A profile's defaults with the named options applied. */
export function resolveOptions(profile: ProfileName, named?: NamedOptions): ProfileOptions {
  return applyOptions(PROFILES[profile], named);
}

/** The name of the value `options` holds for `spec` (undefined if no named value matches). */
export function valueName(spec: OptionSpec, options: ProfileOptions): string | undefined {
  return Object.keys(spec.values).find((v) => spec.values[v] === options[spec.field]);
}

/** Every option of `options`, by name: what a run used, for reports and the adapter protocol. */
export function optionsByName(options: ProfileOptions): NamedOptions {
  const out: NamedOptions = {};
  for (const spec of OPTIONS) {
    const v = valueName(spec, options);
    if (v !== undefined) out[spec.name] = v;
  }
  return out;
}

/** The options of `options` that differ from `profile`'s defaults (for replay lines). */
export function changedOptions(profile: ProfileName, options: ProfileOptions): NamedOptions {
  const out: NamedOptions = {};
  for (const spec of OPTIONS) {
    if (options[spec.field] !== PROFILES[profile][spec.field]) {
      const v = valueName(spec, options);
      if (v !== undefined) out[spec.name] = v;
    }
  }
  return out;
}

/** Reads repeated `name=value` arguments (`--option`); throws OptionError naming the choices. */
export function parseOptionArgs(args: readonly string[] | undefined): NamedOptions {
  const out: NamedOptions = {};
  for (const arg of args ?? []) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new OptionError(`--option takes name=value, got ${JSON.stringify(arg)}; the options are ${OPTIONS.map((o) => o.name).join(', ')}`);
    const name = arg.slice(0, eq).trim();
    const value = arg.slice(eq + 1).trim();
    const problem = optionProblem(name, value);
    if (problem) throw new OptionError(`--option ${arg}: ${problem}`);
    out[name] = value;
  }
  return out;
}

/** `--option name=value` arguments for a replay line. */
export function optionArgs(named: NamedOptions | undefined): string[] {
  return Object.entries(named ?? {}).flatMap(([k, v]) => ['--option', `${k}=${v}`]);
}
