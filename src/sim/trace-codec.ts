/**
 * The trace's canonical bytes, for its SHA-256 hash (INV-DET). A compact binary form: one type byte,
 * numbers as little-endian float64, strings as a u16 length and their UTF-8 bytes (WTF-8 when the string
 * holds a lone surrogate, so it keeps its identity: wtf8). It carries
 * exactly what the JSON line carries, in schema order, and is several times cheaper to produce: at a
 * million events per second, building text to hash cost more than running the engine. Rare event
 * types are encoded as their JSON text.
 */
import type { DeliveryHeaders, Outcome, TraceEvent } from './events.js';

/** A response's outcome as one byte (a literal: the encoder reads it for every response). */
const OUTCOMES: Record<Outcome, number> = { ok: 0, error: 1, 'no-instance': 2, deadline: 3, net: 4 };
/** The outcome of each byte, for the decoder. */
export const OUTCOME_CODES: readonly Outcome[] = (Object.keys(OUTCOMES) as Outcome[]).sort(
  (a, b) => OUTCOMES[a] - OUTCOMES[b],
);
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

export class TraceEncoder {
  private buf = new Uint8Array(CHUNK);
  private view = new DataView(this.buf.buffer);
  private pos = 0;
  private readonly text = new TextEncoder();

  /** `flush` receives each full chunk (a view, valid only during the call). */
  constructor(private readonly flush: (bytes: Uint8Array) => void) {}

  encode(ev: TraceEvent): void {
    if (this.pos > CHUNK - HEADROOM) this.drain();
    // The hot types are written at a local position, stored back once: a field written per byte,
    // number and string was a good part of the encoder's time.
    const buf = this.buf;
    const view = this.view;
    let p = this.pos;
    switch (ev.e) {
      case 'add':
        buf[p] = T_ADD;
        view.setFloat64(p + 1, ev.t, true);
        view.setFloat64(p + 9, ev.id, true);
        p = this.strAt(p + 17, ev.q);
        p = this.strAt(p, ev.name);
        buf[p] =
          (ev.named ? 1 : 0) |
          (ev.tag !== undefined ? 2 : 0) |
          (ev.ff !== undefined ? 4 : 0) |
          (ev.ff ? 8 : 0) |
          (ev.dl !== undefined ? 16 : 0);
        view.setFloat64(p + 1, ev.eta, true);
        view.setFloat64(p + 9, ev.size, true);
        p += 17;
        if (ev.tag !== undefined) p = this.strAt(p, ev.tag);
        if (ev.dl !== undefined) {
          view.setFloat64(p, ev.dl, true);
          p += 8;
        }
        break;
      case 'dispatch':
        buf[p] = T_DISPATCH;
        view.setFloat64(p + 1, ev.t, true);
        view.setFloat64(p + 9, ev.id, true);
        p = this.strAt(p + 17, ev.q);
        view.setFloat64(p, ev.n, true);
        buf[p + 8] = ev.dup === undefined ? 0 : ev.dup ? 2 : 1;
        p = this.headersAt(p + 9, ev.h);
        break;
      case 'response':
        buf[p] = T_RESPONSE;
        view.setFloat64(p + 1, ev.t, true);
        view.setFloat64(p + 9, ev.id, true);
        p = this.strAt(p + 17, ev.q);
        view.setFloat64(p, ev.n, true);
        view.setFloat64(p + 8, ev.status, true);
        buf[p + 16] = (OUTCOMES[ev.out] ?? 127) | (ev.ra !== undefined ? RA_PRESENT : 0);
        view.setFloat64(p + 17, ev.lat, true);
        p += 25;
        if (ev.ra !== undefined) {
          view.setFloat64(p, ev.ra, true);
          p += 8;
        }
        break;
      case 'retry':
        buf[p] = T_RETRY;
        view.setFloat64(p + 1, ev.t, true);
        view.setFloat64(p + 9, ev.id, true);
        p = this.strAt(p + 17, ev.q);
        view.setFloat64(p, ev.n, true);
        view.setFloat64(p + 8, ev.eta, true);
        p += 16;
        break;
      case 'success':
        buf[p] = T_SUCCESS;
        view.setFloat64(p + 1, ev.t, true);
        view.setFloat64(p + 9, ev.id, true);
        p = this.strAt(p + 17, ev.q);
        view.setFloat64(p, ev.n, true);
        p += 8;
        break;
      case 'exhaust':
        buf[p] = T_EXHAUST;
        view.setFloat64(p + 1, ev.t, true);
        view.setFloat64(p + 9, ev.id, true);
        p = this.strAt(p + 17, ev.q);
        view.setFloat64(p, ev.n, true);
        p = this.strAt(p + 8, ev.rule);
        break;
      default:
        buf[p] = T_OTHER;
        p = this.strAt(p + 1, JSON.stringify(ev));
    }
    this.pos = p;
  }

  /** Hands over whatever is buffered. */
  drain(): void {
    if (this.pos > 0) this.flush(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  private headersAt(at: number, h: DeliveryHeaders): number {
    let p = this.strAt(at, h.qn);
    p = this.strAt(p, h.tn);
    p = this.strAt(p, h.rc);
    p = this.strAt(p, h.ec);
    p = this.strAt(p, h.eta);
    this.buf[p] = (h.pr !== undefined ? 1 : 0) | (h.rr !== undefined ? 2 : 0) | (h.ff !== undefined ? 4 : 0);
    p++;
    if (h.pr !== undefined) p = this.strAt(p, h.pr);
    if (h.rr !== undefined) p = this.strAt(p, h.rr);
    if (h.ff !== undefined) p = this.strAt(p, h.ff);
    return p;
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
