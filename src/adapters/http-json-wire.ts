/**
 * The wire format of the HTTP/JSON adapter protocol (HTTP-JSON-PROTOCOL.md), shared by the client
 * (http-json.ts) and the reference server (http-json-server.ts): paths, the extra delivery headers,
 * and checks that turn a malformed answer into one clear sentence.
 */
import { request, type Dispatcher } from 'undici';
import type { AddOutcome, Capabilities, Feature, LeaseOutcome, ModifyOutcome, OpOutcome } from './contract.js';
import { AdapterProtocolError, FEATURES, lackedFeatures } from './contract.js';
import type { TraceEvent } from '../sim/events.js';
import { isRuleId, type RuleId } from '../rules/index.js';

/** The protocol the harness speaks; it still speaks /1 to a queue that answers with it. */
export const PROTOCOL = 'tasksim-queue/2';
export const PROTOCOL_V1 = 'tasksim-queue/1';
export type ProtocolVersion = typeof PROTOCOL | typeof PROTOCOL_V1;

/** Every answer of the queue is read up to this size; larger is a protocol violation. */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;
/** A delivery's body is read up to this size (TASK-3: no task is larger than 1 MiB). */
export const MAX_DELIVERY_BYTES = 1024 * 1024 + 64 * 1024;

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
    if (typeof v !== 'string' || !allowed.includes(v as T))
      this.fail(`"${k}": ${shown(v)}, expected one of ${allowed.join(', ')}`);
    return v as T;
  }
}

export function shown(v: unknown): string {
  const s = v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v));
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** `GET /`: the protocol version and what the queue can do (/1: three booleans; /2: what it lacks). */
export function readHello(v: unknown): { version: ProtocolVersion; caps: Capabilities } {
  const c = new Check('GET /');
  const o = c.obj(v);
  if (o.protocol === PROTOCOL_V1) {
    const caps = c.obj(o.capabilities, '"capabilities"');
    return {
      version: PROTOCOL_V1,
      caps: {
        controlsClock: c.bool(caps, 'controlsClock'),
        outages: c.bool(caps, 'outages'),
        events: c.bool(caps, 'events'),
      },
    };
  }
  if (o.protocol !== PROTOCOL) c.fail(`"protocol": ${shown(o.protocol)}, expected "${PROTOCOL}" or "${PROTOCOL_V1}"`);
  const list = o.lacks === undefined ? [] : c.arr(o, 'lacks');
  const lacked: Feature[] = [];
  for (const f of list) {
    if (typeof f !== 'string' || !(FEATURES as readonly string[]).includes(f))
      c.fail(`"lacks": ${shown(f)} is not a feature the harness knows (${FEATURES.join(', ')})`);
    lacked.push(f as Feature);
  }
  const rest = lacked.filter((f) => f !== 'virtualClock' && f !== 'outages' && f !== 'events');
  return {
    version: PROTOCOL,
    caps: {
      controlsClock: !lacked.includes('virtualClock'),
      outages: !lacked.includes('outages'),
      events: !lacked.includes('events'),
      ...(rest.length > 0 ? { lacks: rest } : {}),
    },
  };
}

export function readCapabilities(v: unknown): Capabilities {
  return readHello(v).caps;
}

/** What a queue serving /2 puts in `GET /`. */
export function helloV2(caps: Capabilities, name: string): { protocol: string; name: string; lacks: Feature[] } {
  return { protocol: PROTOCOL, name, lacks: lackedFeatures(caps) };
}

/** A /2 `/reset` answer may map the model's queue names to those the queue's headers carry (a namespace prefix). */
export function readReset(v: unknown): { queueNames?: Record<string, string> } {
  const c = new Check('POST /reset');
  const o = c.obj(v);
  if (!c.bool(o, 'ok')) c.fail(`"ok": false${typeof o.message === 'string' ? ` (${o.message})` : ''}`);
  if (o.queueNames === undefined) return {};
  const m = c.obj(o.queueNames, '"queueNames"');
  const out: Record<string, string> = {};
  for (const [k, name] of Object.entries(m)) {
    if (typeof name !== 'string') c.fail(`"queueNames"."${k}": ${shown(name)}, expected a string`);
    out[k] = name as string;
  }
  return { queueNames: out };
}

export function readAddResults(v: unknown, n: number): AddOutcome[] {
  const c = new Check('POST /tasks');
  const list = c.arr(c.obj(v), 'results');
  if (list.length !== n) c.fail(`${list.length} results for ${n} tasks`);
  return list.map((r): AddOutcome => {
    const o = c.obj(r, 'a result');
    if (c.bool(o, 'ok')) return { ok: true, name: c.str(o, 'name') };
    const out: AddOutcome = {
      ok: false,
      error: c.oneOf(o, 'error', ['ALREADY_EXISTS', 'TOMBSTONED', 'INVALID'] as const),
    };
    if (o.rule !== undefined) {
      if (typeof o.rule !== 'string' || !isRuleId(o.rule))
        c.fail(`"rule": ${shown(o.rule)}, expected a rule ID such as "TASK-2" (tasksim rules)`);
      out.rule = o.rule as RuleId;
    }
    if (typeof o.message === 'string') out.message = o.message;
    return out;
  });
}

export function readOp(v: unknown, what: string): OpOutcome {
  const c = new Check(what);
  const o = c.obj(v);
  if (c.bool(o, 'ok')) return { ok: true };
  return {
    ok: false,
    error: c.oneOf(o, 'error', ['NOT_FOUND', 'INVALID'] as const),
    ...(typeof o.message === 'string' ? { message: o.message } : {}),
  };
}

export function readLease(v: unknown): LeaseOutcome {
  const c = new Check('POST /lease');
  const o = c.obj(v);
  if (!c.bool(o, 'ok'))
    return { ok: false, error: c.str(o, 'error'), ...(typeof o.message === 'string' ? { message: o.message } : {}) };
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
  return {
    ok: false,
    error: c.oneOf(o, 'error', ['LEASE_EXPIRED', 'LEASE_MISMATCH', 'NOT_FOUND', 'INVALID'] as const),
    ...(typeof o.message === 'string' ? { message: o.message } : {}),
  };
}

export function readAdvance(v: unknown, wantEvents: boolean): { nowUs: number; events: TraceEvent[] } {
  const c = new Check('POST /advance');
  const o = c.obj(v);
  const nowUs = c.int(o, 'nowUs');
  if (!wantEvents) return { nowUs, events: [] };
  const events = c.arr(o, 'events').map((e) => {
    const x = c.obj(e, 'an event');
    if (typeof x.e !== 'string' || typeof x.t !== 'number') c.fail(`an event ${shown(e)} without "e" and "t"`);
    if ((x.e === 'reject' || x.e === 'exhaust') && (typeof x.rule !== 'string' || !isRuleId(x.rule)))
      c.fail(`the ${x.e} event at t=${x.t} with "rule" ${shown(x.rule)}, expected a rule ID (tasksim rules)`);
    return x as unknown as TraceEvent;
  });
  return { nowUs, events };
}

export function readOk(v: unknown, what: string): void {
  const c = new Check(what);
  if (!c.bool(c.obj(v), 'ok'))
    c.fail(`"ok": false${typeof (v as Obj).message === 'string' ? ` (${(v as Obj).message})` : ''}`);
}

/**
 * Reads a body to its end, at most `cap` bytes and `timeoutMs` long: the bytes, or why not (a
 * sentence starting "the body …"). Never throws: an aborted stream is an answer too.
 */
export async function readCapped(
  stream: AsyncIterable<unknown> & { destroy?(err?: Error): unknown },
  cap: number,
  timeoutMs: number,
): Promise<Buffer | string> {
  const chunks: Buffer[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`the body did not end within ${timeoutMs} ms`), timeoutMs);
  });
  const read = (async (): Promise<Buffer | string> => {
    try {
      for await (const c of stream) {
        const b = Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array);
        size += b.length;
        if (size > cap) return `the body is larger than ${cap} bytes`;
        chunks.push(b);
      }
      return Buffer.concat(chunks);
    } catch (err) {
      return `the body was aborted after ${size} bytes (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
    }
  })();
  try {
    const out = await Promise.race([read, late]);
    if (typeof out === 'string') stream.destroy?.();
    return out;
  } finally {
    clearTimeout(timer);
  }
}

/** One bounded HTTP exchange's outcome: the status and body text, or why there is none. */
export type Exchanged =
  | { ok: true; status: number; text: string }
  | { ok: false; badBody: string }
  | { ok: false; error: Error; code: string; timedOut: boolean };

/**
 * Sends one request with a deadline and reads the answer's body under `cap` bytes. Never throws: the
 * caller turns each failure into its own error (the adapter's protocol errors, the clock's).
 */
export async function exchange(
  agent: Dispatcher,
  url: string,
  init: { method: 'GET' | 'POST'; body?: unknown; timeoutMs: number; cap: number },
): Promise<Exchanged> {
  try {
    const res = await request(url, {
      method: init.method,
      dispatcher: agent,
      headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(init.timeoutMs),
    });
    const read = await readCapped(res.body, init.cap, init.timeoutMs);
    if (typeof read === 'string') return { ok: false, badBody: read };
    return { ok: true, status: res.statusCode, text: read.toString('utf8') };
  } catch (err) {
    const e = err as Error & { code?: string; cause?: { code?: string } };
    const code = e.code ?? e.cause?.code ?? '';
    return { ok: false, error: e, code, timedOut: e.name === 'TimeoutError' || code.includes('TIMEOUT') };
  }
}
