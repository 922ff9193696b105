/**
 * The trace schema of events.ts, checked on a trace read back from a file (`tasksim check`): a second
 * statement of it, field by field, so a file that is not a trace (`{"hello":"world"}`), a cut-off
 * trace or one carrying NaN or Infinity (written as null) is refused with its line instead of judged.
 */
import { isRuleId } from '../rules/index.js';

/** `rule`: a string that is a rule ID of the catalog (the one place a trace file's rule IDs are parsed). */
type Kind = 'int' | 'num' | 'str' | 'bool' | 'obj' | 'rule';
/** A field: its kind, `?` when optional; or a list of allowed strings. */
type Field = Kind | `${Kind}?` | readonly string[];

const OUTCOMES = ['ok', 'error', 'no-instance', 'deadline', 'net'];
const TASK = { id: 'int', q: 'str' } as const;
const ATTEMPT = { ...TASK, n: 'int' } as const;

const EVENTS: Record<string, Record<string, Field>> = {
  config: { seed: 'int', epochUs: 'num', config: 'obj' },
  add: { ...TASK, name: 'str', named: 'bool', eta: 'num', size: 'int', tag: 'str?', ff: 'bool?' },
  reject: { q: 'str', name: 'str?', reason: 'str', rule: 'rule' },
  dispatch: { ...ATTEMPT, h: 'obj', dup: 'bool?' },
  response: { ...ATTEMPT, status: 'int', out: OUTCOMES, lat: 'num' },
  retry: { ...ATTEMPT, eta: 'num' },
  success: { ...ATTEMPT },
  exhaust: { ...ATTEMPT, rule: 'rule' },
  delete: { ...TASK },
  rate: { q: 'str', rate: 'num' },
  pause: { q: 'str' },
  resume: { q: 'str' },
  outage: { on: 'bool' },
  instance: { count: 'int' },
  'lease-call': {
    q: 'str',
    w: 'str',
    max: 'num',
    secs: 'num',
    tag: 'str?',
    got: 'int',
    result: ['ok', 'capped', 'transient'],
  },
  lease: { ...TASK, w: 'str', until: 'num', n: 'int' },
  modify: { ...TASK, until: 'num' },
  expire: { ...TASK },
  end: { reason: ['idle', 'time-limit', 'event-limit', 'stopped'] },
};

/** The X-AppEngine headers of a dispatch (HDR-1…8). */
const HEADERS: Record<string, Field> = {
  qn: 'str',
  tn: 'str',
  rc: 'str',
  ec: 'str',
  eta: 'str',
  pr: 'str?',
  rr: 'str?',
  ff: 'str?',
};

function fits(v: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'int':
      return typeof v === 'number' && Number.isSafeInteger(v);
    case 'num':
      return typeof v === 'number' && Number.isFinite(v);
    case 'str':
      return typeof v === 'string';
    case 'bool':
      return typeof v === 'boolean';
    case 'obj':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'rule':
      return typeof v === 'string' && isRuleId(v);
  }
}

function checkFields(o: Record<string, unknown>, fields: Record<string, Field>, where: string): string | undefined {
  for (const [key, field] of Object.entries(fields)) {
    const v = o[key];
    if (Array.isArray(field)) {
      if (!field.includes(v as string))
        return `${where}"${key}" must be one of ${field.join(', ')}, got ${JSON.stringify(v) ?? 'nothing'}`;
      continue;
    }
    const optional = (field as string).endsWith('?');
    const kind = (optional ? (field as string).slice(0, -1) : field) as Kind;
    if (v === undefined && optional) continue;
    if (!fits(v, kind)) return `${where}"${key}" must be ${KIND_WORDS[kind]}, got ${JSON.stringify(v) ?? 'nothing'}`;
  }
  return undefined;
}

const KIND_WORDS: Record<Kind, string> = {
  int: 'a whole number',
  num: 'a finite number',
  str: 'a string',
  bool: 'true or false',
  obj: 'an object',
  rule: 'a rule ID (`tasksim rules`)',
};

/** Reads a trace line by line: call `line` for each, then `finish`; each returns why it is refused. */
export class TraceSchemaChecker {
  private count = 0;
  private lastT = 0;
  private ended = false;

  /** Checks one parsed line; returns why it is not a trace event here, or undefined. */
  line(value: unknown): string | undefined {
    this.count++;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return 'not a trace event: not a JSON object';
    const ev = value as Record<string, unknown>;
    if (typeof ev.e !== 'string' || !(ev.e in EVENTS))
      return `not a trace event: "e" must be an event type (${Object.keys(EVENTS).join(', ')}), got ${JSON.stringify(ev.e) ?? 'nothing'}`;
    if (typeof ev.t !== 'number' || !Number.isSafeInteger(ev.t) || ev.t < 0)
      return `not a trace event: "t" must be a whole number of microseconds ≥ 0, got ${JSON.stringify(ev.t) ?? 'nothing'}`;
    if (this.ended) return `an event after the "end" event`;
    if (this.count === 1 && ev.e !== 'config') return `a trace starts with its "config" event, got "${ev.e}"`;
    if (this.count > 1 && ev.e === 'config') return 'a second "config" event';
    if (ev.t < this.lastT) return `time goes backwards: t=${ev.t} after t=${this.lastT}`;
    this.lastT = ev.t;
    const bad =
      checkFields(ev, EVENTS[ev.e], `${ev.e} event: `) ??
      (ev.e === 'dispatch'
        ? checkFields(ev.h as Record<string, unknown>, HEADERS, 'dispatch event: header ')
        : undefined);
    if (bad) return bad;
    if (ev.e === 'end') this.ended = true;
    return undefined;
  }

  /** After the last line: a trace is complete only with its `end` event. */
  finish(): string | undefined {
    if (this.count === 0) return 'empty: no events';
    if (!this.ended) return `incomplete: no "end" event after its ${this.count} events (the run was cut short)`;
    return undefined;
  }
}
