/**
 * The X-AppEngine headers of a delivery (HDR-1…8), built in one place and read back in one place.
 */
import type { DeliveryHeaders, Outcome } from '../sim/events.js';
import { formatEpochSeconds, type Micros } from '../sim/time.js';

export const HEADER = {
  queueName: 'X-AppEngine-QueueName',
  taskName: 'X-AppEngine-TaskName',
  retryCount: 'X-AppEngine-TaskRetryCount',
  executionCount: 'X-AppEngine-TaskExecutionCount',
  eta: 'X-AppEngine-TaskETA',
  previousResponse: 'X-AppEngine-TaskPreviousResponse',
  retryReason: 'X-AppEngine-TaskRetryReason',
  failFast: 'X-AppEngine-FailFast',
} as const;

/** HDR-7 as production captures show it (SPEC §10). */
export function retryReason(previous: Outcome): string {
  return previous === 'error' ? 'App Error' : 'Instance Unavailable';
}

export interface HeaderFacts {
  queue: string;
  name: string;
  /** 1-based attempt number. */
  attempt: number;
  executionCount: number;
  /** Absolute ETA of this attempt, µs since the Unix epoch. */
  etaEpochUs: Micros;
  previous?: { status: number; outcome: Outcome };
  failFast?: boolean;
}

export function buildHeaders(f: HeaderFacts): DeliveryHeaders {
  return deliveryHeaders(
    f.queue,
    f.name,
    f.attempt,
    f.executionCount,
    f.etaEpochUs,
    f.previous?.status ?? 0,
    f.previous?.outcome ?? null,
    f.failFast === true,
  );
}

/** `buildHeaders` from the facts one by one: the dispatch path builds no facts object per delivery. */
export function deliveryHeaders(
  queue: string,
  name: string,
  attempt: number,
  executionCount: number,
  etaEpochUs: Micros,
  previousStatus: number,
  previousOutcome: Outcome | null,
  failFast: boolean,
): DeliveryHeaders {
  const rc = retryCountText(attempt);
  const ec = decimalText(executionCount);
  const eta = formatEpochSeconds(etaEpochUs);
  // One literal per variant, fields in the schema's order: an object grown field by field walks the
  // JavaScript engine's shape transitions on every delivery.
  if (previousOutcome === null)
    return failFast ? { qn: queue, tn: name, rc, ec, eta, ff: FAIL_FAST_TEXT } : { qn: queue, tn: name, rc, ec, eta };
  const pr = decimalText(previousStatus);
  const rr = retryReason(previousOutcome);
  return failFast
    ? { qn: queue, tn: name, rc, ec, eta, pr, rr, ff: FAIL_FAST_TEXT }
    : { qn: queue, tn: name, rc, ec, eta, pr, rr };
}

/** HDR-3: the RetryCount of 1-based attempt `attempt`. */
export function retryCountText(attempt: number): string {
  return decimalText(attempt - 1);
}

/** HDR-8: the FailFast header's value when the task asks for it. */
export const FAIL_FAST_TEXT = 'true';

/** Counts and statuses are small: their decimal text is made once, not once per delivery. */
const SMALL_DECIMALS: readonly string[] = Array.from({ length: 1024 }, (_, i) => String(i));

/** A count's or a status's decimal text (HDR-4, HDR-6). */
export function decimalText(n: number): string {
  return SMALL_DECIMALS[n] ?? String(n);
}

/** The HTTP form: what goes on the wire (PUSH-7: plain HTTP). */
export function toHttpHeaders(h: DeliveryHeaders): Record<string, string> {
  const out: Record<string, string> = {
    [HEADER.queueName]: h.qn,
    [HEADER.taskName]: h.tn,
    [HEADER.retryCount]: h.rc,
    [HEADER.executionCount]: h.ec,
    [HEADER.eta]: h.eta,
  };
  if (h.pr !== undefined) out[HEADER.previousResponse] = h.pr;
  if (h.rr !== undefined) out[HEADER.retryReason] = h.rr;
  if (h.ff !== undefined) out[HEADER.failFast] = h.ff;
  return out;
}

/** Reads the headers of an observed request (names case-insensitive); absent required ones become ''. */
export function fromHttpHeaders(raw: Record<string, string | string[] | undefined>): DeliveryHeaders {
  const h: DeliveryHeaders = {
    qn: read(raw, SPELLINGS.queueName) ?? '',
    tn: read(raw, SPELLINGS.taskName) ?? '',
    rc: read(raw, SPELLINGS.retryCount) ?? '',
    ec: read(raw, SPELLINGS.executionCount) ?? '',
    eta: read(raw, SPELLINGS.eta) ?? '',
  };
  const pr = read(raw, SPELLINGS.previousResponse);
  const rr = read(raw, SPELLINGS.retryReason);
  const ff = read(raw, SPELLINGS.failFast);
  if (pr !== undefined) h.pr = pr;
  if (rr !== undefined) h.rr = rr;
  if (ff !== undefined) h.ff = ff;
  return h;
}

/**
 * Each header's two spellings, the lower-case one first, made once: the fuzzer's handler reads every
 * delivery through fromHttpHeaders, and a toLowerCase per header per delivery showed in its profile.
 */
const SPELLINGS = (Object.keys(HEADER) as (keyof typeof HEADER)[]).reduce(
  (names, k) => {
    names[k] = [HEADER[k].toLowerCase(), HEADER[k]];
    return names;
  },
  {} as Record<keyof typeof HEADER, readonly [string, string]>,
);

function read(
  raw: Record<string, string | string[] | undefined>,
  [lower, exact]: readonly [string, string],
): string | undefined {
  const v = raw[lower] ?? raw[exact];
  return Array.isArray(v) ? v.join(',') : v;
}
