/**
 * The inverse of TraceEncoder (trace-codec.ts): the trace's canonical bytes back to events, so a
 * reader in another thread can judge the very bytes that were hashed (INV-DET) instead of a second
 * encoding. Decoded events equal the encoded ones (optional fields absent when they were undefined,
 * keys in the schema order of events.ts).
 *
 * Chunks may end inside an event (a long or non-ASCII string flushes as it goes): the cut event's
 * bytes are kept and decoded with the next chunk.
 */
import {
  OUTCOME_CODES as OUTCOMES,
  PIECE,
  RA_PRESENT,
  T_ADD,
  T_DISPATCH,
  T_EXHAUST,
  T_OTHER,
  T_RESPONSE,
  T_RETRY,
  T_SUCCESS,
} from './trace-codec.js';
import type {
  AddEvent,
  DeliveryHeaders,
  DispatchEvent,
  ExhaustEvent,
  ResponseEvent,
  RetryEvent,
  SuccessEvent,
  TraceEvent,
} from './events.js';

/** Thrown inside the decoder when the bytes end before the event does: decoding resumes with the next chunk. */
const CUT = Symbol('cut');

/**
 * Short strings seen before (queue names, retry counts, statuses as header text) are given back as the
 * same string, not a new one: most of a dispatch's strings repeat. Each is kept with its bytes, and a
 * repeat is found by comparing bytes with bytes: reading a string's characters (charCodeAt) cost more
 * than all the rest of a lookup. The same bytes always decode to the same string, so this is exact.
 */
const KEPT_MAX = 20;
// Slots of KeptStrings: one per field that mostly repeats its last value (the ETA text two: a burst's
// first attempts share one between retries that each have their own), then the table of all others.
const QUEUE_SLOT = 0;
const RC_SLOT = 1;
const EC_SLOT = 2;
const ETA_SLOT_A = 3;
const ETA_SLOT_B = 4;
const INTERN_FROM = 8;
const INTERN_SLOTS = 4096;

/** Strings and their UTF-8 bytes (at most KEPT_MAX), by slot. */
class KeptStrings {
  readonly bytes = new Uint8Array((INTERN_FROM + INTERN_SLOTS) * KEPT_MAX);
  /** Byte length of each slot's string; -1 while empty. */
  readonly lengths = new Int16Array(INTERN_FROM + INTERN_SLOTS).fill(-1);
  readonly strings: string[] = new Array<string>(INTERN_FROM + INTERN_SLOTS).fill('');
}

/**
 * Receives the decoded events by type: a reader that handles each type its own way (the checker
 * thread's InvariantSuite) is called for it directly, without looking at the type again.
 */
export interface DecodedEventSink {
  /** `name`: given to a sink that borrows events, nameHash(ev.name). */
  add(ev: AddEvent, name?: number): void;
  /** `tn`: given to a sink that borrows events, nameHash(ev.h.tn), or -1 when that name is empty. */
  dispatch(ev: DispatchEvent, tn?: number): void;
  response(ev: ResponseEvent): void;
  retry(ev: RetryEvent): void;
  success(ev: SuccessEvent): void;
  exhaust(ev: ExhaustEvent): void;
  /** Every other type (decoded from its JSON). */
  other(ev: TraceEvent): void;
  /**
   * True when the sink reads an event of the six types above (and its headers) only during the call
   * and keeps no reference to it: the decoder then hands it the same object per type each time, its
   * fields overwritten, and an optional field that is absent is there as undefined. Other events are
   * always new objects.
   *
   * Task names come to such a sink as hashes (the second argument of add and dispatch), computed over
   * the bytes: the string of an add's name or a dispatch's X-AppEngine-TaskName is built only when the
   * sink reads it (to print it in a violation), from the chunk being decoded, so only during the call.
   */
  readonly borrowsEvents?: boolean;
}

/** Where the lent events' task names start in the bytes being decoded, and how to read one there. */
class LentNames {
  nameAt = 0;
  tnAt = 0;
  constructor(readonly text: (at: number) => string) {}
}

/**
 * The lent headers. The task name is a getter on the prototype that decodes it when read: an own
 * accessor on the object made every event's decoding and judging a sixth slower, a getter up the
 * prototype chain leaves the object's own fields as plain as before.
 */
class LentHeaders implements DeliveryHeaders {
  qn = '';
  rc = '';
  ec = '';
  eta = '';
  pr: string | undefined = undefined;
  rr: string | undefined = undefined;
  ff: string | undefined = undefined;
  readonly #names: LentNames;
  constructor(names: LentNames) {
    this.#names = names;
  }
  get tn(): string {
    return this.#names.text(this.#names.tnAt);
  }
}

/** The lent add: its name, as LentHeaders' task name, is read from the bytes when asked for. */
class LentAdd implements AddEvent {
  t = Number.NaN;
  readonly e = 'add';
  id = 0;
  q = '';
  named = false;
  eta = Number.NaN;
  size = 0;
  tag: string | undefined = undefined;
  ff: boolean | undefined = undefined;
  dl: number | undefined = undefined;
  readonly #names: LentNames;
  constructor(names: LentNames) {
    this.#names = names;
  }
  get name(): string {
    return this.#names.text(this.#names.nameAt);
  }
}

/**
 * The objects a borrowing sink is handed, one per type, every field present from the start (the
 * task names as getters, above). Times start as NaN, so V8 stores them as doubles from the first
 * event on: a field first written with small integers is stored as one, and when virtual time passed
 * 2^31 µs the change of representation deoptimized every function that read these events, in the
 * middle of the run. Ids and counts start as small integers, which they stay.
 */
class BorrowedEvents {
  readonly names: LentNames;
  readonly h: LentHeaders;
  readonly add: LentAdd;
  readonly dispatch: DispatchEvent;
  readonly response: ResponseEvent = {
    t: Number.NaN,
    e: 'response',
    id: 0,
    q: '',
    n: 0,
    status: 0,
    out: 'ok',
    lat: Number.NaN,
    ra: undefined,
  };
  readonly retry: RetryEvent = { t: Number.NaN, e: 'retry', id: 0, q: '', n: 0, eta: Number.NaN };
  readonly success: SuccessEvent = { t: Number.NaN, e: 'success', id: 0, q: '', n: 0 };
  readonly exhaust: ExhaustEvent = { t: Number.NaN, e: 'exhaust', id: 0, q: '', n: 0, rule: 'RETRY-5' };

  /** `text`: the string at a position of the bytes being decoded (the decoder's lentText). */
  constructor(text: (at: number) => string) {
    this.names = new LentNames(text);
    this.h = new LentHeaders(this.names);
    this.add = new LentAdd(this.names);
    this.dispatch = { t: Number.NaN, e: 'dispatch', id: 0, q: '', n: 0, h: this.h, dup: undefined };
  }
}

export class TraceDecoder {
  private buf: Uint8Array = new Uint8Array(0);
  private view: DataView = new DataView(this.buf.buffer);
  private end = 0;
  /** The bytes of an event the last chunk cut short. */
  private carry: Uint8Array | undefined;
  private readonly text = new TextDecoder('utf-8', { fatal: true });
  private readonly kept = new KeptStrings();
  /** The ETA slot a new ETA text replaces: the one used less recently. */
  private etaVictim = ETA_SLOT_B;
  /** Events decoded so far. */
  count = 0;

  private readonly sink: DecodedEventSink;
  /** The objects handed to a sink that borrows them (DecodedEventSink.borrowsEvents), else undefined. */
  private readonly lent: BorrowedEvents | undefined;

  /** `onEvent` receives each event as soon as its last byte arrives (a function all of them, a sink by type). */
  constructor(onEvent: ((ev: TraceEvent) => void) | DecodedEventSink) {
    this.sink =
      typeof onEvent === 'function'
        ? {
            add: onEvent,
            dispatch: onEvent,
            response: onEvent,
            retry: onEvent,
            success: onEvent,
            exhaust: onEvent,
            other: onEvent,
          }
        : onEvent;
    this.lent = this.sink.borrowsEvents === true ? new BorrowedEvents((at) => this.lentText(at)) : undefined;
  }

  /** Decodes a chunk (the view may be reused by the caller once this returns). */
  push(bytes: Uint8Array): void {
    let data = bytes;
    if (this.carry !== undefined) {
      data = new Uint8Array(this.carry.length + bytes.length);
      data.set(this.carry);
      data.set(bytes, this.carry.length);
      this.carry = undefined;
    }
    this.buf = data;
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.end = data.length;
    let p = 0;
    try {
      while (p < this.end) {
        this.event(p);
        p = this.pos;
      }
    } catch (e) {
      if (e !== CUT) throw e;
      this.carry = data.slice(p); // a copy: the caller's buffer is reused
    }
  }

  /** After the last chunk: the bytes must have ended with a whole event. */
  finish(): void {
    if (this.carry !== undefined)
      throw new Error(`the trace bytes end inside an event (${this.carry.length} bytes after event ${this.count})`);
  }

  /** Where the last read ended. */
  private pos = 0;
  /** The task name key of the dispatch being decoded for a borrowing sink (see DecodedEventSink.dispatch). */
  private tnKey = -1;

  private need(p: number, n: number): void {
    if (p + n > this.end) throw CUT;
  }

  private f64(p: number): number {
    return this.view.getFloat64(p, true);
  }

  /** Decodes the event at `p`, leaves `pos` after it and hands the event on (a cut one throws CUT first). */
  private event(p: number): void {
    this.need(p, 1);
    const type = this.buf[p];
    if (type === T_OTHER) {
      const ev = JSON.parse(this.str(p + 1, false)) as TraceEvent;
      this.count++;
      return this.sink.other(ev);
    }
    if (type < T_ADD || type > T_EXHAUST)
      throw new Error(`trace bytes: unknown event type ${type} after event ${this.count}`);
    this.need(p, 17);
    const t = this.f64(p + 1);
    const id = this.f64(p + 9);
    const q = this.field(p + 17, QUEUE_SLOT);
    p = this.pos;
    const lent = this.lent;
    switch (type) {
      case T_ADD: {
        // A borrowing sink gets the name's hash; its string only if it asks (BorrowedEvents).
        let name = '';
        let nameKey = 0;
        if (lent !== undefined) {
          lent.names.nameAt = p;
          nameKey = this.hashStr(p);
        } else {
          name = this.str(p, false);
        }
        p = this.pos;
        this.need(p, 17);
        const flags = this.buf[p];
        const eta = this.f64(p + 1);
        const size = this.f64(p + 9);
        this.pos = p + 17;
        const tag = (flags & 2) !== 0 ? this.str(this.pos, true) : undefined;
        const ff = (flags & 4) !== 0 ? (flags & 8) !== 0 : undefined;
        let dl: number | undefined;
        if ((flags & 16) !== 0) {
          this.need(this.pos, 8);
          dl = this.f64(this.pos);
          this.pos += 8;
        }
        this.count++;
        if (lent !== undefined) {
          const ev = lent.add;
          ev.t = t;
          ev.id = id;
          ev.q = q;
          ev.named = (flags & 1) !== 0;
          ev.eta = eta;
          ev.size = size;
          ev.tag = tag;
          ev.ff = ff;
          ev.dl = dl;
          return this.sink.add(ev, nameKey);
        }
        const ev: AddEvent = { t, e: 'add', id, q, name, named: (flags & 1) !== 0, eta, size };
        if (tag !== undefined) ev.tag = tag;
        if (ff !== undefined) ev.ff = ff;
        if (dl !== undefined) ev.dl = dl;
        return this.sink.add(ev);
      }
      case T_DISPATCH: {
        this.need(p, 9);
        const n = this.f64(p);
        const dup = this.buf[p + 8];
        const h = this.headers(p + 9, lent);
        this.count++;
        if (lent !== undefined) {
          const ev = lent.dispatch;
          ev.t = t;
          ev.id = id;
          ev.q = q;
          ev.n = n;
          ev.dup = dup === 0 ? undefined : dup === 2;
          return this.sink.dispatch(ev, this.tnKey);
        }
        const ev: DispatchEvent = { t, e: 'dispatch', id, q, n, h };
        if (dup !== 0) ev.dup = dup === 2;
        return this.sink.dispatch(ev);
      }
      case T_RESPONSE: {
        this.need(p, 25);
        const code = this.buf[p + 16] & ~RA_PRESENT;
        const out = OUTCOMES[code];
        if (out === undefined) throw new Error(`trace bytes: response outcome code ${code} is not one of ${OUTCOMES}`);
        const n = this.f64(p);
        const status = this.f64(p + 8);
        const lat = this.f64(p + 17);
        this.pos = p + 25;
        let ra: number | undefined;
        if ((this.buf[p + 16] & RA_PRESENT) !== 0) {
          this.need(this.pos, 8);
          ra = this.f64(this.pos);
          this.pos += 8;
        }
        this.count++;
        if (lent !== undefined) {
          const ev = lent.response;
          ev.t = t;
          ev.id = id;
          ev.q = q;
          ev.n = n;
          ev.status = status;
          ev.out = out;
          ev.lat = lat;
          ev.ra = ra;
          return this.sink.response(ev);
        }
        const ev: ResponseEvent = { t, e: 'response', id, q, n, status, out, lat };
        if (ra !== undefined) ev.ra = ra;
        return this.sink.response(ev);
      }
      case T_RETRY: {
        this.need(p, 16);
        this.pos = p + 16;
        const n = this.f64(p);
        const eta = this.f64(p + 8);
        this.count++;
        if (lent !== undefined) {
          const ev = lent.retry;
          ev.t = t;
          ev.id = id;
          ev.q = q;
          ev.n = n;
          ev.eta = eta;
          return this.sink.retry(ev);
        }
        return this.sink.retry({ t, e: 'retry', id, q, n, eta });
      }
      case T_SUCCESS: {
        this.need(p, 8);
        this.pos = p + 8;
        const n = this.f64(p);
        this.count++;
        if (lent !== undefined) {
          const ev = lent.success;
          ev.t = t;
          ev.id = id;
          ev.q = q;
          ev.n = n;
          return this.sink.success(ev);
        }
        return this.sink.success({ t, e: 'success', id, q, n });
      }
      case T_EXHAUST: {
        this.need(p, 8);
        const n = this.f64(p);
        const rule = this.str(p + 8, true) as ExhaustEvent['rule'];
        this.count++;
        if (lent !== undefined) {
          const ev = lent.exhaust;
          ev.t = t;
          ev.id = id;
          ev.q = q;
          ev.n = n;
          ev.rule = rule;
          return this.sink.exhaust(ev);
        }
        return this.sink.exhaust({ t, e: 'exhaust', id, q, n, rule });
      }
      default:
        throw new Error(`trace bytes: unknown event type ${type}`); // unreachable: checked above
    }
  }

  /** A dispatch's headers: into the borrowed object when there is one, else a new one. */
  private headers(p: number, lent: BorrowedEvents | undefined): DeliveryHeaders {
    const qn = this.keptAt(p, QUEUE_SLOT) ?? this.str(p, true); // the event's queue, nearly always
    // A borrowing sink gets the task name's hash (-1 when empty); its string only if it asks.
    let tn = '';
    if (lent !== undefined) {
      const at = this.pos;
      lent.names.tnAt = at;
      const key = this.hashStr(at);
      this.tnKey = this.pos === at + 2 ? -1 : key;
    } else {
      tn = this.str(this.pos, false);
    }
    const rc = this.field(this.pos, RC_SLOT);
    const ec = this.field(this.pos, EC_SLOT);
    // A burst's first attempts share one ETA text: given back as the same string (HDR-5's check
    // compares it with the last ones by identity first).
    const eta = this.etaText(this.pos);
    p = this.pos;
    this.need(p, 1);
    const flags = this.buf[p];
    this.pos = p + 1;
    const pr = (flags & 1) !== 0 ? this.str(this.pos, true) : undefined;
    const rr = (flags & 2) !== 0 ? this.str(this.pos, true) : undefined;
    const ff = (flags & 4) !== 0 ? this.str(this.pos, true) : undefined;
    if (lent !== undefined) {
      const h = lent.h;
      h.qn = qn;
      h.rc = rc;
      h.ec = ec;
      h.eta = eta;
      h.pr = pr;
      h.rr = rr;
      h.ff = ff;
      return h;
    }
    const h: DeliveryHeaders = { qn, tn, rc, ec, eta };
    if (pr !== undefined) h.pr = pr;
    if (rr !== undefined) h.rr = rr;
    if (ff !== undefined) h.ff = ff;
    return h;
  }

  /**
   * The string at `p` when its bytes are those kept in `slot` (leaving `pos` after it), else undefined
   * (also when the bytes end first: str() then says the event is cut).
   */
  private keptAt(p: number, slot: number): string | undefined {
    const buf = this.buf;
    if (p + 2 > this.end) return undefined;
    const n = buf[p] | (buf[p + 1] << 8);
    const from = p + 2;
    if (n !== this.kept.lengths[slot] || from + n > this.end) return undefined;
    const bytes = this.kept.bytes;
    const at = slot * KEPT_MAX;
    // From the end: texts that differ (ETA texts, counts) mostly differ in their last bytes.
    for (let i = n - 1; i >= 0; i--) if (buf[from + i] !== bytes[at + i]) return undefined;
    this.pos = from + n;
    return this.kept.strings[slot];
  }

  /** Keeps `s`, the string whose bytes are the `n` at `from`, in `slot`. */
  private keep(slot: number, from: number, n: number, s: string): void {
    const kept = this.kept;
    const buf = this.buf;
    const bytes = kept.bytes;
    const at = slot * KEPT_MAX;
    for (let i = 0; i < n; i++) bytes[at + i] = buf[from + i]; // a loop: a subarray per string cost more
    kept.lengths[slot] = n;
    kept.strings[slot] = s;
  }

  /** The string at `p` of a field that mostly repeats its last value, kept in `slot`. */
  private field(p: number, slot: number): string {
    const again = this.keptAt(p, slot);
    if (again !== undefined) return again;
    const s = this.str(p, true);
    const n = this.pos - p - 2;
    if (n <= KEPT_MAX) this.keep(slot, p + 2, n, s);
    return s;
  }

  /** A dispatch's ETA text: one of the last two again, or a new string that replaces the older. */
  private etaText(p: number): string {
    const a = this.keptAt(p, ETA_SLOT_A);
    if (a !== undefined) {
      this.etaVictim = ETA_SLOT_B;
      return a;
    }
    const b = this.keptAt(p, ETA_SLOT_B);
    if (b !== undefined) {
      this.etaVictim = ETA_SLOT_A;
      return b;
    }
    const s = this.str(p, false);
    const n = this.pos - p - 2;
    if (n <= KEPT_MAX) {
      this.keep(this.etaVictim, p + 2, n, s);
      this.etaVictim = this.etaVictim === ETA_SLOT_A ? ETA_SLOT_B : ETA_SLOT_A;
    }
    return s;
  }

  /**
   * nameHash of the string at `p`, leaving `pos` after it: over the bytes when they are ASCII (a
   * byte is then the string's code unit), else over the decoded string (rare; it also refuses bytes
   * that are not UTF-8 or WTF-8 as str() does).
   */
  private hashStr(p: number): number {
    this.need(p, 2);
    const buf = this.buf;
    const n = buf[p] | (buf[p + 1] << 8);
    const from = p + 2;
    const to = from + n;
    this.need(from, n);
    if (n < PIECE) {
      let h = FNV_OFFSET;
      let bits = 0;
      for (let i = from; i < to; i++) {
        const b = buf[i];
        bits |= b;
        h = Math.imul(h ^ b, FNV_PRIME);
      }
      if (bits < 128) {
        this.pos = to;
        return h & 0x7fffffff;
      }
    }
    return nameHash(this.str(p, false));
  }

  /**
   * The string at `at` in the bytes being decoded, for a borrowing sink that reads a task name: read
   * again without moving `pos`, which the event being decoded still needs.
   */
  private lentText(at: number): string {
    const pos = this.pos;
    try {
      return this.str(at, false);
    } finally {
      this.pos = pos;
    }
  }

  /**
   * The string at `p` (a u16 length and UTF-8 bytes, in pieces when long); leaves `pos` after it.
   * `repeats`: the field's values recur (queue names, counts, statuses), so a short one is looked up
   * among those seen before; names and ETA texts are new nearly every time and are built at once.
   */
  private str(p: number, repeats: boolean): string {
    this.need(p, 2);
    const buf = this.buf;
    const n = buf[p] | (buf[p + 1] << 8);
    const from = p + 2;
    const to = from + n;
    this.need(from, n);
    this.pos = to;
    if (n <= KEPT_MAX) {
      if (repeats) {
        let hash = n;
        for (let i = from; i < to; i++) hash = (Math.imul(hash, 31) + buf[i]) | 0;
        const slot = INTERN_FROM + (hash & (INTERN_SLOTS - 1));
        const seen = this.keptAt(p, slot);
        if (seen !== undefined) return seen;
        const s = this.short(from, n);
        this.keep(slot, from, n, s);
        this.pos = to;
        return s;
      }
      return this.short(from, n);
    }
    if (n < PIECE) return this.utf8(buf.subarray(from, to));
    return this.pieces(p);
  }

  /** A string of at most KEPT_MAX bytes: at once when ASCII, else through the UTF-8 decoder. */
  private short(from: number, n: number): string {
    const buf = this.buf;
    let bits = 0;
    for (let i = from; i < from + n; i++) bits |= buf[i];
    return bits < 128 ? shortAscii(buf, from, n) : this.utf8(buf.subarray(from, from + n));
  }

  /** A string of several pieces: each full piece is followed by another, the last one shorter. */
  private pieces(p: number): string {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      this.need(p, 2);
      const n = this.buf[p] | (this.buf[p + 1] << 8);
      this.need(p + 2, n);
      parts.push(this.buf.subarray(p + 2, p + 2 + n));
      total += n;
      p += 2 + n;
      if (n < PIECE) break;
    }
    this.pos = p;
    const all = new Uint8Array(total);
    let at = 0;
    for (const part of parts) {
      all.set(part, at);
      at += part.length;
    }
    return this.utf8(all);
  }

  /**
   * UTF-8 text, or WTF-8 when the string held a lone surrogate (trace-codec.ts, wtf8). TextDecoder
   * would replace a surrogate's bytes, so it reads only what it can read exactly (fatal); a string it
   * refuses and that holds a surrogate's lead bytes is read by hand. Anything else stays refused.
   */
  private utf8(bytes: Uint8Array): string {
    try {
      return this.text.decode(bytes);
    } catch (e) {
      if (!hasSurrogateBytes(bytes)) throw e;
      return fromWtf8(bytes, this.count);
    }
  }
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * HDR-2: a 31-bit FNV-1a fingerprint of a task name over its UTF-16 code units (the top bit dropped,
 * so it is always a small integer and never a boxed number). The checkers keep this instead of a
 * million name strings, and a borrowing sink is handed it instead of the string; two different names
 * match only with probability 2^-31.
 */
export function nameHash(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h & 0x7fffffff;
}

/** Whether the bytes hold a surrogate's WTF-8 form (0xED then 0xA0–0xBF: what UTF-8 never writes). */
function hasSurrogateBytes(b: Uint8Array): boolean {
  for (let i = b.indexOf(0xed); i >= 0 && i + 1 < b.length; i = b.indexOf(0xed, i + 1)) {
    if (b[i + 1] >= 0xa0 && b[i + 1] <= 0xbf) return true;
  }
  return false;
}

/**
 * WTF-8 back to the string's UTF-16 code units, strictly: shortest forms only, code points up to
 * U+10FFFF, and no lead surrogate's bytes right before a trail's (a pair is written as one 4-byte code
 * point, so that would be a second spelling of the same string, and the bytes must mean one string).
 */
function fromWtf8(b: Uint8Array, after: number): string {
  const units = new Uint16Array(b.length); // never more code units than bytes
  let u = 0;
  let loneLead = false;
  for (let i = 0; i < b.length; ) {
    const x = b[i];
    const n = x < 0x80 ? 1 : x >= 0xc2 && x <= 0xdf ? 2 : x >= 0xe0 && x <= 0xef ? 3 : x >= 0xf0 && x <= 0xf4 ? 4 : 0;
    let cp = n === 1 ? x : n === 2 ? x & 0x1f : n === 3 ? x & 0x0f : x & 0x07;
    let ok = n > 0 && i + n <= b.length;
    for (let k = 1; ok && k < n; k++) {
      ok = (b[i + k] & 0xc0) === 0x80;
      cp = (cp << 6) | (b[i + k] & 0x3f);
    }
    if (ok) ok = n < 3 || (n === 3 ? cp >= 0x800 : cp >= 0x10000 && cp <= 0x10ffff);
    if (ok) ok = !(loneLead && cp >= 0xdc00 && cp <= 0xdfff);
    if (!ok) throw new Error(`trace bytes: a string after event ${after} is neither UTF-8 nor WTF-8 (at byte ${i})`);
    if (cp >= 0x10000) {
      units[u++] = 0xd800 + ((cp - 0x10000) >> 10);
      units[u++] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
    } else {
      units[u++] = cp;
    }
    loneLead = cp >= 0xd800 && cp <= 0xdbff;
    i += n;
  }
  let s = '';
  for (let at = 0; at < u; at += 4096) s += String.fromCharCode(...units.subarray(at, Math.min(u, at + 4096)));
  return s;
}

/**
 * An ASCII string of at most KEPT_MAX bytes, in one piece (a concatenation of 13 or more characters
 * would be flattened again by the first comparison). One call with every code as an argument is several
 * times cheaper than fromCharCode.apply over a subarray, a TextDecoder or a Buffer slice (each makes
 * a view or crosses into C++ per string), and the checker thread makes two such strings per dispatch.
 */
function shortAscii(b: Uint8Array, a: number, n: number): string {
  const c = String.fromCharCode;
  // biome-ignore format: one case per length
  switch (n) {
    case 1: return c(b[a]);
    case 2: return c(b[a], b[a + 1]);
    case 3: return c(b[a], b[a + 1], b[a + 2]);
    case 4: return c(b[a], b[a + 1], b[a + 2], b[a + 3]);
    case 5: return c(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4]);
    case 6: return c(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5]);
    case 7: return c(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6]);
    case 8: return c(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6], b[a + 7]);
    case 9: return c(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6], b[a + 7], b[a + 8]);
    case 10: return c(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6], b[a + 7], b[a + 8], b[a + 9]);
    case 11: return c(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6], b[a + 7], b[a + 8], b[a + 9], b[a + 10]);
    case 12: return c(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6], b[a + 7], b[a + 8], b[a + 9], b[a + 10], b[a + 11]);
    case 13: return c(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6], b[a + 7], b[a + 8], b[a + 9], b[a + 10], b[a + 11], b[a + 12]);
    case 14: return c(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6], b[a + 7], b[a + 8], b[a + 9], b[a + 10], b[a + 11], b[a + 12], b[a + 13]);
    case 15: return c(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6], b[a + 7], b[a + 8], b[a + 9], b[a + 10], b[a + 11], b[a + 12], b[a + 13], b[a + 14]);
    case 16: return c(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6], b[a + 7], b[a + 8], b[a + 9], b[a + 10], b[a + 11], b[a + 12], b[a + 13], b[a + 14], b[a + 15]);
    case 17: return c(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6], b[a + 7], b[a + 8], b[a + 9], b[a + 10], b[a + 11], b[a + 12], b[a + 13], b[a + 14], b[a + 15], b[a + 16]);
    case 18: return c(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6], b[a + 7], b[a + 8], b[a + 9], b[a + 10], b[a + 11], b[a + 12], b[a + 13], b[a + 14], b[a + 15], b[a + 16], b[a + 17]);
    case 19: return c(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6], b[a + 7], b[a + 8], b[a + 9], b[a + 10], b[a + 11], b[a + 12], b[a + 13], b[a + 14], b[a + 15], b[a + 16], b[a + 17], b[a + 18]);
    case 20: return c(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6], b[a + 7], b[a + 8], b[a + 9], b[a + 10], b[a + 11], b[a + 12], b[a + 13], b[a + 14], b[a + 15], b[a + 16], b[a + 17], b[a + 18], b[a + 19]);
    default: return '';
  }
}
