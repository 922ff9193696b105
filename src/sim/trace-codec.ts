/**
 * The trace's canonical bytes, for its SHA-256 hash (INV-DET). A compact binary form: one type byte,
 * numbers as little-endian float64, strings as a u16 length and their UTF-8 bytes. It carries
 * exactly what the JSON line carries, in schema order, and is several times cheaper to produce: at a
 * million events per second, building text to hash cost more than running the engine. Rare event
 * types are encoded as their JSON text.
 */
import type { DeliveryHeaders, Outcome, TraceEvent } from './events.js';

const OUTCOMES: Record<Outcome, number> = { ok: 0, error: 1, 'no-instance': 2, deadline: 3, net: 4 };
const T_ADD = 1,
  T_DISPATCH = 2,
  T_RESPONSE = 3,
  T_RETRY = 4,
  T_SUCCESS = 5,
  T_EXHAUST = 6,
  T_OTHER = 255;
const CHUNK = 1 << 16;
/** Room an event may need before we flush; longer strings flush as they go. */
const HEADROOM = 4096;
/** Long strings go in pieces that always fit a chunk with their length. */
const PIECE = 0x8000;

export class TraceEncoder {
  private buf = new Uint8Array(CHUNK);
  private view = new DataView(this.buf.buffer);
  private pos = 0;
  private readonly text = new TextEncoder();

  /** `flush` receives each full chunk (a view, valid only during the call). */
  constructor(private readonly flush: (bytes: Uint8Array) => void) {}

  encode(ev: TraceEvent): void {
    if (this.pos > CHUNK - HEADROOM) this.drain();
    switch (ev.e) {
      case 'add':
        this.byte(T_ADD);
        this.num(ev.t);
        this.num(ev.id);
        this.str(ev.q);
        this.str(ev.name);
        this.byte(
          (ev.named ? 1 : 0) | (ev.tag !== undefined ? 2 : 0) | (ev.ff !== undefined ? 4 : 0) | (ev.ff ? 8 : 0),
        );
        this.num(ev.eta);
        this.num(ev.size);
        if (ev.tag !== undefined) this.str(ev.tag);
        return;
      case 'dispatch':
        this.byte(T_DISPATCH);
        this.num(ev.t);
        this.num(ev.id);
        this.str(ev.q);
        this.num(ev.n);
        this.byte(ev.dup === undefined ? 0 : ev.dup ? 2 : 1);
        this.headers(ev.h);
        return;
      case 'response':
        this.byte(T_RESPONSE);
        this.num(ev.t);
        this.num(ev.id);
        this.str(ev.q);
        this.num(ev.n);
        this.num(ev.status);
        this.byte(OUTCOMES[ev.out] ?? 255);
        this.num(ev.lat);
        return;
      case 'retry':
        this.byte(T_RETRY);
        this.num(ev.t);
        this.num(ev.id);
        this.str(ev.q);
        this.num(ev.n);
        this.num(ev.eta);
        return;
      case 'success':
        this.byte(T_SUCCESS);
        this.num(ev.t);
        this.num(ev.id);
        this.str(ev.q);
        this.num(ev.n);
        return;
      case 'exhaust':
        this.byte(T_EXHAUST);
        this.num(ev.t);
        this.num(ev.id);
        this.str(ev.q);
        this.num(ev.n);
        this.str(ev.rule);
        return;
      default:
        this.byte(T_OTHER);
        this.str(JSON.stringify(ev));
    }
  }

  /** Hands over whatever is buffered. */
  drain(): void {
    if (this.pos > 0) this.flush(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  private headers(h: DeliveryHeaders): void {
    this.str(h.qn);
    this.str(h.tn);
    this.str(h.rc);
    this.str(h.ec);
    this.str(h.eta);
    this.byte((h.pr !== undefined ? 1 : 0) | (h.rr !== undefined ? 2 : 0) | (h.ff !== undefined ? 4 : 0));
    if (h.pr !== undefined) this.str(h.pr);
    if (h.rr !== undefined) this.str(h.rr);
    if (h.ff !== undefined) this.str(h.ff);
  }

  private byte(b: number): void {
    this.buf[this.pos++] = b;
  }

  private num(n: number): void {
    this.view.setFloat64(this.pos, n, true);
    this.pos += 8;
  }

  private str(s: string): void {
    const n = s.length;
    if (n < 256 && this.pos + 2 + n <= CHUNK) {
      // ASCII fast path: one byte per char, no encoder call.
      const buf = this.buf;
      let p = this.pos + 2;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 127) break;
        buf[p++] = c;
      }
      if (i === n) {
        this.view.setUint16(this.pos, n, true);
        this.pos = p;
        return;
      }
    }
    this.longStr(s);
  }

  /**
   * Non-ASCII or long strings: UTF-8 through TextEncoder, in pieces of at most PIECE bytes; a full
   * piece is followed by another (possibly empty), so the bytes decode one way only.
   */
  private longStr(s: string): void {
    const bytes = this.text.encode(s);
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
