import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHttpHeaders, HEADER } from '../../src/model/headers.js';
import { readHeaders } from '../../src/fuzz/side.js';

// The handler reads every delivery's X-AppEngine headers (HDR-1…8) through its own reader; it must
// read exactly what model/headers.ts's reader does, whatever the spelling, case or repetition.
describe('the handler reads delivery headers as fromHttpHeaders does (HDR-1…8)', () => {
  it('reads the canonical spelling, with and without the optional headers', () => {
    const raw = {
      'X-AppEngine-QueueName': 'q1',
      'X-AppEngine-TaskName': 't-7',
      'X-AppEngine-TaskRetryCount': '2',
      'X-AppEngine-TaskExecutionCount': '1',
      'X-AppEngine-TaskETA': '1700000000.250000',
      'Content-Type': 'application/octet-stream',
    };
    expect(readHeaders(raw)).toStrictEqual({ qn: 'q1', tn: 't-7', rc: '2', ec: '1', eta: '1700000000.250000' });
    const retried = { ...raw, 'X-AppEngine-TaskPreviousResponse': '500', 'X-AppEngine-TaskRetryReason': 'App Error' };
    expect(readHeaders(retried)).toStrictEqual({
      qn: 'q1',
      tn: 't-7',
      rc: '2',
      ec: '1',
      eta: '1700000000.250000',
      pr: '500',
      rr: 'App Error',
    });
  });

  it('prefers the lower-case spelling, joins lists, and leaves an absent required header empty', () => {
    const raw = {
      'x-appengine-queuename': 'lower',
      'X-AppEngine-QueueName': 'exact',
      'x-appengine-taskname': ['a', 'b'],
      'X-AppEngine-FailFast': 'true',
    } as unknown as Record<string, string>;
    expect(readHeaders(raw)).toStrictEqual({ qn: 'lower', tn: 'a,b', rc: '', ec: '', eta: '', ff: 'true' });
  });

  it('agrees with fromHttpHeaders on any mix of spellings and values', () => {
    const names = Object.values(HEADER);
    const spelling = (n: string) => fc.constantFrom(n, n.toLowerCase(), n.toUpperCase());
    const value = fc.oneof(fc.string({ maxLength: 4 }), fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }));
    const entry = fc.constantFrom(...names).chain((n) => fc.tuple(spelling(n), value));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 12 }), (entries) => {
        const raw = Object.fromEntries(entries) as Record<string, string>;
        expect(readHeaders(raw)).toStrictEqual(fromHttpHeaders(raw));
      }),
      { numRuns: 500 },
    );
  });
});
