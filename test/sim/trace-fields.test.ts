/**
 * INV-DET: the commonest events reach a FieldSink as fields, with no event object (trace.ts). Their
 * canonical bytes, and so the trace hash, must be the bytes of the same event given as an object.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TraceEncoder } from '../../src/sim/trace-codec.js';
import { TraceHasher } from '../../src/sim/trace.js';
import type { DeliveryHeaders, Outcome, TraceEvent } from '../../src/sim/events.js';

/** The encoder's bytes for `write`, all chunks joined. */
function bytesOf(write: (enc: TraceEncoder) => void): Buffer {
  const parts: Buffer[] = [];
  const enc = new TraceEncoder((b) => parts.push(Buffer.from(b)));
  write(enc);
  enc.drain();
  return Buffer.concat(parts);
}

/** Feeds `ev` to the encoder through its field writers, as a FieldSink's engine would. */
function writeFields(enc: TraceEncoder, ev: TraceEvent, systemName: (id: number) => boolean): void {
  switch (ev.e) {
    case 'add':
      return enc.add(
        ev.t,
        ev.id,
        ev.q,
        systemName(ev.id) ? undefined : ev.name,
        ev.named,
        ev.eta,
        ev.size,
        ev.tag,
        ev.ff,
        ev.dl,
      );
    case 'dispatch': {
      const h = ev.h;
      const name = systemName(ev.id) ? undefined : h.tn;
      return enc.dispatch(ev.t, ev.id, ev.q, ev.n, name, h.qn, h.rc, h.ec, h.eta, h.pr, h.rr, h.ff, ev.dup);
    }
    case 'response':
      return enc.response(ev.t, ev.id, ev.q, ev.n, ev.status, ev.out, ev.lat, ev.ra);
    case 'retry':
      return enc.retry(ev.t, ev.id, ev.q, ev.n, ev.eta);
    case 'success':
      return enc.success(ev.t, ev.id, ev.q, ev.n);
    case 'exhaust':
      return enc.exhaust(ev.t, ev.id, ev.q, ev.n, ev.rule);
    default:
      return enc.encode(ev);
  }
}

const f64 = (x: number): number[] => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return [...b];
};
const text = (s: string): number[] => {
  const b = Buffer.from(s, 'utf8');
  return [b.length & 0xff, b.length >> 8, ...b];
};

describe('trace: events as fields (INV-DET)', () => {
  it('INV-DET HDR-2 a system name given as undefined is written as "auto-" and the id, in the documented bytes', () => {
    const got = bytesOf((enc) => {
      enc.add(5, 1_234_567, 'bulk', undefined, false, 9, 0, undefined, undefined, undefined);
      enc.dispatch(
        6,
        1_234_567,
        'bulk',
        1,
        undefined,
        'bulk',
        '0',
        '0',
        '1767225600.000009',
        undefined,
        undefined,
        undefined,
        undefined,
      );
      enc.dispatch(
        7,
        10,
        'bulk',
        1,
        undefined,
        'bulk',
        '0',
        '0',
        '1767225600.000009',
        undefined,
        undefined,
        'true',
        true,
      );
    });
    const want = [
      1, // add
      ...f64(5),
      ...f64(1_234_567),
      ...text('bulk'),
      ...text('auto-1234567'),
      0, // not named, no tag, ff or dl
      ...f64(9),
      ...f64(0),
      2, // dispatch
      ...f64(6),
      ...f64(1_234_567),
      ...text('bulk'),
      ...f64(1),
      0, // no dup field
      ...text('bulk'),
      ...text('auto-1234567'),
      ...text('0'),
      ...text('0'),
      ...text('1767225600.000009'),
      0, // no pr, rr or ff
      2, // dispatch
      ...f64(7),
      ...f64(10),
      ...text('bulk'),
      ...f64(1),
      2, // dup: true
      ...text('bulk'),
      ...text('auto-10'),
      ...text('0'),
      ...text('0'),
      ...text('1767225600.000009'),
      4, // ff only
      ...text('true'),
    ];
    expect([...got]).toEqual(want);
  });

  it('INV-DET HDR-2 system names of ids in runs, across carries, between other runs and repeats', () => {
    // Two runs interleaved (a burst's first dispatches between retries), each crossing a carry, a third
    // run breaking in, ids repeated, and runs whose next id drops a digit or jumps.
    const runA = [7, 8, 9, 10, 11, 98, 99, 100, 101, 999_999, 1_000_000, 1_000_001];
    const runB = [2_147_483_645, 2_147_483_646, 2_147_483_647, 1, 2, 19, 20, 20, 21, 199, 200];
    const ids: number[] = [];
    for (let i = 0; i < Math.max(runA.length, runB.length); i++) {
      if (i < runA.length) ids.push(runA[i]);
      if (i < runB.length) ids.push(runB[i]);
      if (i % 4 === 3) ids.push(500 + i, 501 + i, 500 + i); // a third run, and a repeat
    }
    const got = bytesOf((enc) => {
      for (const id of ids)
        enc.dispatch(1, id, 'q', 1, undefined, 'q', '0', '0', '1.000000', undefined, undefined, undefined, undefined);
      for (const id of ids) enc.add(1, id, 'q', undefined, false, 0, 0, undefined, undefined, undefined);
    });
    const want = [
      ...ids.flatMap((id) => [
        2,
        ...f64(1),
        ...f64(id),
        ...text('q'),
        ...f64(1),
        0, // no dup field
        ...text('q'),
        ...text(`auto-${id}`),
        ...text('0'),
        ...text('0'),
        ...text('1.000000'),
        0, // no pr, rr or ff
      ]),
      ...ids.flatMap((id) => [1, ...f64(1), ...f64(id), ...text('q'), ...text(`auto-${id}`), 0, ...f64(0), ...f64(0)]),
    ];
    expect([...got]).toEqual(want);
    // Any ids in the 32-bit range, in runs from any start.
    const start = fc.integer({ min: 1, max: 2 ** 31 - 40 });
    fc.assert(
      fc.property(fc.array(fc.tuple(start, fc.integer({ min: 1, max: 30 })), { maxLength: 6 }), (runs) => {
        const all = runs.flatMap(([from, n]) => Array.from({ length: n }, (_, i) => from + i));
        const bytes = bytesOf((enc) => {
          for (const id of all) enc.add(2, id, 'q', undefined, false, 3, 4, undefined, undefined, undefined);
        });
        const expected = all.flatMap((id) => [
          1,
          ...f64(2),
          ...f64(id),
          ...text('q'),
          ...text(`auto-${id}`),
          0,
          ...f64(3),
          ...f64(4),
        ]);
        expect([...bytes]).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });

  it('INV-DET HDR-5 an ETA given as µs since the epoch is written as its text: whole seconds, a point, six digits', () => {
    // In order: a burst's ETA, a retry's in the same second, one a second later, one on a whole second,
    // the first second's again, a small one, zero, and a fraction of a µs (written through its text).
    const etas: [number, string][] = [
      [1_767_225_600_000_009, '1767225600.000009'],
      [1_767_225_600_450_123, '1767225600.450123'],
      [1_767_225_601_000_120, '1767225601.000120'],
      [1_767_225_602_000_000, '1767225602.000000'],
      [1_767_225_600_999_999, '1767225600.999999'],
      [1_000_001, '1.000001'],
      [0, '0.000000'],
      [2_500_000.5, '2.500000.5'], // formatEpochSeconds's text of a fraction of a µs (HDR-5 never has one)
      // Kept texts again, between new ones: the burst's, a retry's, the burst's, another's, the burst's.
      [1_767_225_600_000_009, '1767225600.000009'],
      [1_767_225_600_450_123, '1767225600.450123'],
      [1_767_225_600_000_009, '1767225600.000009'],
      [1_767_225_601_000_120, '1767225601.000120'],
      [1_767_225_600_000_009, '1767225600.000009'],
      [1_767_225_601_000_120, '1767225601.000120'],
    ];
    const dispatch = (enc: TraceEncoder, eta: string | number): void =>
      typeof eta === 'number'
        ? enc.dispatchEtaUs(
            7,
            10,
            'bulk',
            2,
            undefined,
            'bulk',
            '1',
            '1',
            eta,
            '500',
            'App Error',
            undefined,
            undefined,
          )
        : enc.dispatch(7, 10, 'bulk', 2, undefined, 'bulk', '1', '1', eta, '500', 'App Error', undefined, undefined);
    const byNumber = bytesOf((enc) => {
      for (const [us] of etas) dispatch(enc, us);
    });
    const etaField = (eta: string): number[] => [
      2, // dispatch
      ...f64(7),
      ...f64(10),
      ...text('bulk'),
      ...f64(2),
      0, // no dup field
      ...text('bulk'),
      ...text('auto-10'),
      ...text('1'),
      ...text('1'),
      ...text(eta),
      3, // pr and rr
      ...text('500'),
      ...text('App Error'),
    ];
    expect([...byNumber]).toEqual(etas.flatMap(([, eta]) => etaField(eta)));
    // Any whole µs in range, after any other: the text of the seconds and the µs, six digits.
    const us = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
    fc.assert(
      fc.property(us, us, (a, b) => {
        const want = (x: number): string => `${Math.floor(x / 1e6)}.${String(x % 1e6).padStart(6, '0')}`;
        const got = bytesOf((enc) => {
          dispatch(enc, a);
          dispatch(enc, b);
        });
        expect([...got]).toEqual([...etaField(want(a)), ...etaField(want(b))]);
      }),
      { numRuns: 200 },
    );
  });

  it('INV-DET a remembered queue name, ETA text or retry reason gives way to the next, even of the same length', () => {
    const names = ['bulk', 'blk2', 'bulk', 'é-q', 'bulk'];
    const etas = ['1.000001', '1.000001', '1.000002', '2.000002', '1.000001'];
    const reasons = ['App Error', 'App Error', 'Instance Unavailable', 'App Errox', 'App Error'];
    const got = bytesOf((enc) => {
      for (let i = 0; i < names.length; i++) {
        enc.dispatch(i, 1, names[i], 2, 'n', names[i], '1', '0', etas[i], '500', reasons[i], undefined, undefined);
      }
    });
    const want: number[] = [];
    for (let i = 0; i < names.length; i++) {
      want.push(2, ...f64(i), ...f64(1), ...text(names[i]), ...f64(2), 0, ...text(names[i]), ...text('n'));
      want.push(...text('1'), ...text('0'), ...text(etas[i]), 1 | 2, ...text('500'), ...text(reasons[i]));
    }
    expect([...got]).toEqual(want);
  });

  it('INV-DET any stream of hot events: the field writers give the bytes of the objects, across many chunks', () => {
    const queue = fc.constantFrom('bulk', 'q-2', 'é');
    const small = fc.integer({ min: 0, max: 2000 });
    const time = fc.integer({ min: 0, max: 2 ** 40 });
    const id = fc.oneof(
      fc.integer({ min: 1, max: 99 }),
      fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      fc.constant(2 ** 40),
    );
    const headers: fc.Arbitrary<DeliveryHeaders> = fc.record(
      {
        qn: queue,
        tn: fc.string({ maxLength: 20 }),
        rc: small.map(String),
        ec: small.map(String),
        eta: fc.constantFrom('1767225600.000000', '1767225601.000000', '1767225600.5'),
        pr: small.map(String),
        rr: fc.constantFrom('App Error', 'Instance Unavailable'),
        ff: fc.constant('true'),
      },
      { requiredKeys: ['qn', 'tn', 'rc', 'ec', 'eta'] },
    );
    const event: fc.Arbitrary<TraceEvent> = fc.oneof(
      fc.record(
        {
          t: time,
          e: fc.constant('add' as const),
          id,
          q: queue,
          name: fc.string({ maxLength: 30 }),
          named: fc.boolean(),
          eta: time,
          size: small,
          tag: fc.string({ maxLength: 10 }),
          ff: fc.boolean(),
          dl: time,
        },
        { requiredKeys: ['t', 'e', 'id', 'q', 'name', 'named', 'eta', 'size'] },
      ),
      fc.record(
        { t: time, e: fc.constant('dispatch' as const), id, q: queue, n: small, h: headers, dup: fc.boolean() },
        { requiredKeys: ['t', 'e', 'id', 'q', 'n', 'h'] },
      ),
      fc.record(
        {
          t: time,
          e: fc.constant('response' as const),
          id,
          q: queue,
          n: small,
          status: small,
          out: fc.constantFrom<Outcome>('ok', 'error', 'no-instance', 'deadline', 'net'),
          lat: time,
          ra: time,
        },
        { requiredKeys: ['t', 'e', 'id', 'q', 'n', 'status', 'out', 'lat'] },
      ),
      fc.record({ t: time, e: fc.constant('retry' as const), id, q: queue, n: small, eta: time }),
      fc.record({ t: time, e: fc.constant('success' as const), id, q: queue, n: small }),
      fc.record({
        t: time,
        e: fc.constant('exhaust' as const),
        id,
        q: queue,
        n: small,
        rule: fc.constant('RETRY-5' as const),
      }),
      fc.record({ t: time, e: fc.constant('delete' as const), id, q: queue }),
    );
    // Some events' names are the system name of their id (HDR-2), which the field writers make themselves.
    const withSystemNames = (ev: TraceEvent, k: number): TraceEvent => {
      if (k % 2 === 0) return ev;
      if (ev.e === 'add') return { ...ev, name: `auto-${ev.id}` };
      if (ev.e === 'dispatch') return { ...ev, h: { ...ev.h, tn: `auto-${ev.id}` } };
      return ev;
    };
    fc.assert(
      fc.property(
        fc.array(event, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 40 }),
        (drawn, copies) => {
          // Repeated, so the stream crosses 64 KiB chunks.
          const events = Array.from({ length: copies }, () => drawn)
            .flat()
            .map(withSystemNames);
          const isSystem = (ev: TraceEvent): ((id: number) => boolean) => {
            const name = ev.e === 'add' ? ev.name : ev.e === 'dispatch' ? ev.h.tn : undefined;
            return (eid) => name === `auto-${eid}`;
          };
          const asObjects = bytesOf((enc) => {
            for (const ev of events) enc.encode(ev);
          });
          const asFields = bytesOf((enc) => {
            for (const ev of events) writeFields(enc, ev, isSystem(ev));
          });
          expect(asFields.equals(asObjects)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('INV-DET the hasher counts and hashes an event given as fields as it does the object', () => {
    const byObject = new TraceHasher();
    byObject.onEvent({ t: 1, e: 'add', id: 3, q: 'q', name: 'auto-3', named: false, eta: 1, size: 0, ff: true });
    byObject.onEvent({
      t: 2,
      e: 'dispatch',
      id: 3,
      q: 'q',
      n: 1,
      h: { qn: 'q', tn: 'auto-3', rc: '0', ec: '0', eta: '1.000001', ff: 'true' },
    });
    byObject.onEvent({ t: 3, e: 'response', id: 3, q: 'q', n: 1, status: 503, out: 'error', lat: 1, ra: 7 });
    byObject.onEvent({ t: 3, e: 'retry', id: 3, q: 'q', n: 2, eta: 10 });
    byObject.onEvent({ t: 4, e: 'success', id: 3, q: 'q', n: 2 });
    byObject.onEvent({ t: 5, e: 'exhaust', id: 3, q: 'q', n: 2, rule: 'RETRY-5' });
    const byFields = new TraceHasher();
    byFields.onAdd(1, 3, 'q', undefined, 1, 0, undefined, true, undefined);
    byFields.onDispatch(2, 3, 'q', 1, undefined, '0', '0', 1_000_001, undefined, undefined, 'true', undefined);
    byFields.onResponse(3, 3, 'q', 1, 503, 'error', 1, 7);
    byFields.onRetry(3, 3, 'q', 2, 10);
    byFields.onSuccess(4, 3, 'q', 2);
    byFields.onExhaust(5, 3, 'q', 2, 'RETRY-5');
    expect(byFields.count).toBe(6);
    expect(byFields.digest()).toBe(byObject.digest());
  });
});
