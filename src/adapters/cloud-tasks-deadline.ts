/**
 * The deadline the Cloud Tasks adapter holds itself on every call to the service, whichever the
 * transport. Why not the client's own timeout alone: the REST transport's HTTP client (gaxios 7)
 * times a request with `AbortSignal.any([signal, AbortSignal.timeout(ms)])`, and on Node 20 a garbage
 * collection can take that timeout signal away before it fires (nodejs/node#57736), so a service
 * that never answers would hang the call for good. A timer the event loop holds cannot be collected.
 *
 * The call's abort signal is handed down through async context, so the REST transport's requests
 * (made deep inside the official client) are aborted when their call's deadline passes, instead of
 * being left open.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** A call that had no answer by its deadline. */
export class CallDeadlineExceeded extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'CallDeadlineExceeded';
  }
}

const callInProgress = new AsyncLocalStorage<AbortSignal>();

/**
 * Runs `call`, and rejects with CallDeadlineExceeded if it has not settled within `ms`; at that
 * moment the call's signal (callSignal(), inside it) aborts with the same error.
 */
export async function withinDeadline<T>(ms: number, call: () => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new CallDeadlineExceeded(ms);
      controller.abort(err);
      reject(err);
    }, ms);
  });
  try {
    return await Promise.race([callInProgress.run(controller.signal, async () => call()), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** The abort signal of the call withinDeadline is running here, if any. */
export function callSignal(): AbortSignal | undefined {
  return callInProgress.getStore();
}

/**
 * A signal that aborts when any of `signals` does. Not AbortSignal.any (see above): each source
 * holds the combined signal through an ordinary listener, which a collection cannot break.
 */
export function eitherSignal(...signals: (AbortSignal | undefined)[]): AbortSignal {
  const combined = new AbortController();
  for (const s of signals) {
    if (s === undefined) continue;
    if (s.aborted) {
      combined.abort(s.reason);
      break;
    }
    s.addEventListener('abort', () => combined.abort(s.reason), { once: true });
  }
  return combined.signal;
}
