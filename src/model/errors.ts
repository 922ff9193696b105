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
export interface TaskQueueError extends Error {
  readonly rule: RuleId;
  readonly code: RefusalCode;
}

interface TaskQueueErrorConstructor {
  new (rule: RuleId, message: string, code?: RefusalCode): TaskQueueError;
  readonly prototype: TaskQueueError;
}

interface Fields {
  rule: RuleId;
  code: RefusalCode;
  message: string;
}

/**
 * A refusal is an answer, not a bug: an Error (instanceof Error and TaskQueueError, with a name and a
 * message) built without V8's Error constructor, which costs a microsecond even with no stack to
 * capture, and a fuzz run makes dozens of refusals on each side. It has no stack.
 */
function Refusal(this: Fields, rule: RuleId, message: string, code: RefusalCode = 'INVALID_ARGUMENT'): void {
  this.rule = rule;
  this.code = code;
  this.message = `${message} (${rule})`;
}
Refusal.prototype = Object.create(Error.prototype, {
  constructor: { value: Refusal, writable: true, configurable: true },
  name: { value: 'TaskQueueError', writable: true, configurable: true },
});

export const TaskQueueError = Refusal as unknown as TaskQueueErrorConstructor;
