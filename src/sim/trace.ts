import { createHash, type Hash } from 'node:crypto';
import { type OutputError, OutputFile } from '../report/output-file.js';
import type { Outcome, TraceEvent } from './events.js';
import type { RuleId } from '../rules/index.js';
import { TraceEncoder } from './trace-codec.js';

/** Anything that reads the trace as it streams by. */
export interface TraceSink {
  /** `line` (the event's NDJSON text) is given only to sinks that set `wantsLines`. */
  onEvent(ev: TraceEvent, line?: string): void;
  readonly wantsLines?: boolean;
  /** Called once after the last event. */
  close?(): void | Promise<void>;
}

/**
 * A sink that also takes the commonest events as their fields, with no event object: when every sink
 * of an engine is one, the engine makes none for them (a million-task run emits five million, and
 * their objects, header texts and names were a good part of its time). Each method gets exactly its
 * event's fields (events.ts) and must treat the event as `onEvent` would; `name` undefined is the
 * system name of the task (SYSTEM_NAME_PREFIX and the id, events.ts), and a dispatch's headers come as
 * their texts, its QueueName being `q` and its TaskName `name`, except its ETA, which comes as µs since
 * the epoch (`etaEpochUs`, whose header text is formatEpochSeconds's).
 */
export interface FieldSink extends TraceSink {
  onAdd(
    t: number,
    id: number,
    q: string,
    name: string | undefined,
    eta: number,
    size: number,
    tag: string | undefined,
    ff: boolean | undefined,
    dl: number | undefined,
  ): void;
  onDispatch(
    t: number,
    id: number,
    q: string,
    n: number,
    name: string | undefined,
    rc: string,
    ec: string,
    etaEpochUs: number,
    pr: string | undefined,
    rr: string | undefined,
    ff: string | undefined,
    dup: boolean | undefined,
  ): void;
  onResponse(
    t: number,
    id: number,
    q: string,
    n: number,
    status: number,
    out: Outcome,
    lat: number,
    ra: number | undefined,
  ): void;
  onRetry(t: number, id: number, q: string, n: number, eta: number): void;
  onSuccess(t: number, id: number, q: string, n: number): void;
  onExhaust(t: number, id: number, q: string, n: number, rule: RuleId): void;
}

/** Whether `sink` takes the commonest events as fields (FieldSink). */
export function isFieldSink(sink: TraceSink): sink is FieldSink {
  return typeof (sink as Partial<FieldSink>).onDispatch === 'function';
}

/**
 * The canonical form of an event: one JSON line, fields in the schema's order (events.ts). The trace
 * hash is the SHA-256 of these lines. The hot event types are written by hand: JSON.stringify was a
 * fifth of a million-task run. For objects built in schema order the output is byte-identical to
 * JSON.stringify (a test holds us to that); the rest go through JSON.stringify.
 */
export function serialize(ev: TraceEvent): string {
  switch (ev.e) {
    case 'dispatch': {
      const h = ev.h;
      let hs = `{"qn":${str(h.qn)},"tn":${str(h.tn)},"rc":${str(h.rc)},"ec":${str(h.ec)},"eta":${str(h.eta)}`;
      if (h.pr !== undefined) hs += `,"pr":${str(h.pr)}`;
      if (h.rr !== undefined) hs += `,"rr":${str(h.rr)}`;
      if (h.ff !== undefined) hs += `,"ff":${str(h.ff)}`;
      return `{"t":${ev.t},"e":"dispatch","id":${ev.id},"q":${str(ev.q)},"n":${ev.n},"h":${hs}}${ev.dup !== undefined ? `,"dup":${ev.dup}` : ''}}\n`;
    }
    case 'response':
      return `{"t":${ev.t},"e":"response","id":${ev.id},"q":${str(ev.q)},"n":${ev.n},"status":${ev.status},"out":"${ev.out}","lat":${ev.lat}${ev.ra !== undefined ? `,"ra":${ev.ra}` : ''}}\n`;
    case 'add': {
      let line = `{"t":${ev.t},"e":"add","id":${ev.id},"q":${str(ev.q)},"name":${str(ev.name)},"named":${ev.named},"eta":${ev.eta},"size":${ev.size}`;
      if (ev.tag !== undefined) line += `,"tag":${str(ev.tag)}`;
      if (ev.ff !== undefined) line += `,"ff":${ev.ff}`;
      if (ev.dl !== undefined) line += `,"dl":${ev.dl}`; // the task's own deadline: checkers of a trace file need it
      return line + '}\n';
    }
    case 'retry':
      return `{"t":${ev.t},"e":"retry","id":${ev.id},"q":${str(ev.q)},"n":${ev.n},"eta":${ev.eta}}\n`;
    case 'success':
      return `{"t":${ev.t},"e":"success","id":${ev.id},"q":${str(ev.q)},"n":${ev.n}}\n`;
    case 'exhaust':
      return `{"t":${ev.t},"e":"exhaust","id":${ev.id},"q":${str(ev.q)},"n":${ev.n},"rule":${str(ev.rule)}}\n`;
    default:
      return JSON.stringify(ev) + '\n';
  }
}

const PLAIN = /^[A-Za-z0-9_ .:/-]*$/;

/** A JSON string literal; the common case (names, numbers as text) needs no escaping. */
function str(s: string): string {
  return PLAIN.test(s) ? `"${s}"` : JSON.stringify(s);
}

const FLUSH_CHARS = 1 << 16;

/** SHA-256 over the trace's canonical bytes (trace-codec.ts), fed in 64 KiB chunks (INV-DET). */
export class TraceHasher implements FieldSink {
  private readonly hash: Hash = createHash('sha256');
  private reader: ((bytes: Uint8Array) => void) | undefined;
  private readonly encoder = new TraceEncoder((bytes) => {
    this.hash.update(bytes);
    this.reader?.(bytes);
  });
  count = 0;

  onEvent(ev: TraceEvent): void {
    this.count++;
    this.encoder.encode(ev);
  }

  onAdd(
    t: number,
    id: number,
    q: string,
    name: string | undefined,
    eta: number,
    size: number,
    tag: string | undefined,
    ff: boolean | undefined,
    dl: number | undefined,
  ): void {
    this.count++;
    this.encoder.add(t, id, q, name, name !== undefined, eta, size, tag, ff, dl);
  }

  onDispatch(
    t: number,
    id: number,
    q: string,
    n: number,
    name: string | undefined,
    rc: string,
    ec: string,
    etaEpochUs: number,
    pr: string | undefined,
    rr: string | undefined,
    ff: string | undefined,
    dup: boolean | undefined,
  ): void {
    this.count++;
    this.encoder.dispatchEtaUs(t, id, q, n, name, q, rc, ec, etaEpochUs, pr, rr, ff, dup);
  }

  onResponse(
    t: number,
    id: number,
    q: string,
    n: number,
    status: number,
    out: Outcome,
    lat: number,
    ra: number | undefined,
  ): void {
    this.count++;
    this.encoder.response(t, id, q, n, status, out, lat, ra);
  }

  onRetry(t: number, id: number, q: string, n: number, eta: number): void {
    this.count++;
    this.encoder.retry(t, id, q, n, eta);
  }

  onSuccess(t: number, id: number, q: string, n: number): void {
    this.count++;
    this.encoder.success(t, id, q, n);
  }

  onExhaust(t: number, id: number, q: string, n: number, rule: RuleId): void {
    this.count++;
    this.encoder.exhaust(t, id, q, n, rule);
  }

  /**
   * Gives each chunk of the canonical bytes to `reader` too (a view valid only during the call; an
   * event may span chunks): one encoding serves the hash and the checker thread.
   */
  shareChunks(reader: (bytes: Uint8Array) => void): void {
    this.reader = reader;
  }

  /** Hands over the bytes still buffered (to the hash and the reader). */
  drain(): void {
    this.encoder.drain();
  }

  digest(): string {
    this.drain();
    return this.hash.digest('hex');
  }
}

/** The hash of a whole trace given as events (e.g. read back from an NDJSON file). */
export async function hashTrace(events: Iterable<TraceEvent> | AsyncIterable<TraceEvent>): Promise<string> {
  const hasher = new TraceHasher();
  for await (const ev of events) hasher.onEvent(ev);
  return hasher.digest();
}

/**
 * Writes the trace as NDJSON (`--trace FILE`), batching writes the same way the hasher does. The
 * bytes go to a temporary file beside FILE, renamed into place by `close` (after the `end` event), so
 * FILE is either the last complete trace or the new complete one, never half of one. The temporary
 * file is opened at once: a path that cannot be written fails before the run. A write that fails
 * mid-run (a full disk) does not stop the run: `error` says why the trace was not kept.
 */
export class NdjsonWriter implements TraceSink {
  readonly wantsLines = true;
  private readonly out: OutputFile;
  private pending = '';
  private closed = false;
  error: OutputError | undefined;
  /** Whether the complete trace is in place at `path` (close() renamed it there). */
  committed = false;

  constructor(readonly path: string) {
    this.out = new OutputFile(path);
  }

  onEvent(ev: TraceEvent, line: string = serialize(ev)): void {
    this.pending += line;
    if (this.pending.length >= FLUSH_CHARS) this.flush();
  }

  /** Renames the complete trace into place (or, after a failed write, leaves the old file alone). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    try {
      this.out.commit();
      this.committed = true;
    } catch (e) {
      this.error = e as OutputError;
    }
  }

  /** Drops what was written; FILE keeps its old content. */
  abort(): void {
    this.closed = true;
    this.out.abort();
  }

  private flush(): void {
    this.out.write(this.pending);
    this.pending = '';
  }
}

/** Keeps every event in memory: for tests, the fuzzer and short runs only. */
export class MemoryTrace implements TraceSink {
  readonly events: TraceEvent[] = [];
  onEvent(ev: TraceEvent): void {
    this.events.push(ev);
  }
}

/** Reads an NDJSON trace file back as events (for `tasksim check`, reports and tests). */
export async function* readNdjson(path: string): AsyncGenerator<TraceEvent> {
  const { createReadStream } = await import('node:fs');
  const { createInterface } = await import('node:readline');
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim()) yield JSON.parse(line) as TraceEvent;
}
