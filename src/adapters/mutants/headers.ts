/** Mutants that send wrong X-AppEngine headers (HDR-3, HDR-4, HDR-6). */
import type { MutantParts } from './decorator.js';
import { withHeader } from './util.js';

/** HDR-3: RetryCount one too high on every retry (counts from the attempt, not from 0). */
export function retryCountOffByOne(): MutantParts {
  return {
    hooks: {
      request: (req, d) => (d.attempt > 1 ? withHeader(req, 'X-AppEngine-TaskRetryCount', String(d.attempt)) : req),
    },
  };
}

/** HDR-4: ExecutionCount also counts attempts that failed for lack of an instance (INST-2). */
export function executionCountCountsNoInstance(): MutantParts {
  const noInstance = new Map<number, number>();
  return {
    hooks: {
      reset: () => noInstance.clear(),
      observe: (ev) => {
        if (ev.e === 'response' && ev.out === 'no-instance') noInstance.set(ev.id, (noInstance.get(ev.id) ?? 0) + 1);
      },
      request: (req, d) => {
        const extra = noInstance.get(d.id) ?? 0;
        if (extra === 0) return req;
        return withHeader(
          req,
          'X-AppEngine-TaskExecutionCount',
          String(Number(req.headers['X-AppEngine-TaskExecutionCount']) + extra),
        );
      },
    },
  };
}

/** HDR-6: PreviousResponse always says 500, whatever the previous attempt got. */
export function previousResponseWrong(): MutantParts {
  return {
    hooks: {
      request: (req) =>
        req.headers['X-AppEngine-TaskPreviousResponse'] !== undefined
          ? withHeader(req, 'X-AppEngine-TaskPreviousResponse', '500')
          : req,
    },
  };
}
