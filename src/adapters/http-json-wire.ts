/**
 * The wire format of the HTTP/JSON adapter protocol (HTTP-JSON-PROTOCOL.md), shared by the client
 * (http-json.ts) and the reference server (http-json-server.ts): paths, the extra delivery headers,
 * and checks that turn a malformed answer into one clear sentence.
 */
import type { AddOutcome, Capabilities, LeaseOutcome, ModifyOutcome, OpOutcome } from './contract.js';
import { AdapterProtocolError } from './contract.js';
import type { TraceEvent } from '../sim/events.js';

export const PROTOCOL = 'tasksim-queue/1';

/** On each delivery in virtual time: the dispatch instant, µs since the run's zero. */
export const TIME_HEADER = 'X-Tasksim-Time-Us';
/** On the handler's answer: how long it took, µs of virtual time (beyond the deadline: DEADLINE-2). */
export const LATENCY_HEADER = 'X-Tasksim-Latency-Us';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Checks a value against the protocol; `what` names the endpoint in the message. */
class Check {
  constructor(private readonly what: string) {}
  fail(why: string): never {
    throw new AdapterProtocolError(`${this.what} answered ${why}`);
  }
  obj(v: unknown, where = 'the body'): Obj {
    if (!isObj(v)) this.fail(`${where} ${shown(v)}, expected a JSON object`);
    return v;
  }
  bool(o: Obj, k: string): boolean {
    if (typeof o[k] !== 'boolean') this.fail(`"${k}": ${shown(o[k])}, expected true or false`);
    return o[k] as boolean;
  }
  str(o: Obj, k: string): string {
    if (typeof o[k] !== 'string') this.fail(`"${k}": ${shown(o[k])}, expected a string`);
    return o[k] as string;
  }
  int(o: Obj, k: string): number {
    if (!Number.isSafeInteger(o[k])) this.fail(`"${k}": ${shown(o[k])}, expected an integer (µs)`);
    return o[k] as number;
  }
  arr(o: Obj, k: string): unknown[] {
    if (!Array.isArray(o[k])) this.fail(`"${k}": ${shown(o[k])}, expected a list`);
    return o[k] as unknown[];
  }
  oneOf<T extends string>(o: Obj, k: string, allowed: readonly T[]): T {
    const v = o[k];
    if (typeof v !== 'string' || !allowed.includes(v as T)) this.fail(`"${k}": ${shown(v)}, expected one of ${allowed.join(', ')}`);
    return v as T;
  }
}

export function shown(v: unknown): string {
  const s = v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

export function readCapabilities(v: unknown): Capabilities {
  const c = new Check('GET /');
  const o = c.obj(v);
  if (o.protocol !== PROTOCOL) c.fail(`"protocol": ${shown(o.protocol)}, expected "${PROTOCOL}"`);
  const caps = c.obj(o.capabilities, '"capabilities"');
  return { controlsClock: c.bool(caps, 'controlsClock'), outages: c.bool(caps, 'outages'), events: c.bool(caps, 'events') };
}

export function readAddResults(v: unknown, n: number): AddOutcome[] {
  const c = new Check('POST /tasks');
  const list = c.arr(c.obj(v), 'results');
  if (list.length !== n) c.fail(`${list.length} results for ${n} tasks`);
  return list.map((r): AddOutcome => {
    const o = c.obj(r, 'a result');
    if (c.bool(o, 'ok')) return { ok: true, name: c.str(o, 'name') };
    const out: AddOutcome = { ok: false, error: c.oneOf(o, 'error', ['ALREADY_EXISTS', 'TOMBSTONED', 'INVALID'] as const) };
    if (typeof o.rule === 'string') out.rule = o.rule;
    if (typeof o.message === 'string') out.message = o.message;
    return out;
  });
}

export function readOp(v: unknown, what: string): OpOutcome {
  const c = new Check(what);
  const o = c.obj(v);
  if (c.bool(o, 'ok')) return { ok: true };
  return { ok: false, error: c.oneOf(o, 'error', ['NOT_FOUND', 'INVALID'] as const), ...(typeof o.message === 'string' ? { message: o.message } : {}) };
}

export function readLease(v: unknown): LeaseOutcome {
  const c = new Check('POST /lease');
  const o = c.obj(v);
  if (!c.bool(o, 'ok')) return { ok: false, error: c.str(o, 'error'), ...(typeof o.message === 'string' ? { message: o.message } : {}) };
  const tasks = c.arr(o, 'tasks').map((t) => {
    const x = c.obj(t, 'a leased task');
    return { name: c.str(x, 'name'), leaseUntilUs: c.int(x, 'leaseUntilUs') };
  });
  return { ok: true, tasks };
}

export function readModify(v: unknown): ModifyOutcome {
  const c = new Check('POST /modify');
  const o = c.obj(v);
  if (c.bool(o, 'ok')) return { ok: true, leaseUntilUs: c.int(o, 'leaseUntilUs') };
  return { ok: false, error: c.oneOf(o, 'error', ['LEASE_EXPIRED', 'LEASE_MISMATCH', 'NOT_FOUND', 'INVALID'] as const), ...(typeof o.message === 'string' ? { message: o.message } : {}) };
}

export function readAdvance(v: unknown, wantEvents: boolean): { nowUs: number; events: TraceEvent[] } {
  const c = new Check('POST /advance');
  const o = c.obj(v);
  const nowUs = c.int(o, 'nowUs');
  if (!wantEvents) return { nowUs, events: [] };
  const events = c.arr(o, 'events').map((e) => {
    const x = c.obj(e, 'an event');
    if (typeof x.e !== 'string' || typeof x.t !== 'number') c.fail(`an event ${shown(e)} without "e" and "t"`);
    return x as unknown as TraceEvent;
  });
  return { nowUs, events };
}

export function readOk(v: unknown, what: string): void {
  const c = new Check(what);
  if (!c.bool(c.obj(v), 'ok')) c.fail(`"ok": false${typeof (v as Obj).message === 'string' ? ` (${(v as Obj).message})` : ''}`);
}
