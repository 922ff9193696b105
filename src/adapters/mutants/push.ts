/** Mutants of push dispatch: rate, concurrency, ETA, pause, redirects (PUSH-2/3/4/6/8). */
import type { MutantParts } from './decorator.js';
import { mapQueues } from './util.js';

/** PUSH-2: the token bucket is ignored (a huge rate and bucket, except rate 0, which still pauses). */
export function rateIgnored(): MutantParts {
  return {
    hooks: {
      engineConfig: (config) =>
        mapQueues(config, (q) =>
          q.mode === 'push' && q.ratePerSec > 0 ? { ...q, ratePerSec: 1e6, bucketSize: 1e6 } : q,
        ),
    },
  };
}

/** PUSH-3: max_concurrent_requests is ignored. */
export function maxConcurrentIgnored(): MutantParts {
  return {
    hooks: {
      engineConfig: (config) =>
        mapQueues(config, (q) => {
          const { maxConcurrentRequests: _ignored, ...rest } = q;
          return rest;
        }),
    },
  };
}

/** PUSH-4: the task's ETA and countdown are ignored; everything is due at once. */
export function etaIgnored(): MutantParts {
  return {
    hooks: {
      task: (spec) => {
        const { etaUs: _e, countdownUs: _c, ...rest } = spec;
        return rest;
      },
    },
  };
}

/** PUSH-8: pausing a queue is acknowledged and does nothing. */
export function pauseIgnored(): MutantParts {
  return { calls: { pauseQueue: async () => ({ ok: true }) } };
}

/** PUSH-8: resuming a queue is acknowledged and does nothing: a paused queue stays paused. */
export function resumeIgnored(): MutantParts {
  return { calls: { resumeQueue: async () => ({ ok: true }) } };
}

/** PUSH-6: a 3xx counts as success, as if the redirect had been followed. */
export function redirectIsSuccess(): MutantParts {
  return {
    hooks: { result: (r, answer) => (answer.status >= 300 && answer.status < 400 ? { ...r, outcome: 'ok' } : r) },
  };
}
