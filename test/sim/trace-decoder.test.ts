/**
 * TraceDecoder is the inverse of TraceEncoder (INV-DET: the checkers in another thread judge the very
 * bytes that were hashed). For arbitrary events of every type, decoding the encoder's chunks gives the
 * events back (optional fields absent where they were, keys in schema order) and encoding them again
 * gives the same bytes, however the bytes are cut into chunks.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { DeliveryHeaders, Outcome, TraceEvent } from '../../src/sim/events.js';
import { TraceEncoder } from '../../src/sim/trace-codec.js';
import { TraceDecoder, nameHash } from '../../src/sim/trace-decoder.js';
import type { RuleId } from '../../src/rules/index.js';

/** The encoder's chunks, each copied (the encoder reuses its buffer). */
function encode(events: TraceEvent[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  const enc = new TraceEncoder((bytes) => chunks.push(bytes.slice()));
  for (const ev of events) enc.encode(ev);
  enc.drain();
  return chunks;
}

function decode(chunks: Uint8Array[]): TraceEvent[] {
  const out: TraceEvent[] = [];
  const dec = new TraceDecoder((ev, ...more: unknown[]) => {
    expect(more).toEqual([]); // a sink that does not borrow gets names as strings only
    out.push(ev);
  });
  for (const c of chunks) dec.push(c);
  dec.finish();
  return out;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

/**
 * HDR-2's fingerprint computed here from its definition: FNV-1a over the string's UTF-16 code units,
 * 32-bit arithmetic in BigInt (a second implementation), the top bit dropped.
 */
function fnv1a31(s: string): number {
  let h = 0x811c9dc5n;
  for (let i = 0; i < s.length; i++) h = ((h ^ BigInt(s.charCodeAt(i))) * 0x01000193n) & 0xffffffffn;
  return Number(h & 0x7fffffffn);
}

/** The same bytes cut at other places (each cut a fresh copy, as a reused buffer would be). */
function recut(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length];
    out.push(bytes.slice(at, at + n));
    at += n;
  }
  return out;
}

/** Short ASCII (the fast path) and any Unicode text. */
const shortText = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
);
/** Now and then a string of more than one 32 KiB piece (and more than a 64 KiB chunk). */
const longText = fc
  .tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }), fc.integer({ min: 8_000, max: 40_000 }))
  .map(([s, k]) => s.repeat(k));
/** Numbers of the binary types go as float64: any double comes back, -0 and NaN included. */
const num = fc.double();
/** Numbers of the types sent as JSON text: what JSON carries exactly. */
const int = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const rule = fc.constantFrom<RuleId>('TASK-1', 'RETRY-5', 'PULL-6', 'HDR-3');
const outcome = fc.constantFrom<Outcome>('ok', 'error', 'no-instance', 'deadline', 'net');
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

/** Builds an object in the given key order, leaving out keys whose value is undefined. */
function present<T>(entries: [string, unknown][]): T {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) if (v !== undefined) o[k] = v;
  return o as T;
}

const headersOf = (text: fc.Arbitrary<string>): fc.Arbitrary<DeliveryHeaders> =>
  fc
    .tuple(text, text, text, text, text, maybe(text), maybe(text), maybe(text))
    .map(([qn, tn, rc, ec, eta, pr, rr, ff]) =>
      present<DeliveryHeaders>([
        ['qn', qn],
        ['tn', tn],
        ['rc', rc],
        ['ec', ec],
        ['eta', eta],
        ['pr', pr],
        ['rr', rr],
        ['ff', ff],
      ]),
    );

/** Events of every type, their strings drawn from `text`. */
const eventOf = (text: fc.Arbitrary<string>): fc.Arbitrary<TraceEvent> =>
  fc.oneof(
    fc
      .tuple(num, num, text, text, fc.boolean(), num, num, maybe(text), maybe(fc.boolean()), maybe(num))
      .map(([t, id, q, name, named, eta, size, tag, ff, dl]) =>
        present<TraceEvent>([
          ['t', t],
          ['e', 'add'],
          ['id', id],
          ['q', q],
          ['name', name],
          ['named', named],
          ['eta', eta],
          ['size', size],
          ['tag', tag],
          ['ff', ff],
          ['dl', dl],
        ]),
      ),
    fc.tuple(num, num, text, num, headersOf(text), maybe(fc.boolean())).map(([t, id, q, n, h, dup]) =>
      present<TraceEvent>([
        ['t', t],
        ['e', 'dispatch'],
        ['id', id],
        ['q', q],
        ['n', n],
        ['h', h],
        ['dup', dup],
      ]),
    ),
    fc.tuple(num, num, text, num, num, outcome, num, maybe(num)).map(([t, id, q, n, status, out, lat, ra]) =>
      present<TraceEvent>([
        ['t', t],
        ['e', 'response'],
        ['id', id],
        ['q', q],
        ['n', n],
        ['status', status],
        ['out', out],
        ['lat', lat],
        ['ra', ra],
      ]),
    ),
    fc.tuple(num, num, text, num, num).map(([t, id, q, n, eta]): TraceEvent => ({ t, e: 'retry', id, q, n, eta })),
    fc.tuple(num, num, text, num).map(([t, id, q, n]): TraceEvent => ({ t, e: 'success', id, q, n })),
    fc.tuple(num, num, text, num, rule).map(([t, id, q, n, r]): TraceEvent => ({ t, e: 'exhaust', id, q, n, rule: r })),
    // The rare types go as their JSON text.
    fc
      .tuple(int, int, int, text, fc.dictionary(text, fc.oneof(text, int, fc.boolean()), { maxKeys: 4 }))
      .map(([t, seed, epochUs, name, extra]): TraceEvent => {
        const config = { queues: [{ name, ...extra }] } as unknown as Extract<TraceEvent, { e: 'config' }>['config'];
        return { t, e: 'config', seed, epochUs, config };
      }),
    fc.tuple(int, text, maybe(text), text, rule).map(([t, q, name, reason, r]) =>
      present<TraceEvent>([
        ['t', t],
        ['e', 'reject'],
        ['q', q],
        ['name', name],
        ['reason', reason],
        ['rule', r],
      ]),
    ),
    fc.tuple(int, int, text).map(([t, id, q]): TraceEvent => ({ t, e: 'delete', id, q })),
    fc.tuple(int, text, int).map(([t, q, rate]): TraceEvent => ({ t, e: 'rate', q, rate })),
    fc
      .tuple(int, fc.constantFrom<'pause' | 'resume'>('pause', 'resume'), text)
      .map(([t, e, q]): TraceEvent => ({ t, e, q })),
    fc.tuple(int, fc.boolean()).map(([t, on]): TraceEvent => ({ t, e: 'outage', on })),
    fc.tuple(int, int).map(([t, count]): TraceEvent => ({ t, e: 'instance', count })),
    fc
      .tuple(int, text, text, int, int, maybe(text), int, fc.constantFrom('ok', 'capped', 'transient' as const))
      .map(([t, q, w, max, secs, tag, got, result]) =>
        present<TraceEvent>([
          ['t', t],
          ['e', 'lease-call'],
          ['q', q],
          ['w', w],
          ['max', max],
          ['secs', secs],
          ['tag', tag],
          ['got', got],
          ['result', result],
        ]),
      ),
    fc
      .tuple(int, int, text, text, int, int)
      .map(([t, id, q, w, until, n]): TraceEvent => ({ t, e: 'lease', id, q, w, until, n })),
    fc.tuple(int, int, text, int).map(([t, id, q, until]): TraceEvent => ({ t, e: 'modify', id, q, until })),
    fc.tuple(int, int, text).map(([t, id, q]): TraceEvent => ({ t, e: 'expire', id, q })),
    fc.tuple(int, int, text).map(([t, id, q]): TraceEvent => ({ t, e: 'run', id, q })),
    fc
      .tuple(int, fc.constantFrom('idle', 'time-limit', 'event-limit', 'stopped' as const))
      .map(([t, reason]): TraceEvent => ({ t, e: 'end', reason })),
  );

/** Every key of `v`, depth first, in order: toStrictEqual does not look at key order. */
function keyPaths(v: unknown, at = ''): string[] {
  if (typeof v !== 'object' || v === null) return [];
  return Object.entries(v).flatMap(([k, x]) => [`${at}${k}`, ...keyPaths(x, `${at}${k}.`)]);
}

describe('trace decoder: the inverse of the canonical bytes (INV-DET)', () => {
  /** decode(encode(events)) is events, key order included; encoded again, the same bytes; cut anywhere, the same events. */
  function roundTrip(events: TraceEvent[], cuts: number[]): void {
    const chunks = encode(events);
    const decoded = decode(chunks);
    expect(decoded).toStrictEqual(events);
    expect(decoded.map((ev) => keyPaths(ev))).toEqual(events.map((ev) => keyPaths(ev)));
    const bytes = concat(chunks);
    expect(Buffer.from(concat(encode(decoded))).equals(bytes)).toBe(true); // toEqual walks a big array slowly
    expect(decode(recut(bytes, cuts))).toStrictEqual(events);
  }

  it('INV-DET events of every type come back from their bytes, however the bytes are cut', () => {
    fc.assert(
      fc.property(
        fc.array(eventOf(shortText), { maxLength: 80 }),
        fc.array(fc.integer({ min: 1, max: 3_000 }), { minLength: 1, maxLength: 20 }),
        roundTrip,
      ),
      { numRuns: 200 },
    );
  });

  it('INV-DET strings longer than a 32 KiB piece and a 64 KiB chunk come back whole', () => {
    const text = fc.oneof({ weight: 3, arbitrary: shortText }, { weight: 1, arbitrary: longText });
    fc.assert(
      fc.property(
        fc.array(eventOf(text), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1_000, max: 70_000 }), { minLength: 1, maxLength: 5 }),
        roundTrip,
      ),
      { numRuns: 25 },
    );
  });

  it('INV-DET a trace of many short events spans many chunks and comes back whole', () => {
    // A dozen chunk boundaries, the decoder's interned queue names carried across each; more
    // events only repeat them.
    const events: TraceEvent[] = [];
    for (let i = 0; i < 24_000; i++) {
      const n = i % 4;
      events.push({ t: i, e: 'retry', id: i, q: i % 3 === 0 ? 'bulk' : 'other', n, eta: i * 7 });
    }
    const chunks = encode(events);
    expect(chunks.length).toBeGreaterThan(12); // 24,000 × 37 bytes in 64 KiB chunks: 13.5
    expect(decode(chunks)).toStrictEqual(events);
  });

  it('INV-DET decoded short strings are the strings written, whatever was interned before', () => {
    // Many distinct short names in one slot's reach: a cache that answered by hash alone would mix them up.
    const events: TraceEvent[] = [];
    for (let i = 0; i < 5_000; i++) events.push({ t: i, e: 'success', id: i, q: `q${i % 2_000}`, n: 0 });
    expect(decode(encode(events)).map((ev) => (ev as { q: string }).q)).toEqual(
      events.map((ev) => (ev as { q: string }).q),
    );
  });

  it('INV-DET CT-2 CT-5 an add’s dl and a response’s ra are in the bytes when set, and cost nothing when not', () => {
    const add: TraceEvent = { t: 1, e: 'add', id: 1, q: 'q', name: 'a', named: true, eta: 1, size: 0 };
    const response: TraceEvent = { t: 2, e: 'response', id: 1, q: 'q', n: 0, status: 503, out: 'error', lat: 1 };
    const plainAdd = concat(encode([add]));
    const plainResponse = concat(encode([response]));
    const withDl = concat(encode([{ ...add, dl: 5_000_000 }]));
    const withRa = concat(encode([{ ...response, ra: 9 }]));
    // add: type, t, id, q (2 + 1), name (2 + 1), flags, eta, size = 1 + 8 + 8 + 3 + 3 + 1 + 8 + 8 bytes;
    // the flags byte (named = 1) gains 16 and the deadline follows as a float64.
    expect(plainAdd.length).toBe(40);
    expect(plainAdd[23]).toBe(1);
    expect(withDl.length).toBe(48);
    expect(withDl[23]).toBe(1 | 16);
    expect(new DataView(withDl.buffer, withDl.byteOffset).getFloat64(40, true)).toBe(5_000_000);
    // response: type, t, id, q (3), n, status, outcome, lat = 1 + 8 + 8 + 3 + 8 + 8 + 1 + 8 bytes; the
    // outcome byte ('error' = 1) gains its high bit and the Retry-After follows.
    expect(plainResponse.length).toBe(45);
    expect(plainResponse[36]).toBe(1);
    expect(withRa.length).toBe(53);
    expect(withRa[36]).toBe(1 | 0x80);
    expect(new DataView(withRa.buffer, withRa.byteOffset).getFloat64(45, true)).toBe(9);
    expect(
      decode(
        encode([
          { ...add, dl: 5_000_000 },
          { ...response, ra: 9 },
        ]),
      ),
    ).toStrictEqual([
      { t: 1, e: 'add', id: 1, q: 'q', name: 'a', named: true, eta: 1, size: 0, dl: 5_000_000 },
      { t: 2, e: 'response', id: 1, q: 'q', n: 0, status: 503, out: 'error', lat: 1, ra: 9 },
    ]);
  });

  it('bytes that end inside an event, or are not a trace, are refused with what was wrong', () => {
    const bytes = concat(encode([{ t: 1, e: 'success', id: 1, q: 'bulk', n: 0 }]));
    const cut = new TraceDecoder(() => {});
    cut.push(bytes.subarray(0, bytes.length - 3));
    expect(() => cut.finish()).toThrow(/end inside an event \(28 bytes after event 0\)/);
    const bad = new TraceDecoder(() => {});
    expect(() => bad.push(new Uint8Array([77, 0, 0]))).toThrow(/unknown event type 77 after event 0/);
  });
  it('INV-DET a queue or ETA text like the last one only as Latin-1 is still read as UTF-8', () => {
    // 'Ã©' is the characters 0xC3 0xA9; 'é' is the UTF-8 bytes 0xC3 0xA9: the same length, the same numbers.
    const h = (eta: string) => ({ qn: 'Ã©', tn: 't', rc: '0', ec: '0', eta });
    const events: TraceEvent[] = [
      { t: 1, e: 'dispatch', id: 1, q: 'Ã©', n: 1, h: h('Ã©') },
      { t: 2, e: 'dispatch', id: 2, q: 'é', n: 1, h: { ...h('é'), qn: 'é' } },
      { t: 3, e: 'dispatch', id: 3, q: 'é', n: 1, h: { ...h('é'), qn: 'é' } },
      { t: 4, e: 'success', id: 3, q: 'bulk', n: 1 },
      { t: 5, e: 'success', id: 3, q: 'bulx', n: 1 },
    ];
    expect(decode(encode(events))).toStrictEqual(events);
  });

  it('INV-DET a sink that borrows its events gets the same values, in one object per type with every field', () => {
    const BINARY = ['add', 'dispatch', 'response', 'retry', 'success', 'exhaust'];
    // Every field a lent object carries (events.ts), absent ones as undefined.
    const FIELDS: Record<string, string[]> = {
      add: ['t', 'e', 'id', 'q', 'name', 'named', 'eta', 'size', 'tag', 'ff', 'dl'],
      dispatch: ['t', 'e', 'id', 'q', 'n', 'h', 'dup'],
      response: ['t', 'e', 'id', 'q', 'n', 'status', 'out', 'lat', 'ra'],
      retry: ['t', 'e', 'id', 'q', 'n', 'eta'],
      success: ['t', 'e', 'id', 'q', 'n'],
      exhaust: ['t', 'e', 'id', 'q', 'n', 'rule'],
    };
    const HEADERS = ['qn', 'tn', 'rc', 'ec', 'eta', 'pr', 'rr', 'ff'];
    /** The task names are read from the bytes when asked for, by a getter on the lent object's prototype. */
    const LAZY = new Set(['name', 'tn']);
    const read = (o: object, keys: string[]): [string, unknown][] =>
      keys.map((k) => [k, (o as Record<string, unknown>)[k]]);
    /** A copy of what the sink saw during the call, absent fields left out, as a fresh event has them. */
    const copy = (ev: TraceEvent): TraceEvent => {
      const o = present<Record<string, unknown>>(read(ev, BINARY.includes(ev.e) ? FIELDS[ev.e] : Object.keys(ev)));
      if (ev.e === 'dispatch') o.h = present(read(ev.h, HEADERS));
      return o as unknown as TraceEvent;
    };
    /** The fields an object holds itself, and those it reads through a getter. */
    const fieldsOf = (o: object, schema: string[]): string[] =>
      schema.filter((k) => Object.hasOwn(o, k) || (LAZY.has(k) && k in o));
    fc.assert(
      fc.property(fc.array(eventOf(shortText), { maxLength: 60 }), (events) => {
        const seen: TraceEvent[] = [];
        const lent = new Map<string, object>();
        let headers: object | undefined;
        const take = (ev: TraceEvent, key?: number): void => {
          // HDR-2: an add's name and a dispatch's task name come as their hash, -1 for an empty task name.
          if (ev.e === 'add') expect(key).toBe(fnv1a31(ev.name));
          else if (ev.e === 'dispatch') expect(key).toBe(ev.h.tn === '' ? -1 : fnv1a31(ev.h.tn));
          else expect(key).toBeUndefined();
          if (BINARY.includes(ev.e)) {
            expect(lent.get(ev.e) ?? ev).toBe(ev); // the same object each time
            lent.set(ev.e, ev);
            expect(fieldsOf(ev, FIELDS[ev.e])).toEqual(FIELDS[ev.e]);
            expect(Object.keys(ev).filter((k) => !FIELDS[ev.e].includes(k))).toEqual([]);
          }
          if (ev.e === 'dispatch') {
            expect(headers ?? ev.h).toBe(ev.h);
            headers = ev.h;
            expect(fieldsOf(ev.h, HEADERS)).toEqual(HEADERS);
            expect(Object.keys(ev.h).filter((k) => !HEADERS.includes(k))).toEqual([]);
          }
          seen.push(copy(ev));
        };
        const dec = new TraceDecoder({
          add: take,
          dispatch: take,
          response: take,
          retry: take,
          success: take,
          exhaust: take,
          other: take,
          borrowsEvents: true,
        });
        for (const c of encode(events)) dec.push(c);
        dec.finish();
        expect(seen).toStrictEqual(events);
      }),
      { numRuns: 150 },
    );
  });

  it('HDR-2 a borrowing sink gets any task name as its FNV-1a hash over the bytes, and its string when it reads it', () => {
    // Any UTF-16 string: ASCII (hashed over the bytes), other Unicode, lone surrogates (WTF-8), and
    // names longer than a 32 KiB piece; cut anywhere into chunks.
    const anyName = fc.oneof(
      { weight: 4, arbitrary: fc.string({ maxLength: 30 }) },
      { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
      { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
      { weight: 1, arbitrary: longText },
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(anyName, anyName), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 4 }),
        (names, sizes) => {
          const events: TraceEvent[] = names.flatMap(([name, tn], i): TraceEvent[] => [
            { t: i, e: 'add', id: i + 1, q: 'q', name, named: true, eta: i, size: 1 },
            { t: i, e: 'dispatch', id: i + 1, q: 'q', n: 1, h: { qn: 'q', tn, rc: '0', ec: '0', eta: '1.5' } },
          ]);
          const got: [string, number | undefined, string][] = [];
          const unused = (): void => {
            throw new Error('only adds and dispatches were encoded');
          };
          const dec = new TraceDecoder({
            add: (ev, key) => got.push(['add', key, ev.name]),
            dispatch: (ev, key) => got.push(['dispatch', key, ev.h.tn]),
            response: unused,
            retry: unused,
            success: unused,
            exhaust: unused,
            other: unused,
            borrowsEvents: true,
          });
          const bytes = concat(encode(events));
          // At most ~100 chunks: an event cut short is carried (copied) into the next one.
          const cuts = sizes.map((n) => Math.max(n, Math.ceil(bytes.length / 100)));
          for (const c of recut(bytes, cuts)) dec.push(c);
          dec.finish();
          const expected = names.flatMap(([name, tn]): [string, number, string][] => [
            ['add', fnv1a31(name), name],
            ['dispatch', tn.length === 0 ? -1 : fnv1a31(tn), tn],
          ]);
          expect(got).toStrictEqual(expected);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('HDR-2 nameHash is FNV-1a over UTF-16 code units with the top bit dropped', () => {
    // Hand-computed: FNV-1a of '' is its offset basis 0x811c9dc5; of 'a', (0x811c9dc5 ^ 0x61) * 0x01000193 mod 2^32.
    expect(nameHash('')).toBe(0x811c9dc5 & 0x7fffffff);
    expect(nameHash('a')).toBe(0xe40c292c & 0x7fffffff);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 50 }), (s) => {
        expect(nameHash(s)).toBe(fnv1a31(s));
      }),
    );
  });

  it('INV-DET a sink by type gets each binary type at its own method and every other type at other()', () => {
    const got: string[] = [];
    const to = (m: string) => (ev: TraceEvent) => got.push(`${m}:${ev.e}`);
    const sink = {
      add: to('add'),
      dispatch: to('dispatch'),
      response: to('response'),
      retry: to('retry'),
      success: to('success'),
      exhaust: to('exhaust'),
      other: to('other'),
    };
    const dec = new TraceDecoder(sink);
    for (const c of encode([
      { t: 0, e: 'add', id: 1, q: 'q', name: 'a', named: false, eta: 0, size: 0 },
      { t: 0, e: 'dispatch', id: 1, q: 'q', n: 1, h: { qn: 'q', tn: 'a', rc: '0', ec: '0', eta: '0' } },
      { t: 1, e: 'response', id: 1, q: 'q', n: 1, status: 500, out: 'error', lat: 1 },
      { t: 1, e: 'retry', id: 1, q: 'q', n: 1, eta: 2 },
      { t: 3, e: 'exhaust', id: 1, q: 'q', n: 2, rule: 'RETRY-5' },
      { t: 3, e: 'success', id: 2, q: 'q', n: 1 },
      { t: 4, e: 'end', reason: 'idle' },
    ]))
      dec.push(c);
    dec.finish();
    expect(got).toEqual([
      'add:add',
      'dispatch:dispatch',
      'response:response',
      'retry:retry',
      'exhaust:exhaust',
      'success:success',
      'other:end',
    ]);
    expect(dec.count).toBe(7);
  });
});
