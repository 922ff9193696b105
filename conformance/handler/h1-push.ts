/** §1 Push dispatch: the task's URL and method (PUSH-1), redirects (PUSH-6), parallel deliveries (PUSH-3). */
import {
  allAccepted,
  describe,
  type HandlerCase,
  handlerExchanges,
  is2xx,
  is3xx,
  pass,
  warn,
} from '../../src/conform/kit.js';
import { ONE_ATTEMPT, retries, withQuery } from './helpers.js';

export const taskUrlWithQuery: HandlerCase = {
  id: 'H-1.1',
  title: "The task's own URL with a query string, method POST",
  rules: ['PUSH-1', 'HANDLER-6'],
  requirement:
    "PUSH-1: a task is delivered at the task's URL, method POST unless the task says otherwise; HANDLER-6: payload may arrive in the query string.",
  severity: 'required',
  async run(ctx) {
    const url = withQuery(ctx.path, 'tasksim-case=H-1.1&note=a%20b%26c');
    const run = await ctx.drive({
      tasks: [{ name: ctx.taskName(), url, method: 'POST', ...ctx.body('body and query') }],
      queue: ONE_ATTEMPT,
    });
    return allAccepted(run, `a 2xx to POST ${url}`);
  },
};

export const noRedirects: HandlerCase = {
  id: 'H-1.2',
  title: 'A valid task is not answered with a redirect',
  rules: ['PUSH-6', 'HANDLER-1'],
  requirement: 'PUSH-6: dispatch does not follow redirects: a 3xx response is a failure like any other non-2xx.',
  severity: 'recommended',
  async run(ctx) {
    // Two retries show the queue coming back to the same redirect instead of following it.
    const run = await ctx.drive({
      tasks: [{ name: ctx.taskName(), ...ctx.body('') }],
      queue: { retry: { taskRetryLimit: retries(ctx, 2) } },
    });
    const real = handlerExchanges(run);
    const expected = 'a 2xx answer: the queue does not follow redirects (PUSH-6)';
    const redirect = real.find((x) => is3xx(x.response));
    if (redirect) {
      return warn(
        expected,
        `${describe(redirect.response)}; the queue counts a 3xx as a failure and retries the task — ${real.length} deliveries here, ` +
          'and forever on a queue without retry limits (RETRY-1/2). Answer 2xx at this URL instead.',
      );
    }
    const first = real[0]?.response;
    if (first && is2xx(first)) return pass(expected, describe(first));
    return pass(expected, `no redirect (${first ? describe(first) : 'nothing delivered'}; see H-2.1)`);
  },
};

export const parallelDeliveries: HandlerCase = {
  id: 'H-1.3',
  title: 'Parallel deliveries up to max_concurrent_requests all succeed',
  rules: ['PUSH-3', 'HANDLER-1'],
  requirement:
    'PUSH-3: max_concurrent_requests caps the tasks in flight for the queue at once; up to that many arrive together.',
  severity: 'required',
  async run(ctx) {
    const n = ctx.concurrency;
    const tasks = Array.from({ length: n }, (_, i) => ({
      name: ctx.taskName(i + 1),
      ...ctx.body(`task ${i + 1} of ${n}`),
    }));
    // A bucket of n and a rate far above it: all n are due and dispatched at the same instant (PUSH-2/3).
    const run = await ctx.drive({
      tasks,
      queue: {
        ratePerSec: 1_000_000,
        rate: '1000000/s',
        bucketSize: n,
        maxConcurrentRequests: n,
        retry: { taskRetryLimit: 0 },
      },
    });
    const expected = `${n} deliveries at once (max_concurrent_requests ${n}), all 2xx`;
    const verdict = allAccepted(run, expected);
    if (verdict.status === 'pass')
      verdict.actual = `${handlerExchanges(run).length} deliveries, ${run.maxInFlight} in flight at once, all 2xx`;
    return verdict;
  },
};
