/**
 * fast-check arbitraries for what the contract allows a delivery to carry, weighted to the edges where
 * handlers break: task names over all of TASK-1 (`0`, one character, digits only, `-`/`_` first or
 * last, 500 characters), every ETA form HDR-5 allows, large and consistent retry counts (HDR-3/4/6),
 * queue names over TASK-1, and payloads (HANDLER-6, TASK-3).
 */
import fc from 'fast-check';
import { LIMITS } from '../../model/names.js';
import { DEFAULT_EPOCH_US, US_PER_D, US_PER_S } from '../../sim/time.js';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
/** TASK-1: task names are [a-zA-Z0-9_-]; queue names [a-zA-Z0-9-]. */
export const TASK_NAME_CHARS = LOWER + LOWER.toUpperCase() + DIGITS + '_-';
export const QUEUE_NAME_CHARS = LOWER + LOWER.toUpperCase() + DIGITS + '-';

const charOf = (chars: string): fc.Arbitrary<string> => fc.constantFrom(...chars);
const word = (chars: string, minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: charOf(chars), minLength, maxLength });

/** Names over a TASK-1 alphabet, 1…max characters, with most of the weight on the edges. */
function namesOver(chars: string, max: number, edges: string[], extraPunct: string[]): fc.Arbitrary<string> {
  const punct = fc.constantFrom(...extraPunct);
  const middle = word(chars, 0, 12);
  return fc.oneof(
    { arbitrary: fc.constantFrom(...edges), weight: 4 },
    { arbitrary: charOf(chars), weight: 2 }, // one character
    { arbitrary: word(DIGITS, 1, 12), weight: 3 }, // digits only
    { arbitrary: fc.tuple(punct, middle).map(([p, m]) => (p + m).slice(0, max)), weight: 2 }, // punctuation first
    { arbitrary: fc.tuple(middle, punct).map(([m, p]) => (m + p).slice(-max)), weight: 2 }, // punctuation last
    { arbitrary: word(chars, max, max), weight: 1 }, // the longest
    { arbitrary: word(chars, 1, max), weight: 4 },
  );
}

export function taskNameArb(): fc.Arbitrary<string> {
  return namesOver(
    TASK_NAME_CHARS,
    500,
    ['0', '1', '00', 'a', 'Z', '_', '-', '__', '--', '-_', '0-0', 'null', 'undefined', 'true', 'false'],
    ['-', '_'],
  );
}

export function queueNameArb(): fc.Arbitrary<string> {
  return namesOver(QUEUE_NAME_CHARS, 100, ['0', '1', 'a', 'Z', '-', '--', 'default0', 'DEFAULT'], ['-']);
}

/**
 * HDR-5: seconds since the epoch as a decimal with any number of fractional digits, or none — the
 * Java stub's six digits, Python's str(float) (`.0`, or as many as the float needs) — around the
 * run's virtual epoch, from 30 days before (a long-retried task's original ETA) to 30 days after (PUSH-4).
 */
export function etaArb(): fc.Arbitrary<string> {
  const epochS = Math.floor(DEFAULT_EPOCH_US / US_PER_S);
  const span = (30 * US_PER_D) / US_PER_S;
  const digits = fc.oneof(
    { arbitrary: fc.constantFrom(0, 1, 6), weight: 3 }, // none, Python's `.0`, Java's six
    { arbitrary: fc.integer({ min: 0, max: 9 }), weight: 2 },
  );
  return fc
    .tuple(fc.integer({ min: -span, max: span }), digits, fc.integer({ min: 0, max: 999_999_999 }))
    .map(([offset, n, frac]) => {
      const whole = String(epochS + offset);
      if (n === 0) return whole;
      return `${whole}.${String(frac).padStart(9, '0').slice(0, n)}`;
    });
}

export interface Counts {
  retryCount: number;
  executionCount: number;
  previousResponse?: number;
}

/** Statuses a previous attempt may have got: any non-2xx (PUSH-6: 3xx too), or 0 for no HTTP status. */
const PREVIOUS = [0, 500, 503, 404, 429, 400, 302, 301, 408, 502, 504, 599, 300];

/**
 * HDR-3/4/6, consistent with the run's readings: RetryCount up to 2^31−1; ExecutionCount ≤ RetryCount;
 * PreviousResponse absent exactly on a first attempt. A previous 0 (no execution) leaves ExecutionCount
 * below RetryCount; a previous HTTP status that counts as an execution means at least one did (a 5xx
 * does not count where CT-5 leaves it out: `fiveXxCounts` false).
 */
export function countsArb(fiveXxCounts = true): fc.Arbitrary<Counts> {
  const rc = fc.oneof(
    { arbitrary: fc.constantFrom(0, 1, 2, 10, 100, 1000, 65_535, 65_536, 2_147_483_647), weight: 3 },
    { arbitrary: fc.integer({ min: 0, max: 2_147_483_647 }), weight: 2 },
    { arbitrary: fc.integer({ min: 0, max: 50 }), weight: 2 },
  );
  return fc
    .tuple(rc, fc.constantFrom(...PREVIOUS), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([retryCount, previous, share]) => {
      if (retryCount === 0) return { retryCount: 0, executionCount: 0 };
      // previous 0, or a 5xx left out: ExecutionCount in [0, rc − 1]; an HTTP status that counts: in [1, rc].
      const uncounted = previous === 0 || (!fiveXxCounts && previous >= 500);
      const [lo, hi] = uncounted ? [0, retryCount - 1] : [1, retryCount];
      const executionCount = lo + Math.floor(share * (hi - lo + 1 - 1e-9));
      return { retryCount, executionCount: Math.min(hi, executionCount), previousResponse: previous };
    });
}

/** Content-Types a task may carry (HANDLER-6: application/octet-stream when none is set). */
export const CONTENT_TYPES = [
  'application/octet-stream',
  'text/plain',
  'text/plain; charset=utf-8',
  'application/json',
  'application/x-www-form-urlencoded',
  'application/xml',
];

const DEFAULT_URL = '/_ah/queue/default';

export interface Payload {
  body: Uint8Array;
  contentType?: string;
}

/** Payloads: empty, UTF-8 text, binary, and exactly the push task limit (TASK-3), with the Content-Types a task may carry. */
export function payloadArb(limit = LIMITS.pushTaskBytes, userContentType?: string): fc.Arbitrary<Payload> {
  const types = fc.constantFrom<string | undefined>(
    undefined,
    ...CONTENT_TYPES,
    ...(userContentType ? [userContentType] : []),
  );
  const utf8 = new TextEncoder();
  const body = fc.oneof(
    { arbitrary: fc.constant(new Uint8Array(0)), weight: 2 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }).map((s) => utf8.encode(s)), weight: 3 },
    { arbitrary: fc.uint8Array({ maxLength: 512 }), weight: 3 },
    { arbitrary: fc.integer({ min: 0, max: limit }).map((n) => binary(n)), weight: 1 },
    { arbitrary: fc.constant(limit).map((n) => binary(n)), weight: 1 },
  );
  // TASK-3 counts the task's URL and headers with its payload: the body gets what they leave.
  return fc.record({ body, contentType: types }, { requiredKeys: ['body'] }).map((p) => {
    const room =
      limit -
      DEFAULT_URL.length -
      (p.contentType === undefined ? 0 : 'Content-Type'.length + Buffer.byteLength(p.contentType));
    const b = p.body.byteLength > room ? p.body.subarray(0, room) : p.body;
    return p.contentType === undefined ? { body: b } : { body: b, contentType: p.contentType };
  });
}

function binary(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 131 + (i >> 8)) & 0xff;
  return out;
}
