import { describe, expect, it } from 'vitest';
import { RunCounters } from '../../src/scenario/counters.js';
import type { DeliveryHeaders, TraceEvent } from '../../src/sim/events.js';

const h: DeliveryHeaders = { qn: 'q', tn: 'auto-1', rc: '0', ec: '0', eta: '1767225600.000000' };

describe("a run's headline counts", () => {
  it('counts each event type in its own field, a duplicate delivery apart from attempts (HANDLER-4)', () => {
    const events: TraceEvent[] = [
      { t: 0, e: 'add', id: 1, q: 'q', name: 'auto-1', named: false, eta: 0, size: 0 },
      { t: 0, e: 'add', id: 2, q: 'q', name: 'auto-2', named: false, eta: 0, size: 0 },
      { t: 0, e: 'reject', q: 'q', name: 'x', reason: 'exists', rule: 'TASK-2' },
      { t: 1, e: 'dispatch', id: 1, q: 'q', n: 1, h },
      { t: 2, e: 'response', id: 1, q: 'q', n: 1, status: 500, out: 'error', lat: 1 },
      { t: 2, e: 'retry', id: 1, q: 'q', n: 2, eta: 9 },
      { t: 9, e: 'dispatch', id: 1, q: 'q', n: 2, h },
      { t: 10, e: 'response', id: 1, q: 'q', n: 2, status: 200, out: 'ok', lat: 1 },
      { t: 10, e: 'success', id: 1, q: 'q', n: 2 },
      { t: 10, e: 'dispatch', id: 1, q: 'q', n: 2, h, dup: true },
      { t: 11, e: 'dispatch', id: 2, q: 'q', n: 1, h },
      { t: 12, e: 'exhaust', id: 2, q: 'q', n: 1, rule: 'RETRY-5' },
      { t: 13, e: 'delete', id: 3, q: 'p' },
      { t: 14, e: 'lease', id: 3, q: 'p', w: 'w', until: 20, n: 1 },
      { t: 20, e: 'expire', id: 3, q: 'p' },
      { t: 21, e: 'end', reason: 'idle' },
    ];
    const counters = new RunCounters();
    for (const ev of events) counters.onEvent(ev);
    expect(counters.toJSON()).toEqual({
      tasks: 2,
      rejected: 1,
      attempts: 3,
      succeeded: 1,
      exhausted: 1,
      deleted: 1,
      duplicates: 1,
      leases: 1,
      expired: 1,
    });
  });
});
