/** Mutants of retries and their end: backoff, limits, redelivery (RETRY-1/4/5, HANDLER-1). */
import type { PushRequest } from '../contract.js';
import type { MutantParts } from './decorator.js';
import { mapQueues, withHeader } from './util.js';

/** RETRY-4: the backoff keeps doubling up to max_backoff; the linear phase after max_doublings never comes. */
export function backoffWithoutLinearPhase(): MutantParts {
  return {
    hooks: { engineConfig: (config) => mapQueues(config, (q) => ({ ...q, retry: { ...q.retry, maxDoublings: 60 } })) },
  };
}

/** RETRY-1: one retry more than task_retry_limit allows. */
export function retryLimitOffByOne(): MutantParts {
  return {
    hooks: {
      engineConfig: (config) =>
        mapQueues(config, (q) =>
          q.mode === 'push' && q.retry.taskRetryLimit !== undefined
            ? { ...q, retry: { ...q.retry, taskRetryLimit: q.retry.taskRetryLimit + 1 } }
            : q,
        ),
    },
  };
}

/** RETRY-5: a task that exhausted its limits is delivered once more anyway. */
export function exhaustedRedelivered(): MutantParts {
  const last = new Map<number, PushRequest>();
  return {
    hooks: {
      reset: () => last.clear(),
      request: (req, d) => {
        last.set(d.id, req);
        return req;
      },
      observe: (ev, sendLater) => {
        const prev = ev.e === 'exhaust' && ev.rule === 'RETRY-5' ? last.get(ev.id) : undefined;
        if (prev) {
          const rc = String(Number(prev.headers['X-AppEngine-TaskRetryCount']) + 1);
          sendLater({ ...withHeader(prev, 'X-AppEngine-TaskRetryCount', rc), atUs: ev.t });
        }
      },
    },
  };
}

/** HANDLER-1 / INV-NODUP: every task that succeeded is delivered a second time (unmarked). */
export function redeliverAfterSuccess(): MutantParts {
  return { hooks: { serviceModel: (service) => ({ ...service, duplicateRate: 1 }) } };
}
