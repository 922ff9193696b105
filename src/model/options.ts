/**
 * SPEC §10: where sources disagree, each reading is an option, selectable by name wherever a run is
 * configured — a scenario's `options:`, `--option name=value`, the vitest helper's `options` and the
 * adapter protocol's `/reset`. A profile (profiles.ts) only sets their defaults. The options are listed
 * once, in the rule catalog (src/rules/options.ts); this module applies them; `tasksim options` prints them.
 */
import type { ProfileName, ProfileOptions } from './config.js';
import { PROFILES } from './profiles.js';
import { OPTIONS as RULE_OPTIONS, type OptionName, type RuleId, type RuleOption } from '../rules/index.js';

/** The profile options that are §10 readings (the tombstone period is a profile fact, TASK-2). */
export type OptionField = Exclude<keyof ProfileOptions, 'tombstoneUs'>;

// The catalog lists an option for every such field and no other (a compile error otherwise).
const SAME_FIELDS: [OptionField] extends [OptionName] ? ([OptionName] extends [OptionField] ? true : never) : never =
  true;
void SAME_FIELDS;

export interface OptionSpec {
  name: string;
  field: OptionField;
  /** The SPEC rule that reads it. */
  rule: RuleId;
  description: string;
  /** Each allowed value's name, and what it sets the field to. */
  values: Readonly<Record<string, ProfileOptions[OptionField]>>;
}

/** The options, derived from the one list of them (src/rules/options.ts), in its order. */
export const OPTIONS: readonly OptionSpec[] = (Object.keys(RULE_OPTIONS) as OptionField[]).map((field) => {
  const o: RuleOption = RULE_OPTIONS[field];
  const values = Object.fromEntries(o.readings.map((r) => [r.value, r.sets as ProfileOptions[OptionField]]));
  return { name: o.name, field, rule: o.rule, description: o.description, values };
});

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
  if (!spec)
    return `unknown option ${JSON.stringify(name)}; the options are ${OPTIONS.map((o) => o.name).join(', ')} (SPEC §10, see tasksim options)`;
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
    if (eq <= 0)
      throw new OptionError(
        `--option takes name=value, got ${JSON.stringify(arg)}; the options are ${OPTIONS.map((o) => o.name).join(', ')}`,
      );
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
