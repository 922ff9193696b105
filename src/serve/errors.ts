/** Refusals of the API as gRPC status codes (CT-6), each message naming the rule it enforces. */
import { status } from '@grpc/grpc-js';
import type { RuleId } from '../rules/index.js';
import { TaskQueueError, type RefusalCode } from '../model/errors.js';

export class ApiError extends Error {
  constructor(
    readonly code: status,
    message: string,
    readonly rule?: RuleId,
  ) {
    super(rule !== undefined && !message.includes(`(${rule})`) ? `${message} (${rule})` : message);
    this.name = 'ApiError';
  }
}

export const invalid = (message: string, rule: RuleId): ApiError =>
  new ApiError(status.INVALID_ARGUMENT, message, rule);
export const notFound = (message: string, rule: RuleId = 'CT-6'): ApiError =>
  new ApiError(status.NOT_FOUND, message, rule);
export const precondition = (message: string, rule: RuleId): ApiError =>
  new ApiError(status.FAILED_PRECONDITION, message, rule);

/** The engine's refusal codes as gRPC codes: one table, so every method maps them alike. */
export const REFUSAL_STATUS: Record<RefusalCode, status> = {
  ALREADY_EXISTS: status.ALREADY_EXISTS,
  TOMBSTONED: status.ALREADY_EXISTS, // CT-6: a tombstoned name is refused like a live one
  NOT_FOUND: status.NOT_FOUND,
  UNKNOWN_QUEUE: status.NOT_FOUND,
  WRONG_MODE: status.FAILED_PRECONDITION,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
  LEASE_EXPIRED: status.FAILED_PRECONDITION,
  LEASE_MISMATCH: status.FAILED_PRECONDITION,
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
};

/** An engine refusal as an ApiError; anything else is rethrown (a bug, reported as INTERNAL). */
export function fromEngine(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof TaskQueueError) return new ApiError(REFUSAL_STATUS[err.code], err.message, err.rule);
  throw err;
}

/** Runs `fn`, turning engine refusals into ApiErrors. */
export function engineCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw fromEngine(err);
  }
}
