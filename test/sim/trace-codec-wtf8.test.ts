/**
 * INV-DET: a lone surrogate (a task name or tag holding half of a UTF-16 pair) is part of the trace.
 * TextEncoder would write it as U+FFFD, so traces differing only there would hash alike and the
 * checker thread would read back another string. The canonical bytes write such strings as WTF-8: a
 * surrogate without its pair as the 3-byte form of its code unit; well-formed strings stay UTF-8.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { TraceEvent } from '../../src/sim/events.js';
import { TraceEncoder } from '../../src/sim/trace-codec.js';
import { TraceDecoder } from '../../src/sim/trace-decoder.js';
import { hashTrace, NdjsonWriter, readNdjson, serialize } from '../../src/sim/trace.js';

function bytesOf(events: TraceEvent[]): Buffer {
  const chunks: Buffer[] = [];
  const enc = new TraceEncoder((b) => chunks.push(Buffer.from(b)));
  for (const ev of events) enc.encode(ev);
  enc.drain();
  return Buffer.concat(chunks);
}

function decoded(bytes: Uint8Array, cut = bytes.length): TraceEvent[] {
  const out: TraceEvent[] = [];
  const dec = new TraceDecoder((ev) => out.push(ev));
  dec.push(bytes.slice(0, cut));
  dec.push(bytes.slice(cut));
  dec.finish();
  return out;
}

/** A success event's bytes up to its queue name: type 5, t and id as float64 (both 1 here). */
const successHead = [5, ...f64(1), ...f64(1)];
function f64(x: number): number[] {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return [...b];
}
const success = (q: string): TraceEvent => ({ t: 1, e: 'success', id: 1, q, n: 0 });

describe('trace bytes: lone surrogates as WTF-8 (INV-DET)', () => {
  it('INV-DET a lone high and a lone low surrogate are written as the 3-byte form of their code unit', () => {
    // U+D800 = 1101 1000 0000 0000 → 1110 1101, 10 100000, 10 000000 = ED A0 80.
    expect([...bytesOf([success('\uD800')])]).toEqual([...successHead, 3, 0, 0xed, 0xa0, 0x80, ...f64(0)]);
    // U+DFFF = 1101 1111 1111 1111 → ED BF BF; the ASCII around it as itself.
    expect([...bytesOf([success('a\uDFFFb')])]).toEqual([
      ...successHead,
      5,
      0,
      0x61,
      0xed,
      0xbf,
      0xbf,
      0x62,
      ...f64(0),
    ]);
    // A low before a high is two lone halves, not a pair: ED B0 80 then ED A0 80.
    expect([...bytesOf([success('\uDC00\uD800')])]).toEqual([
      ...successHead,
      6,
      0,
      0xed,
      0xb0,
      0x80,
      0xed,
      0xa0,
      0x80,
      ...f64(0),
    ]);
    // A pair beside a lone half is still one 4-byte code point: U+1F600 = F0 9F 98 80, then ED A0 80.
    expect([...bytesOf([success('\uD83D\uDE00\uD800')])]).toEqual([
      ...successHead,
      7,
      0,
      0xf0,
      0x9f,
      0x98,
      0x80,
      0xed,
      0xa0,
      0x80,
      ...f64(0),
    ]);
  });

  it('INV-DET well-formed strings keep their UTF-8 bytes: U+FFFD itself is EF BF BD', () => {
    expect([...bytesOf([success('\uFFFD')])]).toEqual([...successHead, 3, 0, 0xef, 0xbf, 0xbd, ...f64(0)]);
    expect([...bytesOf([success('é')])]).toEqual([...successHead, 2, 0, 0xc3, 0xa9, ...f64(0)]);
  });

  it('INV-DET two traces differing only by a lone surrogate hash differently', async () => {
    const add = (tag: string): TraceEvent[] => [
      { t: 0, e: 'add', id: 1, q: 'jobs', name: 'task-1', named: false, eta: 0, size: 10, tag },
      { t: 0, e: 'end', reason: 'idle' },
    ];
    const hashes = await Promise.all(['\uD800', '\uDBFF', '\uDC00', '\uFFFD', ''].map((tag) => hashTrace(add(tag))));
    expect(new Set(hashes).size).toBe(5);
  });

  it('INV-DET the decoder reads back the very string written, in one chunk or cut inside the surrogate', () => {
    const events = [success('\uD800'), success('x\uDFFF'), success('\uDBFF\uDBFF'), success('\uD83D\uDE00\uDC00')];
    const bytes = bytesOf(events);
    expect(decoded(bytes)).toStrictEqual(events);
    for (let cut = 0; cut <= bytes.length; cut++) expect(decoded(bytes, cut)).toStrictEqual(events);
  });

  it('bytes that are neither UTF-8 nor WTF-8 are still refused', () => {
    // A lead surrogate's bytes right before a trail's: a pair must be one 4-byte code point.
    const paired = Buffer.from([...successHead, 6, 0, 0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80, ...f64(0)]);
    expect(() => decoded(paired)).toThrow(/neither UTF-8 nor WTF-8/);
    // A surrogate's bytes cut short, and an over-long form.
    const cut = Buffer.from([...successHead, 3, 0, 0xed, 0xa0, 0x41, ...f64(0)]);
    expect(() => decoded(cut)).toThrow(/neither UTF-8 nor WTF-8/);
    const overlong = Buffer.from([...successHead, 5, 0, 0xed, 0xa0, 0x80, 0xc0, 0x80, ...f64(0)]); // C0 80: NUL, over-long
    expect(() => decoded(overlong)).toThrow(/neither UTF-8 nor WTF-8/);
    // No surrogate bytes at all: TextDecoder's own refusal.
    expect(() => decoded(Buffer.from([...successHead, 1, 0, 0xff, ...f64(0)]))).toThrow();
  });

  it('INV-DET any string of UTF-16 code units comes back from its bytes and is written again the same', () => {
    const unit = fc.oneof(
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 0xd800, max: 0xdfff }), // halves, lone and paired, often
      fc.integer({ min: 0, max: 0x7f }),
    );
    const text = fc.oneof(
      fc.array(unit, { maxLength: 40 }).map((codes) => String.fromCharCode(...codes)),
      fc.string({ unit: 'binary', maxLength: 20 }), // every code point, none of them half a pair
    );
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 8 }), fc.nat(), (qs, cutAt) => {
        const events = qs.map(success);
        const bytes = bytesOf(events);
        const back = decoded(bytes, cutAt % (bytes.length + 1));
        expect(back).toStrictEqual(events);
        expect(bytesOf(back).equals(bytes)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('INV-DET a string of lone surrogates longer than a 32 KiB piece comes back whole', () => {
    const long = '\uD800a'.repeat(20_000); // 80,000 bytes: three pieces
    const events = [success(long), success('after')];
    const bytes = bytesOf(events);
    expect(bytes.length).toBe(1 + 16 + 3 * 2 + 80_000 + 8 + 1 + 16 + 2 + 5 + 8);
    expect(decoded(bytes, 40_000)).toStrictEqual(events);
  });
});

describe('NDJSON traces keep lone surrogates (INV-DET)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tasksim-wtf8-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const events: TraceEvent[] = [
    { t: 0, e: 'add', id: 1, q: 'jobs', name: '\uDC00', named: true, eta: 0, size: 0, tag: 'x\uD800' },
    { t: 0, e: 'reject', q: 'jobs', name: '\uDBFF', reason: 'bad name', rule: 'TASK-1' },
    { t: 1, e: 'end', reason: 'idle' },
  ];

  it('INV-DET a line escapes a lone surrogate as \\uXXXX (the file stays UTF-8) and parses back to it', () => {
    const line = serialize(events[0]);
    expect(line).toContain('"name":"\\udc00"');
    expect(line).toContain('"tag":"x\\ud800"');
    expect(JSON.parse(line)).toStrictEqual(events[0]);
  });

  it('INV-DET written and read back, the events and their hash are those of the run', async () => {
    const file = join(dir, 'lone.ndjson');
    const w = new NdjsonWriter(file);
    for (const ev of events) w.onEvent(ev);
    w.close();
    const back: TraceEvent[] = [];
    for await (const ev of readNdjson(file)) back.push(ev);
    expect(back).toStrictEqual(events);
    expect(await hashTrace(back)).toBe(await hashTrace(events));
  });
});
