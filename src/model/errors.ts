/** A refusal by the queue, citing the SPEC rule it enforces. */
export class TaskQueueError extends Error {
  constructor(
    readonly rule: string,
    message: string,
    readonly code: string = 'INVALID_ARGUMENT',
  ) {
    super(`${message} (${rule})`);
    this.name = 'TaskQueueError';
  }
}
