import type { RuleId } from '../rules/index.js';

/**
 * Why the queue refused, as a code a caller branches on (never the message): the adapters and the API map
 * these, not the text.
 */
export type RefusalCode =
  | 'INVALID_ARGUMENT'
  | 'ALREADY_EXISTS'
  | 'TOMBSTONED'
  | 'NOT_FOUND'
  | 'UNKNOWN_QUEUE'
  | 'WRONG_MODE'
  | 'FAILED_PRECONDITION'
  | 'LEASE_EXPIRED'
  | 'LEASE_MISMATCH';

/** A refusal by the queue, citing the SPEC rule it enforces. */
export class TaskQueueError extends Error {
  constructor(
    readonly rule: RuleId,
    message: string,
    readonly code: RefusalCode = 'INVALID_ARGUMENT',
  ) {
    // A refusal is an answer, not a bug: no stack to capture (the fuzzer makes thousands of them).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`${message} (${rule})`);
    Error.stackTraceLimit = limit;
    this.name = 'TaskQueueError';
  }
}
