/** A refusal by the queue, citing the SPEC rule it enforces. */
export class TaskQueueError extends Error {
  constructor(
    readonly rule: string,
    message: string,
    readonly code: string = 'INVALID_ARGUMENT',
  ) {
    // A refusal is an answer, not a bug: no stack to capture (the fuzzer makes thousands of them).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`${message} (${rule})`);
    Error.stackTraceLimit = limit;
    this.name = 'TaskQueueError';
  }
}
