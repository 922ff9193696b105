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

/**
 * A refusal as a value, for the engine's hot paths (a fuzz run's adds are refused by the dozen):
 * what a TaskQueueError carries, without an Error made and thrown. `message` is the error's own text.
 */
export class Refusal {
  readonly message: string;
  constructor(
    readonly rule: RuleId,
    readonly text: string,
    readonly code: RefusalCode = 'INVALID_ARGUMENT',
  ) {
    this.message = withRule(text, rule);
  }

  /** The same refusal as the error a throwing caller gets. */
  error(): TaskQueueError {
    return new TaskQueueError(this.rule, this.text, this.code);
  }
}

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
    super(withRule(message, rule));
    Error.stackTraceLimit = limit;
    this.name = 'TaskQueueError';
  }
}

/** A refusal's message: its text, then the rule it enforces. */
function withRule(text: string, rule: RuleId): string {
  return `${text} (${rule})`;
}
