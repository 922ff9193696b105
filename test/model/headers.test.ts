import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HEADER, buildHeaders, fromHttpHeaders, retryReason, toHttpHeaders } from '../../src/model/headers.js';
import { DEFAULT_EPOCH_US, formatEpochSeconds } from '../../src/sim/time.js';

describe('HDR headers', () => {
  it('HDR-1…5 on a first attempt: queue, name, RetryCount 0, ExecutionCount 0, ETA; no PreviousResponse/RetryReason', () => {
    const h = buildHeaders({
      queue: 'mail',
      name: 't1',
      attempt: 1,
      executionCount: 0,
      etaEpochUs: DEFAULT_EPOCH_US + 1_500_000,
    });
    expect(h).toEqual({ qn: 'mail', tn: 't1', rc: '0', ec: '0', eta: '1767225601.500000' });
    expect(Object.keys(toHttpHeaders(h)).sort()).toEqual(
      [HEADER.queueName, HEADER.taskName, HEADER.retryCount, HEADER.executionCount, HEADER.eta].sort(),
    );
  });

  it('HDR-3/6/7 on a retry after a handler failure: RetryCount = attempt − 1, PreviousResponse, "App Error"', () => {
    const h = buildHeaders({
      queue: 'q',
      name: 'n',
      attempt: 4,
      executionCount: 2,
      etaEpochUs: 0,
      previous: { status: 500, outcome: 'error' },
    });
    expect(h).toMatchObject({ rc: '3', ec: '2', pr: '500', rr: 'App Error' });
  });

  it('HDR-7 / SPEC §10 after a deadline or no-instance failure: PreviousResponse 0 and "Instance Unavailable"', () => {
    for (const outcome of ['deadline', 'no-instance'] as const) {
      const h = buildHeaders({
        queue: 'q',
        name: 'n',
        attempt: 2,
        executionCount: 0,
        etaEpochUs: 0,
        previous: { status: 0, outcome },
      });
      expect(h).toMatchObject({ pr: '0', rr: 'Instance Unavailable' });
    }
    expect(retryReason('error')).toBe('App Error');
  });

  it('HDR-8 FailFast only when set', () => {
    const base = { queue: 'q', name: 'n', attempt: 1, executionCount: 0, etaEpochUs: 0 };
    expect(buildHeaders({ ...base, failFast: true }).ff).toBe('true');
    expect(buildHeaders({ ...base, failFast: false }).ff).toBeUndefined();
    expect(toHttpHeaders(buildHeaders({ ...base, failFast: true }))[HEADER.failFast]).toBe('true');
  });

  it('HDR-5 six fractional digits, for any whole-µs instant', () => {
    expect(formatEpochSeconds(0)).toBe('0.000000');
    expect(formatEpochSeconds(1)).toBe('0.000001');
    expect(formatEpochSeconds(DEFAULT_EPOCH_US)).toBe('1767225600.000000');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000 * 1_000_000 }), (us) => {
        const s = formatEpochSeconds(us);
        expect(s).toMatch(/^[0-9]+\.[0-9]{6}$/);
        const [whole, frac] = s.split('.');
        expect(BigInt(whole) * 1_000_000n + BigInt(frac)).toBe(BigInt(us));
      }),
    );
  });

  it('HDR-1…8 wire form round-trips through fromHttpHeaders, names case-insensitive', () => {
    const h = buildHeaders({
      queue: 'q',
      name: 'n',
      attempt: 3,
      executionCount: 1,
      etaEpochUs: 42,
      previous: { status: 302, outcome: 'error' },
      failFast: true,
    });
    const wire = toHttpHeaders(h);
    expect(fromHttpHeaders(wire)).toEqual(h);
    const lower = Object.fromEntries(Object.entries(wire).map(([k, v]) => [k.toLowerCase(), v]));
    expect(fromHttpHeaders(lower)).toEqual(h);
    expect(fromHttpHeaders({})).toEqual({ qn: '', tn: '', rc: '', ec: '', eta: '' });
  });

  it('reads a delivery as sent: the lower-case spelling first, lists joined, optional headers only when present', () => {
    const raw = {
      'x-appengine-queuename': 'lower',
      'X-AppEngine-QueueName': 'exact',
      'x-appengine-taskname': ['a', 'b'],
      'X-AppEngine-TaskRetryCount': '2',
      'X-AppEngine-TaskPreviousResponse': '500',
      'X-APPENGINE-FAILFAST': 'ignored: neither spelling',
    };
    expect(fromHttpHeaders(raw)).toStrictEqual({ qn: 'lower', tn: 'a,b', rc: '2', ec: '', eta: '', pr: '500' });
  });
});
