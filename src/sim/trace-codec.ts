/**
 * The trace's canonical bytes, for its SHA-256 hash (INV-DET). A compact binary form: one type byte,
 * numbers as little-endian float64, strings as a u16 length and their UTF-8 bytes (WTF-8 when the string
 * holds a lone surrogate, so it keeps its identity: wtf8). It carries
 * exactly what the JSON line carries, in schema order, and is several times cheaper to produce: at a
 * million events per second, building text to hash cost more than running the engine. Rare event
 * types are encoded as their JSON text.
 */
import { SYSTEM_NAME_PREFIX, type Outcome, type TraceEvent } from './events.js';
import { US_PER_S, formatEpochSeconds } from './time.js';

/** A response's outcome as one byte: its index here (the decoder reads the byte back through it). */
export const OUTCOME_CODES: readonly Outcome[] = ['ok', 'error', 'no-instance', 'deadline', 'net'];

/**
 * The outcome's byte (127 for none of them), found by comparing: a lookup in an object by the
 * outcome's name is a keyed lookup with a varying key, a slow one, on every response.
 */
function outcomeByte(out: Outcome): number {
  for (let i = 0; i < OUTCOME_CODES.length; i++) if (OUTCOME_CODES[i] === out) return i;
  return 127;
}

/** A response's outcome byte has this bit when a Retry-After (`ra`) follows the latency. */
export const RA_PRESENT = 0x80;
/** Each event's first byte: its type (the rare types go as JSON text). */
export const T_ADD = 1,
  T_DISPATCH = 2,
  T_RESPONSE = 3,
  T_RETRY = 4,
  T_SUCCESS = 5,
  T_EXHAUST = 6,
  T_OTHER = 255;
const CHUNK = 1 << 16;
/** Room an event may need before we flush; longer strings flush as they go. */
const HEADROOM = 4096;
/** Long strings go in pieces that always fit a chunk with their length; a full piece is followed by another. */
export const PIECE = 0x8000;

/** `cachedStrAt`'s slots: the queue's name (an event's and its QueueName header), an ETA text, a retry reason. */
const QUEUE_SLOT = 0,
  ETA_SLOT = 1,
  REASON_SLOT = 2;
/** The UTF-8 bytes of HDR-2's system-name prefix, which `systemNameAt` writes before the id. */
const PREFIX_BYTES = new TextEncoder().encode(SYSTEM_NAME_PREFIX);
/** Room per slot: a remembered string's length and bytes. */
const CACHE_BYTES = 64;
/** Room per kept system name: its length, the prefix and at most 10 digits, in whole words. */
const NAME_BYTES = 4 * Math.ceil((2 + PREFIX_BYTES.length + 10) / 4);

export class TraceEncoder {
  private buf = new Uint8Array(CHUNK);
  private readonly cacheBytes = new Uint8Array(3 * CACHE_BYTES);
  private readonly cacheView = new DataView(this.cacheBytes.buffer);
  private readonly cacheLen = new Int32Array(3);
  private readonly cacheStr: (string | undefined)[] = [undefined, undefined, undefined];
  /** `epochSecondsAt`'s last whole seconds (NaN: none yet), and their digits' bytes. */
  private readonly wholeSeconds = new Float64Array([Number.NaN]);
  private readonly wholeDigits = new Uint8Array(24);
  private wholeDigitCount = 0;
  /** `systemNameAt`'s two kept names: their ids (-2: none), their bytes as written, which was used last. */
  private readonly nameIds = new Int32Array([-2, -2]);
  private readonly nameBytes = new Uint8Array(2 * NAME_BYTES);
  private readonly nameView = new DataView(this.nameBytes.buffer);
  private nameLastUsed = 0;
  private view = new DataView(this.buf.buffer);
  private pos = 0;
  private readonly text = new TextEncoder();

  /** `flush` receives each full chunk (a view, valid only during the call). */
  constructor(private readonly flush: (bytes: Uint8Array) => void) {}

  encode(ev: TraceEvent): void {
    // The hot types go through the same writers the engine calls with fields (FieldSink): one
    // encoding, whichever way an event comes.
    switch (ev.e) {
      case 'add':
        return this.add(ev.t, ev.id, ev.q, ev.name, ev.named, ev.eta, ev.size, ev.tag, ev.ff, ev.dl);
      case 'dispatch': {
        const h = ev.h;
        return this.dispatch(ev.t, ev.id, ev.q, ev.n, h.tn, h.qn, h.rc, h.ec, h.eta, h.pr, h.rr, h.ff, ev.dup);
      }
      case 'response':
        return this.response(ev.t, ev.id, ev.q, ev.n, ev.status, ev.out, ev.lat, ev.ra);
      case 'retry':
        return this.retry(ev.t, ev.id, ev.q, ev.n, ev.eta);
      case 'success':
        return this.success(ev.t, ev.id, ev.q, ev.n);
      case 'exhaust':
        return this.exhaust(ev.t, ev.id, ev.q, ev.n, ev.rule);
      default: {
        if (this.pos > CHUNK - HEADROOM) this.drain();
        this.buf[this.pos] = T_OTHER;
        this.pos = this.strAt(this.pos + 1, JSON.stringify(ev));
      }
    }
  }

  // The writers of the hot types, one per type, each with the event's fields in schema order. A name
  // given as undefined is the system name of the id (HDR-2). They write at a local position, stored
  // back once: a field written per byte, number and string was a good part of the encoder's time.

  add(
    t: number,
    id: number,
    q: string,
    name: string | undefined,
    named: boolean,
    eta: number,
    size: number,
    tag: string | undefined,
    ff: boolean | undefined,
    dl: number | undefined,
  ): void {
    let p = this.start(T_ADD, t, id, q);
    p = name === undefined ? this.systemNameAt(p, id) : this.strAt(p, name);
    const buf = this.buf;
    const view = this.view;
    buf[p] =
      (named ? 1 : 0) |
      (tag !== undefined ? 2 : 0) |
      (ff !== undefined ? 4 : 0) |
      (ff ? 8 : 0) |
      (dl !== undefined ? 16 : 0);
    view.setFloat64(p + 1, eta, true);
    view.setFloat64(p + 9, size, true);
    p += 17;
    if (tag !== undefined) p = this.strAt(p, tag);
    if (dl !== undefined) {
      this.view.setFloat64(p, dl, true);
      p += 8;
    }
    this.pos = p;
  }

  /** A dispatch: `qn`…`ff` are its X-AppEngine header texts (DeliveryHeaders), `name` its TaskName's. */
  dispatch(
    t: number,
    id: number,
    q: string,
    n: number,
    name: string | undefined,
    qn: string,
    rc: string,
    ec: string,
    eta: string,
    pr: string | undefined,
    rr: string | undefined,
    ff: string | undefined,
    dup: boolean | undefined,
  ): void {
    const p = this.dispatchHead(t, id, q, n, name, qn, rc, ec, dup);
    this.dispatchTail(this.cachedStrAt(ETA_SLOT, p, eta), pr, rr, ff);
  }

  /**
   * `dispatch` with its ETA header given as µs since the epoch: the header's text (HDR-5,
   * formatEpochSeconds) is written as its digits, never made. A retry's ETA is a new text each time,
   * and making it, then reading it back a character at a time, cost more than the rest of the event.
   */
  dispatchEtaUs(
    t: number,
    id: number,
    q: string,
    n: number,
    name: string | undefined,
    qn: string,
    rc: string,
    ec: string,
    etaEpochUs: number,
    pr: string | undefined,
    rr: string | undefined,
    ff: string | undefined,
    dup: boolean | undefined,
  ): void {
    const p = this.dispatchHead(t, id, q, n, name, qn, rc, ec, dup);
    this.dispatchTail(this.epochSecondsAt(p, etaEpochUs), pr, rr, ff);
  }

  /** A dispatch's fields up to its ETA header. Returns where the ETA goes. */
  private dispatchHead(
    t: number,
    id: number,
    q: string,
    n: number,
    name: string | undefined,
    qn: string,
    rc: string,
    ec: string,
    dup: boolean | undefined,
  ): number {
    let p = this.start(T_DISPATCH, t, id, q);
    this.view.setFloat64(p, n, true);
    this.buf[p + 8] = dup === undefined ? 0 : dup ? 2 : 1;
    p = this.cachedStrAt(QUEUE_SLOT, p + 9, qn);
    p = name === undefined ? this.systemNameAt(p, id) : this.strAt(p, name);
    p = this.strAt(p, rc);
    return this.strAt(p, ec);
  }

  /** A dispatch's fields after its ETA header, from `p`. */
  private dispatchTail(p: number, pr: string | undefined, rr: string | undefined, ff: string | undefined): void {
    this.buf[p] = (pr !== undefined ? 1 : 0) | (rr !== undefined ? 2 : 0) | (ff !== undefined ? 4 : 0);
    p++;
    if (pr !== undefined) p = this.strAt(p, pr);
    if (rr !== undefined) p = this.cachedStrAt(REASON_SLOT, p, rr);
    if (ff !== undefined) p = this.strAt(p, ff);
    this.pos = p;
  }

  response(
    t: number,
    id: number,
    q: string,
    n: number,
    status: number,
    out: Outcome,
    lat: number,
    ra: number | undefined,
  ): void {
    const p = this.start(T_RESPONSE, t, id, q);
    const view = this.view;
    view.setFloat64(p, n, true);
    view.setFloat64(p + 8, status, true);
    this.buf[p + 16] = outcomeByte(out) | (ra !== undefined ? RA_PRESENT : 0);
    view.setFloat64(p + 17, lat, true);
    if (ra !== undefined) {
      view.setFloat64(p + 25, ra, true);
      this.pos = p + 33;
    } else this.pos = p + 25;
  }

  retry(t: number, id: number, q: string, n: number, eta: number): void {
    const p = this.start(T_RETRY, t, id, q);
    this.view.setFloat64(p, n, true);
    this.view.setFloat64(p + 8, eta, true);
    this.pos = p + 16;
  }

  success(t: number, id: number, q: string, n: number): void {
    const p = this.start(T_SUCCESS, t, id, q);
    this.view.setFloat64(p, n, true);
    this.pos = p + 8;
  }

  exhaust(t: number, id: number, q: string, n: number, rule: string): void {
    const p = this.start(T_EXHAUST, t, id, q);
    this.view.setFloat64(p, n, true);
    this.pos = this.strAt(p + 8, rule);
  }

  /** Every hot type begins alike: its type byte, time, id and queue. Returns where the rest goes. */
  private start(type: number, t: number, id: number, q: string): number {
    if (this.pos > CHUNK - HEADROOM) this.drain();
    const p = this.pos;
    this.buf[p] = type;
    this.view.setFloat64(p + 1, t, true);
    this.view.setFloat64(p + 9, id, true);
    return this.cachedStrAt(QUEUE_SLOT, p + 17, q);
  }

  /** Hands over whatever is buffered. */
  drain(): void {
    if (this.pos > 0) this.flush(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  /**
   * `strAt`, remembering the bytes of the last string written in `slot`: the queue's name, a burst's
   * one ETA text and a retry reason come again and again as the same string, and copying their bytes
   * costs less than reading them a character at a time. Only an ASCII string written in place (its
   * bytes are its characters) is remembered.
   */
  private cachedStrAt(slot: number, p: number, s: string): number {
    const at = slot * CACHE_BYTES;
    const cache = this.cacheBytes;
    if (s === this.cacheStr[slot]) {
      const n = this.cacheLen[slot];
      // Four bytes a store (copyWords): the string's room in the cache is whole words.
      if (p + n + 3 <= CHUNK) {
        copyWords(this.view, p, this.cacheView, at, n);
        return p + n;
      }
    }
    const end = this.strAt(p, s);
    const n = end - p;
    if (n === s.length + 2 && n <= CACHE_BYTES) {
      const buf = this.buf;
      for (let i = 0; i < n; i++) cache[at + i] = buf[p + i];
      this.cacheStr[slot] = s;
      this.cacheLen[slot] = n;
    }
    return end;
  }

  /**
   * The system name of task `id` (HDR-2: SYSTEM_NAME_PREFIX and the id in decimal) written as `strAt`
   * writes that string, without making it. Names come in runs of ids one after another (a burst's
   * adds, its first dispatches), between others (retries): the last two names written are kept as
   * their bytes, and the next id of either is its name with the last digit counted up.
   */
  private systemNameAt(p: number, id: number): number {
    // Ids past the 32-bit range (none in practice) go the string's way (writeDigits' range).
    if (!(id > 0 && id === (id | 0))) return this.strAt(p, SYSTEM_NAME_PREFIX + id);
    const ids = this.nameIds;
    const names = this.nameBytes;
    // The kept name this one follows or repeats, else the one used less lately, made afresh.
    let e = id - ids[0] === 1 || id === ids[0] ? 0 : id - ids[1] === 1 || id === ids[1] ? 1 : -1;
    if (e < 0) {
      e = 1 - this.nameLastUsed;
      this.makeName(e, id);
    } else if (id !== ids[e]) {
      // One more: count the last digit up, carrying; past all nines the name grows a digit.
      const at = e * NAME_BYTES;
      const first = at + 2 + PREFIX_BYTES.length;
      let q = at + 1 + names[at];
      while (q >= first && names[q] === 57) names[q--] = 48; // '9' → '0', carry
      if (q >= first) names[q]++;
      else this.makeName(e, id);
      ids[e] = id;
    }
    this.nameLastUsed = e;
    const at = e * NAME_BYTES;
    const n = 2 + this.nameBytes[at];
    if (p + n + 3 > CHUNK) return this.strAt(p, SYSTEM_NAME_PREFIX + id);
    copyWords(this.view, p, this.nameView, at, n);
    return p + n;
  }

  /** Kept name `e` becomes the name of `id` (its u16 length, the prefix and the digits). */
  private makeName(e: number, id: number): void {
    let digits = 1; // at most 10: id < 2^31
    for (let power = 10; power <= id; power *= 10) digits++;
    const names = this.nameBytes;
    const at = e * NAME_BYTES;
    const prefix = PREFIX_BYTES;
    names[at] = prefix.length + digits; // the length, little-endian (< 256)
    names[at + 1] = 0;
    for (let i = 0; i < prefix.length; i++) names[at + 2 + i] = prefix[i];
    writeDigits(names, at + 2 + prefix.length, id, digits);
    this.nameIds[e] = id;
  }

  /**
   * HDR-5's text of `us` (formatEpochSeconds: the whole seconds, a point, six digits of µs) written
   * as `strAt` writes that string, without making it. The whole seconds' digits are kept while they
   * stay the same (a run's ETAs fall in few seconds, one after another).
   */
  private epochSecondsAt(p: number, us: number): number {
    if (!(us >= 0 && us <= Number.MAX_SAFE_INTEGER && Number.isInteger(us)))
      return this.strAt(p, formatEpochSeconds(us));
    const whole = Math.floor(us / US_PER_S);
    const frac = us - whole * US_PER_S;
    const digits = this.wholeDigits;
    if (whole !== this.wholeSeconds[0]) {
      const text = String(whole);
      for (let i = 0; i < text.length; i++) digits[i] = text.charCodeAt(i);
      this.wholeSeconds[0] = whole;
      this.wholeDigitCount = text.length;
    }
    const w = this.wholeDigitCount;
    const n = w + 7;
    if (p + 2 + n > CHUNK) return this.strAt(p, formatEpochSeconds(us));
    const buf = this.buf;
    buf[p] = n; // the length, little-endian (n < 256)
    buf[p + 1] = 0;
    for (let i = 0; i < w; i++) buf[p + 2 + i] = digits[i];
    buf[p + 2 + w] = 46; // '.'
    writeDigits(buf, p + 3 + w, frac, 6);
    return p + 2 + n;
  }

  /** Writes `s` at `p` (its u16 length, then its UTF-8 bytes); returns where the next field goes. */
  private strAt(p: number, s: string): number {
    const n = s.length;
    if (n < 256 && p + 2 + n <= CHUNK) {
      // ASCII fast path: one byte per char, no encoder call.
      const buf = this.buf;
      let q = p + 2;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 127) break;
        buf[q++] = c;
      }
      if (i === n) {
        buf[p] = n; // the length, little-endian (n < 256)
        buf[p + 1] = 0;
        return q;
      }
    }
    this.pos = p;
    this.longStr(s); // may hand over the chunk: the position starts again
    return this.pos;
  }

  /**
   * Non-ASCII or long strings: UTF-8 through TextEncoder, in pieces of at most PIECE bytes; a full
   * piece is followed by another (possibly empty), so the bytes decode one way only. TextEncoder
   * writes a lone surrogate as U+FFFD, so two traces differing only there would hash the same
   * (INV-DET): a string that is not well-formed UTF-16 goes as WTF-8 instead.
   */
  private longStr(s: string): void {
    const bytes = (s as unknown as WellFormedQuery).isWellFormed() ? this.text.encode(s) : wtf8(s);
    for (let off = 0; ; off += PIECE) {
      const piece = bytes.subarray(off, off + PIECE);
      if (this.pos + 2 + piece.length > CHUNK) this.drain();
      this.view.setUint16(this.pos, piece.length, true);
      this.buf.set(piece, this.pos + 2);
      this.pos += 2 + piece.length;
      if (piece.length < PIECE) break;
    }
    if (this.pos > CHUNK - HEADROOM) this.drain(); // the rest of the event must still fit
  }
}

/** The ASCII digits of 0…999, three bytes each (7 is '007'). */
const DIGITS3 = new Uint8Array(3000);
for (let i = 0; i < 1000; i++) {
  DIGITS3[3 * i] = 48 + Math.floor(i / 100);
  DIGITS3[3 * i + 1] = 48 + (Math.floor(i / 10) % 10);
  DIGITS3[3 * i + 2] = 48 + (i % 10);
}

/**
 * Writes `x`, a whole number below 2^31, as `count` decimal digits (zero-padded) at buf[at…at+count),
 * three at a time from a table. A quotient is a product and a floor: a chain of divisions, one per
 * digit, was most of a name's or an ETA's time. x·0.001 and x·0.1 floor to the exact quotient in this
 * range (the products' error is far below the gap of 1/1000 to the next whole number).
 */
function writeDigits(buf: Uint8Array, at: number, x: number, count: number): void {
  let q = at + count;
  while (q - at >= 3) {
    const next = Math.floor(x * 0.001);
    const r = 3 * (x - next * 1000);
    buf[q - 1] = DIGITS3[r + 2];
    buf[q - 2] = DIGITS3[r + 1];
    buf[q - 3] = DIGITS3[r];
    q -= 3;
    x = next;
  }
  while (q > at) {
    const next = Math.floor(x * 0.1);
    buf[--q] = 48 + (x - next * 10);
    x = next;
  }
}

/**
 * Copies `n` bytes from `from` at `at` to `to` at `p`, four a store. The last word may run past the
 * `n` bytes, on both sides: the source has room for it, and the target's extra bytes are room the next
 * field (or event) writes over; only bytes before the encoder's position are ever handed over.
 */
function copyWords(to: DataView, p: number, from: DataView, at: number, n: number): void {
  for (let i = 0; i < n; i += 4) to.setUint32(p + i, from.getUint32(at + i, true), true);
}

/** `String.prototype.isWellFormed` (Node 20; the project's lib is ES2022, which does not declare it). */
interface WellFormedQuery {
  isWellFormed(): boolean;
}

/**
 * WTF-8 (https://simonsapin.github.io/wtf-8/): UTF-8, except that a surrogate without its pair is
 * written as the 3-byte form of its code unit (0xED 0xA0–0xBF 0x80–0xBF), which UTF-8 leaves unused;
 * a pair is one 4-byte code point, as in UTF-8. Well-formed strings never come here, so their bytes
 * (and every trace hash) are those of UTF-8.
 */
export function wtf8(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 3); // at most 3 bytes per code unit (a pair: 4 for 2)
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) {
      out[o++] = c;
    } else if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 0x3f);
    } else if (c < 0x10000) {
      out[o++] = 0xe0 | (c >> 12);
      out[o++] = 0x80 | ((c >> 6) & 0x3f);
      out[o++] = 0x80 | (c & 0x3f);
    } else {
      out[o++] = 0xf0 | (c >> 18);
      out[o++] = 0x80 | ((c >> 12) & 0x3f);
      out[o++] = 0x80 | ((c >> 6) & 0x3f);
      out[o++] = 0x80 | (c & 0x3f);
    }
  }
  return out.subarray(0, o);
}
