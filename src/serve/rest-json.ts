/**
 * The proto3 JSON mapping (protobuf.dev/programming-guides/json), between HTTP/JSON bodies and the
 * API's messages in the object form the methods take and give (api.ts): camelCase keys, enums by
 * name, 64-bit integers as numbers, bytes as Buffers, Timestamp and Duration as {seconds, nanos},
 * FieldMask as {paths}. On the JSON side: lowerCamelCase names (proto names accepted too), int64 as
 * strings, bytes as base64, Timestamp as RFC 3339, Duration as "3.5s", FieldMask as "a,b.c", enums
 * as names (numbers with `$alt=json;enum-encoding=int`). Fields at their default value are left out.
 * Anything else in a request is INVALID_ARGUMENT, naming the field.
 */
import { status } from '@grpc/grpc-js';
import type * as protobuf from 'protobufjs';
import { ApiError } from './errors.js';

type Msg = Record<string, unknown>;

export interface JsonOptions {
  /** Enums as numbers (the client's `$alt=json;enum-encoding=int`). */
  numericEnums?: boolean;
}

/** How the object form names a field: protobufjs's (and so proto-loader's) camelCase of the proto name. */
export const objectKey = (protoName: string): string =>
  protoName.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The proto3 JSON name: json_name if the proto sets one, else lowerCamelCase. */
function jsonName(f: protobuf.Field): string {
  const given = f.options?.json_name;
  return typeof given === 'string' ? given : objectKey(f.name);
}

const snakeOf = (camel: string): string => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function bad(message: string): ApiError {
  return new ApiError(status.INVALID_ARGUMENT, `Invalid JSON payload received. ${message}`);
}

function invalidValue(at: string, kind: string, v: unknown): ApiError {
  const shown = JSON.stringify(v) ?? String(v);
  return bad(`Invalid value at '${at}' (${kind}), ${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown}`);
}

const isObject = (v: unknown): v is Msg => typeof v === 'object' && v !== null && !Array.isArray(v);
const isType = (t: unknown): t is protobuf.Type => typeof t === 'object' && t !== null && 'fieldsArray' in t;
const isEnum = (t: unknown): t is protobuf.Enum => typeof t === 'object' && t !== null && 'valuesById' in t;

const byName = new WeakMap<protobuf.Type, Map<string, protobuf.Field>>();

/** A message's fields by JSON name and by proto name (parsers accept both). */
function fieldsOf(type: protobuf.Type): Map<string, protobuf.Field> {
  let m = byName.get(type);
  if (!m) {
    m = new Map();
    for (const f of type.fieldsArray) {
      m.set(f.name, f);
      m.set(jsonName(f), f);
    }
    byName.set(type, m);
  }
  return m;
}

// ---- well-known types -------------------------------------------------------------------------------

const TIMESTAMP_RE =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
const DURATION_RE = /^(-)?(\d{1,12})(?:\.(\d{1,9}))?s$/;
/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the Timestamp's range. */
const MIN_SECONDS = -62_135_596_800;
const MAX_SECONDS = 253_402_300_799;
const MAX_DURATION_SECONDS = 315_576_000_000;

/** 0, 3, 6 or 9 fractional digits, as the mapping writes them. */
function fraction(nanos: number): string {
  if (nanos === 0) return '';
  if (nanos % 1e6 === 0) return `.${String(nanos / 1e6).padStart(3, '0')}`;
  if (nanos % 1e3 === 0) return `.${String(nanos / 1e3).padStart(6, '0')}`;
  return `.${String(nanos).padStart(9, '0')}`;
}

const nanosOf = (digits: string | undefined): number => (digits ? Number(digits.padEnd(9, '0')) : 0);

function timestampFromJson(v: unknown, at: string): Msg {
  const m = typeof v === 'string' ? TIMESTAMP_RE.exec(v) : null;
  if (!m) throw invalidValue(at, 'type.googleapis.com/google.protobuf.Timestamp', v);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(ms);
  if (mo < 1 || mo > 12 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59)
    throw invalidValue(at, 'type.googleapis.com/google.protobuf.Timestamp', v);
  const offset = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 3600 + Number(m[11]) * 60);
  // Date.UTC reads years 0–99 as 1900–1999: set the year itself.
  check.setUTCFullYear(y);
  const seconds = check.getTime() / 1000 - offset;
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS)
    throw invalidValue(at, 'type.googleapis.com/google.protobuf.Timestamp', v);
  return { seconds, nanos: nanosOf(m[7]) };
}

function timestampToJson(t: Msg): string {
  const seconds = Number(t.seconds ?? 0);
  const nanos = Number(t.nanos ?? 0);
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  return `${base}${fraction(nanos)}Z`;
}

function durationFromJson(v: unknown, at: string): Msg {
  const m = typeof v === 'string' ? DURATION_RE.exec(v) : null;
  if (!m || Number(m[2]) > MAX_DURATION_SECONDS)
    throw invalidValue(at, 'type.googleapis.com/google.protobuf.Duration', v);
  const sign = m[1] ? -1 : 1;
  // Both parts carry the sign (and -0 is 0).
  return { seconds: sign * Number(m[2]) || 0, nanos: sign * nanosOf(m[3]) || 0 };
}

function durationToJson(d: Msg): string {
  const seconds = Number(d.seconds ?? 0);
  const nanos = Number(d.nanos ?? 0);
  const negative = seconds < 0 || nanos < 0;
  return `${negative ? '-' : ''}${Math.abs(seconds)}${fraction(Math.abs(nanos))}s`;
}

function fieldMaskFromJson(v: unknown, at: string): Msg {
  if (typeof v !== 'string') throw invalidValue(at, 'type.googleapis.com/google.protobuf.FieldMask', v);
  return { paths: v === '' ? [] : v.split(',').map((p) => p.split('.').map(snakeOf).join('.')) };
}

function fieldMaskToJson(m: Msg): string {
  return ((m.paths ?? []) as string[]).map((p) => p.split('.').map(objectKey).join('.')).join(',');
}

interface Special {
  from(v: unknown, at: string, lenient: boolean): Msg;
  to(m: Msg, o: JsonOptions): unknown;
}

/** Wrappers (Int32Value …): the JSON is the bare value of their one field. */
function wrapper(type: protobuf.Type): Special {
  const f = type.fieldsArray[0];
  return {
    from: (v, at, lenient) => ({ value: scalarFromJson(f, v, at, lenient) }),
    to: (m, o) => valueToJson(f, m.value, o),
  };
}

const SPECIAL: Record<string, Special> = {
  '.google.protobuf.Timestamp': { from: timestampFromJson, to: timestampToJson },
  '.google.protobuf.Duration': { from: durationFromJson, to: durationToJson },
  '.google.protobuf.FieldMask': { from: fieldMaskFromJson, to: fieldMaskToJson },
};

function specialOf(type: protobuf.Type): Special | undefined {
  const s = SPECIAL[type.fullName];
  if (s) return s;
  if (/^\.google\.protobuf\.[A-Za-z0-9]+Value$/.test(type.fullName) && type.fieldsArray.length === 1)
    return wrapper(type);
  return undefined;
}

// ---- JSON → message ----------------------------------------------------------------------------------

/**
 * A request body (or the query's fields) as a message. `lenient` reads the query string's forms:
 * every value a string, a repeated field's single value unbracketed.
 */
export function messageFromJson(type: protobuf.Type, json: unknown, at = '', lenient = false): Msg {
  const special = specialOf(type);
  if (special) return special.from(json, at || type.name, lenient);
  if (!isObject(json)) throw invalidValue(at || type.name, `type.googleapis.com/${type.fullName.slice(1)}`, json);
  const out: Msg = {};
  const fields = fieldsOf(type);
  for (const [key, value] of Object.entries(json)) {
    const f = fields.get(key);
    if (!f) throw bad(`Unknown name ${JSON.stringify(key)}${at ? ` at '${at}'` : ''}: Cannot find field.`);
    if (value === null) continue; // null is the default value: the field is left unset
    const where = at ? `${at}.${f.name}` : f.name;
    if (f.partOf) {
      const other = f.partOf.fieldsArray.find((g) => g !== f && out[objectKey(g.name)] !== undefined);
      if (other) throw bad(`'${where}' and '${other.name}' are both set, but only one of ${f.partOf.name} can be.`);
      // proto-loader's oneofs: true names the member that is set.
      if (!f.partOf.name.startsWith('_')) out[objectKey(f.partOf.name)] = objectKey(f.name);
    }
    out[objectKey(f.name)] = fieldFromJson(f, value, where, lenient);
  }
  return out;
}

function fieldFromJson(f: protobuf.Field, v: unknown, at: string, lenient: boolean): unknown {
  if (f.map) {
    if (!isObject(v)) throw invalidValue(at, 'map', v);
    const out: Msg = {};
    for (const [k, item] of Object.entries(v)) out[k] = valueFromJson(f, item, `${at}[${JSON.stringify(k)}]`, lenient);
    return out;
  }
  if (f.repeated) {
    const items = Array.isArray(v) ? v : lenient ? [v] : undefined;
    if (!items) throw invalidValue(at, `repeated ${f.type}`, v);
    return items.map((item, i) => valueFromJson(f, item, `${at}[${i}]`, lenient));
  }
  return valueFromJson(f, v, at, lenient);
}

function valueFromJson(f: protobuf.Field, v: unknown, at: string, lenient: boolean): unknown {
  const t = f.resolvedType;
  if (isType(t)) return messageFromJson(t, v, at, lenient);
  if (isEnum(t)) {
    // values inherits valuesById (protobufjs): only its own keys are names.
    if (typeof v === 'string' && Object.hasOwn(t.values, v)) return v;
    const n = typeof v === 'number' ? v : lenient && typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : NaN;
    const name = Number.isInteger(n) ? t.valuesById[n] : undefined;
    if (name === undefined) throw invalidValue(at, `type.googleapis.com/${t.fullName.slice(1)}`, v);
    return name;
  }
  return scalarFromJson(f, v, at, lenient);
}

const INT_RANGE: Record<string, [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  sint32: [-(2 ** 31), 2 ** 31 - 1],
  sfixed32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  fixed32: [0, 2 ** 32 - 1],
  int64: [-(2 ** 63), 2 ** 63 - 1],
  sint64: [-(2 ** 63), 2 ** 63 - 1],
  sfixed64: [-(2 ** 63), 2 ** 63 - 1],
  uint64: [0, 2 ** 64 - 1],
  fixed64: [0, 2 ** 64 - 1],
};
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
const BASE64URL_RE = /^[A-Za-z0-9_-]*={0,2}$/;

function scalarFromJson(f: protobuf.Field, v: unknown, at: string, lenient: boolean): unknown {
  const kind = `TYPE_${f.type.toUpperCase()}`;
  switch (f.type) {
    case 'string':
      if (typeof v !== 'string') throw invalidValue(at, kind, v);
      return v;
    case 'bool':
      if (typeof v === 'boolean') return v;
      if (lenient && (v === 'true' || v === 'false')) return v === 'true';
      throw invalidValue(at, kind, v);
    case 'bytes':
      if (typeof v !== 'string' || !(BASE64_RE.test(v) || BASE64URL_RE.test(v))) throw invalidValue(at, kind, v);
      return Buffer.from(v, v.includes('-') || v.includes('_') ? 'base64url' : 'base64');
    case 'double':
    case 'float': {
      if (typeof v === 'number') return v;
      if (v === 'NaN') return Number.NaN;
      if (v === 'Infinity') return Number.POSITIVE_INFINITY;
      if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
      if (Number.isNaN(n)) throw invalidValue(at, kind, v);
      return n;
    }
    default: {
      const range = INT_RANGE[f.type];
      if (!range) throw invalidValue(at, kind, v);
      // Numbers or strings; exponent notation too, as long as the value is whole.
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
      if (!Number.isInteger(n) || n < range[0] || n > range[1]) throw invalidValue(at, kind, v);
      return n;
    }
  }
}

// ---- message → JSON ----------------------------------------------------------------------------------

/** A response message as proto3 JSON, default values left out. */
export function messageToJson(type: protobuf.Type, msg: Msg, o: JsonOptions = {}): unknown {
  const special = specialOf(type);
  if (special) return special.to(msg, o);
  const out: Msg = {};
  for (const f of type.fieldsArray) {
    const v = msg[objectKey(f.name)];
    if (v === undefined || v === null) continue;
    let json: unknown;
    if (f.map) {
      const entries = Object.entries(v as Msg);
      if (entries.length === 0) continue;
      json = Object.fromEntries(entries.map(([k, item]) => [k, valueToJson(f, item, o)]));
    } else if (f.repeated) {
      const items = v as unknown[];
      if (items.length === 0) continue;
      json = items.map((item) => valueToJson(f, item, o));
    } else {
      // A oneof's member (and a proto3 optional field) is written even at its default: it is set.
      if (!f.partOf && !isType(f.resolvedType) && isDefault(f, v)) continue;
      json = valueToJson(f, v, o);
    }
    out[jsonName(f)] = json;
  }
  return out;
}

function isDefault(f: protobuf.Field, v: unknown): boolean {
  const t = f.resolvedType;
  if (isEnum(t)) return v === 0 || v === t.valuesById[0];
  if (v instanceof Uint8Array) return v.length === 0;
  return v === 0 || v === '' || v === false || v === '0';
}

function valueToJson(f: protobuf.Field, v: unknown, o: JsonOptions): unknown {
  const t = f.resolvedType;
  if (isType(t)) return messageToJson(t, v as Msg, o);
  if (isEnum(t)) {
    const n = typeof v === 'number' ? v : Object.hasOwn(t.values, String(v)) ? t.values[String(v)] : Number.NaN;
    return o.numericEnums ? n : (t.valuesById[n] ?? v);
  }
  switch (f.type) {
    case 'bytes':
      return Buffer.from(v as Uint8Array).toString('base64');
    case 'double':
    case 'float': {
      const n = Number(v);
      return Number.isFinite(n) ? n : String(n); // NaN, Infinity, -Infinity as strings
    }
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return String(v);
    case 'int32':
    case 'uint32':
    case 'sint32':
    case 'fixed32':
    case 'sfixed32':
      return Number(v);
    default:
      return v;
  }
}
