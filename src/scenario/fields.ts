/**
 * Reading a scenario's plain object field by field, collecting every problem with its dotted path
 * and rule (CFG-3), instead of failing on the first.
 */
import type { ConfigIssue } from '../model/config-error.js';
import type { RuleId } from '../rules/index.js';
import { formatDuration, parseDuration, type Micros } from '../sim/time.js';
import { parseRate } from '../model/queue-yaml.js';
import type { Range } from './types.js';

export type Obj = Record<string, unknown>;

export class FieldReader {
  readonly issues: ConfigIssue[] = [];

  constructor(private readonly file: string) {}

  problem(field: string, message: string, rule: RuleId = 'CFG-3'): void {
    this.issues.push({ file: this.file, field, rule, message });
  }

  /** Checks that `value` is a map with only the allowed keys (`null`: any keys). */
  map(value: unknown, field: string, allowed: readonly string[] | null): Obj | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.problem(field, `must be a map, got ${describe(value)}`);
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (allowed && !allowed.includes(key))
        this.problem(join(field, key), `unknown field; allowed: ${allowed.join(', ')}`);
    }
    return value as Obj;
  }

  list(value: unknown, field: string): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.problem(field, `must be a list, got ${describe(value)}`);
      return [];
    }
    return value;
  }

  string(value: unknown, field: string, fallback?: string): string | undefined {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'string') {
      this.problem(field, `must be a string, got ${describe(value)}`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(value: unknown, field: string, choices: readonly T[], fallback: T): T {
    const s = this.string(value, field);
    if (s === undefined) return fallback;
    if (!(choices as readonly string[]).includes(s)) {
      this.problem(field, `must be one of ${choices.join(', ')}, got ${JSON.stringify(s)}`);
      return fallback;
    }
    return s as T;
  }

  number(
    value: unknown,
    field: string,
    fallback: number,
    opts: { min?: number; max?: number; integer?: boolean; rule?: RuleId } = {},
  ): number {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || Number.isNaN(value)) {
      this.problem(field, `must be a number, got ${describe(value)}`, opts.rule);
      return fallback;
    }
    if (!Number.isFinite(value)) {
      this.problem(
        field,
        `must be a finite number${opts.max !== undefined ? ` (at most ${opts.max})` : ''}, got ${value}`,
        opts.rule,
      );
      return fallback;
    }
    if (opts.integer && !Number.isInteger(value))
      this.problem(field, `must be a whole number, got ${value}`, opts.rule);
    else if (opts.min !== undefined && value < opts.min)
      this.problem(field, `must be at least ${opts.min}, got ${value}`, opts.rule);
    else if (opts.max !== undefined && value > opts.max)
      this.problem(field, `must be at most ${opts.max}, got ${value}`, opts.rule);
    else return value;
    return fallback;
  }

  bool(value: unknown, field: string, fallback: boolean): boolean {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') {
      this.problem(field, `must be true or false, got ${describe(value)}`);
      return fallback;
    }
    return value;
  }

  /**
   * A duration: `250ms`, `1.5s`, `2m`, `1h`, `9d`, or a number of seconds, from `min` (default 0) to
   * `max` (every duration has a bound: none is unbounded).
   */
  duration(
    value: unknown,
    field: string,
    fallback: Micros,
    opts: { min?: Micros; max: Micros; rule?: RuleId; bound?: string },
  ): Micros {
    if (value === undefined || value === null) return fallback;
    const us = typeof value === 'string' || typeof value === 'number' ? parseDuration(value) : undefined;
    if (us === undefined) {
      this.problem(field, `must be a duration such as 250ms, 1.5s, 2m, 1h or 9d, got ${describe(value)}`, opts.rule);
      return fallback;
    }
    if (!Number.isFinite(us) || us > opts.max) {
      this.problem(
        field,
        `must be at most ${formatDuration(opts.max)}${opts.bound ? ` (${opts.bound})` : ''}, got ${describe(value)}`,
        opts.rule,
      );
      return fallback;
    }
    if (opts.min !== undefined && us < opts.min) {
      this.problem(
        field,
        `must be at least ${formatDuration(opts.min)}${opts.bound ? ` (${opts.bound})` : ''}, got ${describe(value)}`,
        opts.rule,
      );
      return fallback;
    }
    return us;
  }

  /** A rate `N/s|m|h|d` (as queue.yaml writes it) → per second, at most `maxPerSec`. */
  rate(value: unknown, field: string, fallback: number, maxPerSec: number): number {
    if (value === undefined || value === null) return fallback;
    const perSec = parseRate(value);
    if (perSec === undefined || !Number.isFinite(perSec) || perSec <= 0) {
      this.problem(field, `must be a positive rate such as 10/s, 600/m or 5/h, got ${describe(value)}`);
      return fallback;
    }
    if (perSec > maxPerSec) {
      this.problem(
        field,
        `must be at most ${maxPerSec}/s (one arrival per virtual microsecond), got ${describe(value)}`,
      );
      return fallback;
    }
    return perSec;
  }

  /** A fixed value or `{ min, max }` drawn uniformly, read with `one` for each bound. */
  range(value: unknown, field: string, fallback: number, one: (v: unknown, f: string) => number): Range {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const m = this.map(value, field, ['min', 'max'])!;
      const min = one(m.min, join(field, 'min'));
      const max = one(m.max, join(field, 'max'));
      if (max < min) this.problem(field, `max (${m.max}) is below min (${m.min})`);
      return { min, max: Math.max(min, max) };
    }
    const v = value === undefined ? fallback : one(value, field);
    return { min: v, max: v };
  }
}

export function join(field: string, key: string | number): string {
  return typeof key === 'number' ? `${field}[${key}]` : field ? `${field}.${key}` : key;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'nothing';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'number') return `number ${v}`; // NaN and Infinity as such, not as JSON's null
  return `${typeof v} ${JSON.stringify(v)}`;
}
