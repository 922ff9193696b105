import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MemoryTrace, NdjsonWriter, TraceHasher, hashTrace, readNdjson, serialize } from '../../src/sim/trace.js';
import { TraceEncoder } from '../../src/sim/trace-codec.js';
import type { TraceEvent } from '../../src/sim/events.js';
import { expectInvariantsHold, kitchenSink, makeEngine, pushQueue } from '../helpers/engine.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tasksim-trace-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ENGINE_TYPES = [
  'config',
  'add',
  'reject',
  'dispatch',
  'response',
  'retry',
  'success',
  'exhaust',
  'delete',
  'rate',
  'pause',
  'resume',
  'outage',
  'lease-call',
  'lease',
  'modify',
  'expire',
  'end',
];

function hashOf(events: TraceEvent[]): string {
  const h = new TraceHasher();
  for (const ev of events) h.onEvent(ev);
  return h.digest();
}

const reject = (reason: string): TraceEvent => ({ t: 0, e: 'reject', q: 'q', reason, rule: 'TASK-1' });
const add = (name: string, tag?: string): TraceEvent => ({
  t: 0,
  e: 'add',
  id: 1,
  q: 'q',
  name,
  named: true,
  eta: 0,
  size: 0,
  ...(tag !== undefined ? { tag } : {}),
});

describe('trace: canonical lines (INV-DET)', () => {
  it('INV-DET the engine emits every event type in one run, and its own trace passes every invariant', async () => {
    const te = await kitchenSink();
    expect(new Set(te.events.map((e) => e.e))).toEqual(new Set(ENGINE_TYPES));
    expect(te.of('dispatch').some((d) => d.dup === true)).toBe(true);
    expect(te.of('dispatch').some((d) => d.h.ff === 'true' && d.h.pr !== undefined && d.h.rr !== undefined)).toBe(true);
    await expectInvariantsHold(te.events);
  });

  it('INV-DET serialize(ev) equals JSON.stringify(ev) + "\\n" for every engine-built event', async () => {
    const te = await kitchenSink(3);
    for (const ev of te.events) expect(serialize(ev)).toBe(JSON.stringify(ev) + '\n');
  });

  it('CT-2 CT-5 serialize keeps an add’s own deadline and a response’s Retry-After, as JSON.stringify does', () => {
    const add: TraceEvent = { t: 1, e: 'add', id: 1, q: 'q', name: 'a', named: true, eta: 1, size: 0, ff: true, dl: 7 };
    const response: TraceEvent = { t: 2, e: 'response', id: 1, q: 'q', n: 1, status: 503, out: 'error', lat: 1, ra: 9 };
    expect(serialize(add)).toBe(
      '{"t":1,"e":"add","id":1,"q":"q","name":"a","named":true,"eta":1,"size":0,"ff":true,"dl":7}\n',
    );
    expect(serialize(response)).toBe(
      '{"t":2,"e":"response","id":1,"q":"q","n":1,"status":503,"out":"error","lat":1,"ra":9}\n',
    );
    for (const ev of [add, response]) expect(serialize(ev)).toBe(JSON.stringify(ev) + '\n');
  });

  it('INV-DET serialize matches JSON.stringify for any tag text (escaping: quotes, backslashes, controls, non-ASCII)', async () => {
    const te = makeEngine({ queues: [pushQueue('q')] });
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (tag) => {
        if (Buffer.byteLength(tag) > 500) return;
        te.engine.addTasks('q', [{ tag }]);
        const ev = te.events.at(-1)!;
        expect(ev.e).toBe('add');
        expect(serialize(ev)).toBe(JSON.stringify(ev) + '\n');
      }),
      { numRuns: 300 },
    );
    for (const tag of ['"', '\\', '\n', '\u2028', '\u0000', '😀', 'a/b:c .d-e_f']) {
      const ev = add('n', tag);
      expect(serialize(ev)).toBe(JSON.stringify(ev) + '\n');
    }
  });

  it('INV-DET --trace NDJSON parses back, and hashTrace(readNdjson(file)) equals the run’s hash', async () => {
    const file = join(dir, 'sink.ndjson');
    const te = await kitchenSink(5, [new NdjsonWriter(file)]);
    const back: TraceEvent[] = [];
    for await (const ev of readNdjson(file)) back.push(ev);
    expect(back).toEqual(JSON.parse(JSON.stringify(te.events)));
    expect(await hashTrace(readNdjson(file))).toBe(te.hasher.digest());
    const text = await readFile(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n').length - 1).toBe(te.events.length);
  });

  it('INV-DET the NDJSON writer flushes in batches yet writes every line of a large trace', async () => {
    const file = join(dir, 'big.ndjson');
    const te = makeEngine({ queues: [pushQueue('q')], sinks: [new NdjsonWriter(file)] });
    for (let i = 0; i < 30; i++)
      te.engine.addTasks(
        'q',
        Array.from({ length: 100 }, () => ({})),
      );
    te.engine.run();
    await te.engine.end('idle');
    let n = 0;
    for await (const _ of readNdjson(file)) n++;
    expect(n).toBe(te.events.length);
    expect(await hashTrace(readNdjson(file))).toBe(te.hasher.digest());
  });
});

describe('trace: the hash and its binary encoder (INV-DET)', () => {
  it('INV-DET hashTrace over an array equals the streaming hasher; MemoryTrace keeps events in order', async () => {
    const te = await kitchenSink(2);
    expect(await hashTrace(te.events)).toBe(te.hasher.digest());
    const m = new MemoryTrace();
    for (const ev of te.events) m.onEvent(ev);
    expect(m.events).toEqual(te.events);
  });

  it('INV-DET one changed field changes the hash', async () => {
    const te = await kitchenSink(2);
    const base = hashOf(te.events);
    const i = te.events.findIndex((e) => e.e === 'response');
    const changed = te.events.map((e, k) =>
      k === i ? { ...e, lat: (e as { lat: number }).lat + 1 } : e,
    ) as TraceEvent[];
    expect(hashOf(changed)).not.toBe(base);
    expect(hashOf(te.events.slice(0, -1))).not.toBe(base);
  });

  it('INV-DET non-ASCII strings: same text → same hash, different text → different hash', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }),
        (a, b) => {
          expect(hashOf([add(a, a)])).toBe(hashOf([add(a, a)]));
          if (a !== b) expect(hashOf([add(a, 'x')])).not.toBe(hashOf([add(b, 'x')]));
        },
      ),
      { numRuns: 200 },
    );
    expect(hashOf([add('é')])).not.toBe(hashOf([add('e')]));
    expect(hashOf([add('ab', 'c')])).not.toBe(hashOf([add('a', 'bc')]));
  });

  it('INV-DET long strings below 64 KiB: same → same, one character apart → different', () => {
    for (const n of [255, 256, 4095, 4096, 20_000, 60_000]) {
      const s = 'a'.repeat(n);
      expect(hashOf([reject(s)])).toBe(hashOf([reject(s)]));
      expect(hashOf([reject(s)])).not.toBe(hashOf([reject(s.slice(0, -1) + 'b')]));
      expect(hashOf([add(s)])).not.toBe(hashOf([add(s + 'a')]));
    }
    // Many events, so the 64 KiB chunks fill and flush mid-stream.
    const many = Array.from({ length: 2000 }, (_, i) => add(`n${i}`.padEnd(300, 'é'), 'tag'));
    expect(hashOf(many)).toBe(hashOf(many.map((e) => ({ ...e }))));
    expect(hashOf(many)).not.toBe(hashOf([...many.slice(0, 1999), add('x')]));
  });

  // Regression (fixed in 8b60540; was trace-codec.ts TraceEncoder.longStr with CHUNK = 1 << 16): a string of
  // 0xffff UTF-8 bytes or more is written in pieces of 0xffff bytes, but a piece plus its 2-byte
  // length (65,537 bytes) never fits in the 65,536-byte chunk even after a drain, so Uint8Array.set
  // throws RangeError "offset is out of bounds". Strings a little shorter (≈61–65 KB) overflow the
  // DataView when numbers follow them in the same event. The hash (INV-DET) cannot be taken.
  it('INV-DET very long strings (≥ 64 KiB) can be hashed: same → same, different → different', () => {
    for (const n of [65_530, 65_535, 65_536, 100_000, 200_000]) {
      const s = 'a'.repeat(n);
      expect(hashOf([reject(s)])).toBe(hashOf([reject(s)]));
      expect(hashOf([reject(s)])).not.toBe(hashOf([reject(s + 'a')]));
      expect(hashOf([add(s)])).toBe(hashOf([add(s)]));
    }
  });

  it('INV-DET the encoder hands over every byte: chunks concatenate to the same bytes however they are drained', () => {
    const events = Array.from({ length: 3000 }, (_, i) => add(`task-${i}`, i % 3 === 0 ? 'ü' : undefined));
    const collect = (drainEvery: number): Buffer => {
      const parts: Buffer[] = [];
      const enc = new TraceEncoder((b) => parts.push(Buffer.from(b)));
      events.forEach((ev, i) => {
        enc.encode(ev);
        if (drainEvery > 0 && i % drainEvery === 0) enc.drain();
      });
      enc.drain();
      return Buffer.concat(parts);
    };
    const whole = collect(0);
    expect(whole.length).toBeGreaterThan(1 << 16);
    expect(collect(1).equals(whole)).toBe(true);
    expect(collect(97).equals(whole)).toBe(true);
  });

  it('INV-DET the encoder writes the documented bytes: type, float64 LE numbers, u16 LE length + UTF-8 strings, flags', () => {
    const parts: Buffer[] = [];
    const enc = new TraceEncoder((b) => parts.push(Buffer.from(b)));
    const dispatch: TraceEvent = {
      t: 3_000_000_000.5,
      e: 'dispatch',
      id: 7,
      q: 'q',
      n: 2,
      h: { qn: 'q', tn: 'é', rc: '1', ec: '0', eta: '1.000000', pr: '500', rr: 'App Error' },
      dup: true,
    };
    const response: TraceEvent = { t: 1, e: 'response', id: 7, q: 'q', n: 2, status: 0, out: 'deadline', lat: 40 };
    enc.encode(dispatch);
    enc.encode(response);
    enc.drain();
    // The expected bytes, field by field, in schema order (trace-codec.ts's header).
    const f64 = (x: number): number[] => {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(x);
      return [...b];
    };
    const text = (s: string): number[] => {
      const b = Buffer.from(s, 'utf8');
      return [b.length & 0xff, b.length >> 8, ...b];
    };
    const want = [
      2, // dispatch
      ...f64(3_000_000_000.5),
      ...f64(7),
      ...text('q'),
      ...f64(2),
      2, // dup: true
      ...text('q'),
      ...[2, 0, 0xc3, 0xa9], // 'é': two UTF-8 bytes
      ...text('1'),
      ...text('0'),
      ...text('1.000000'),
      1 | 2, // pr and rr present, no ff
      ...text('500'),
      ...text('App Error'),
      3, // response
      ...f64(1),
      ...f64(7),
      ...text('q'),
      ...f64(2),
      ...f64(0),
      3, // deadline
      ...f64(40),
    ];
    expect([...Buffer.concat(parts)]).toEqual(want);
  });
});
