/** Protobuf well-known types and status codes as the API carries them. */
import { status } from '@grpc/grpc-js';
import type { RuleId } from '../rules/index.js';
import type { Micros } from '../sim/time.js';
import { outcomeOfStatus } from '../sim/events.js';
import { invalid } from './errors.js';

export interface Timestamp {
  seconds?: number | string;
  nanos?: number;
}
export type Duration = Timestamp;

/** µs since the Unix epoch → Timestamp. */
export function toTimestamp(epochUs: Micros): Timestamp {
  const seconds = Math.floor(epochUs / 1e6);
  return { seconds, nanos: Math.round(epochUs - seconds * 1e6) * 1000 };
}

/** Timestamp → µs since the Unix epoch (whole µs: the engine's unit, HDR-5). */
export function fromTimestamp(t: Timestamp, field: string, rule: RuleId): Micros {
  const s = Number(t.seconds ?? 0);
  const n = Number(t.nanos ?? 0);
  if (!Number.isFinite(s) || !Number.isFinite(n) || n < 0 || n >= 1e9)
    throw invalid(`${field} is not a valid timestamp`, rule);
  return s * 1e6 + Math.floor(n / 1000);
}

export function toDuration(us: Micros): Duration {
  return toTimestamp(us);
}

export function fromDuration(d: Duration, field: string, rule: RuleId): Micros {
  const us = fromTimestamp(d, field, rule);
  if (us < 0) throw invalid(`${field} must not be negative`, rule);
  return us;
}

/**
 * An attempt's HTTP status as the google.rpc.Status Cloud Tasks shows (CT-3), by google/rpc/code.proto's
 * HTTP mapping. No status (deadline, connection failure, no instance) has its own code.
 */
export function rpcStatusOf(httpStatus: number, outcome: string): { code: number; message: string } {
  if (outcome === 'deadline')
    return { code: status.DEADLINE_EXCEEDED, message: 'the handler missed the dispatch deadline' };
  if (outcome === 'net')
    return { code: status.UNAVAILABLE, message: 'no HTTP response (connection failed or was reset)' };
  if (outcome === 'no-instance') return { code: status.UNAVAILABLE, message: 'no instance was available' };
  const message = `HTTP ${httpStatus}`;
  if (outcomeOfStatus(httpStatus) === 'ok') return { code: status.OK, message };
  const byStatus: Record<number, number> = {
    400: status.INVALID_ARGUMENT,
    401: status.UNAUTHENTICATED,
    403: status.PERMISSION_DENIED,
    404: status.NOT_FOUND,
    409: status.ABORTED,
    429: status.RESOURCE_EXHAUSTED,
    499: status.CANCELLED,
    501: status.UNIMPLEMENTED,
    503: status.UNAVAILABLE,
    504: status.DEADLINE_EXCEEDED,
  };
  const code =
    byStatus[httpStatus] ??
    (httpStatus >= 500 ? status.INTERNAL : httpStatus >= 400 ? status.FAILED_PRECONDITION : status.UNKNOWN);
  return { code, message };
}
