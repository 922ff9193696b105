/** §2 The handler contract: success (HANDLER-1/5), retries (HANDLER-2), 503 (HANDLER-3), duplicates (HANDLER-4). */
import {
  allAccepted,
  backoffFacts,
  consequence,
  describe,
  fail,
  failureRules,
  formatDuration,
  type HandlerCase,
  handlerExchanges,
  is2xx,
  pass,
  scriptedStatus,
  sentHeaderFacts,
  US_PER_S,
  warn,
} from '../../src/conform/kit.js';
import { ONE_ATTEMPT, retries } from './helpers.js';

export const validTask: HandlerCase = {
  id: 'H-2.1',
  title: 'A valid task is answered 2xx (any body)',
  rules: ['HANDLER-1', 'HANDLER-5'],
  requirement:
    'HANDLER-1: status 200–299 means success and the task is deleted; HANDLER-5: the queue reads only the status code.',
  severity: 'required',
  async run(ctx) {
    const run = await ctx.drive({
      tasks: [{ name: ctx.taskName(), ...ctx.body('{"tasksim":"H-2.1"}') }],
      queue: ONE_ATTEMPT,
    });
    const v = allAccepted(run, 'a 2xx status; the body may be anything (it is discarded)');
    const r = handlerExchanges(run)[0]?.response;
    if (v.status === 'pass' && r?.bodyBytes && !r.detail) v.actual += ` (${r.bodyBytes} body bytes, discarded)`;
    return v;
  },
};

export const retryCycle: HandlerCase = {
  id: 'H-2.2',
  title: 'Retried deliveries are accepted until the task succeeds',
  rules: ['HANDLER-2', 'HDR-3', 'HDR-4', 'HDR-6', 'HDR-7', 'RETRY-4'],
  requirement:
    "HANDLER-2: any failure is retried; each retry carries RetryCount = attempt − 1, ExecutionCount, PreviousResponse (HDR-3/4/6) and comes after RETRY-4's backoff.",
  severity: 'required',
  async run(ctx) {
    // The engine drives the whole cycle. Attempt 1 fails with an injected 500 (App Error); attempt 2
    // meets an outage (no instance, INST-2); attempt 3 on reach the handler, in warped time.
    const run = await ctx.drive({
      tasks: [{ name: ctx.taskName(), ...ctx.body('retry me') }],
      queue: {
        retry: {
          taskRetryLimit: retries(ctx, 6),
          minBackoffUs: 10 * US_PER_S,
          maxBackoffUs: 300 * US_PER_S,
          maxDoublings: 3,
        },
      },
      service: { outages: [{ startUs: 5 * US_PER_S, endUs: 15 * US_PER_S }] },
      inject: (d) => (d.attempt === 1 ? scriptedStatus(500) : undefined),
    });
    const headers = sentHeaderFacts(run);
    const backoff = backoffFacts(run);
    const real = handlerExchanges(run);
    const expected =
      `a 2xx to a retried delivery (${headers.lines[0] ?? 'attempt 3 with RetryCount 2, ExecutionCount 1, PreviousResponse 0'}), ` +
      'after RETRY-4 backoff in virtual time';
    const harness = [...headers.problems, ...backoff.problems];
    if (harness.length > 0) return fail(expected, `harness error (please report): ${harness.join('; ')}`);
    const ok = real.find((x) => is2xx(x.response));
    const warp = `${formatDuration(run.virtualUs)} of virtual time in ${Math.round(run.realMs)}ms real; backoff ${backoff.delays.join(', ')}`;
    if (!ok) {
      const first = real[0];
      if (!first) return fail(expected, `harness error (please report): nothing reached the handler (${run.end})`);
      const last = real[real.length - 1];
      const more =
        real.length > 1
          ? `; ${real.length - 1} more retries refused too (last: ${headers.lines[real.length - 1]} → ${describe(last.response)})`
          : '';
      const exhausted = run.events.some((e) => e.e === 'exhaust');
      const after = exhausted
        ? `after ${last.delivery.attempt} attempts the queue gave up and deleted the task (RETRY-5)`
        : consequence(last.response);
      return fail(
        expected,
        `${headers.lines[0]} → ${describe(first.response)}${more}; ${after}`,
        failureRules(first.response, ['HDR-3', 'HANDLER-2']),
      );
    }
    const accepted = headers.lines[real.indexOf(ok)];
    const actual = `${accepted} → ${describe(ok.response)}; ${warp}`;
    if (real.some((x) => x.response.status === 503)) {
      return warn('retries asked for with a code other than 503', `answered 503 on the way; ${actual}`, ['HANDLER-3']);
    }
    return pass(expected, actual);
  },
};

export const no503: HandlerCase = {
  id: 'H-2.3',
  title: 'A retry is asked for with a code other than 503',
  rules: ['HANDLER-3'],
  requirement:
    'HANDLER-3: the platform answers 503 when no instance is available and the queue then slows delivery; a handler that wants a retry should use a code other than 2xx or 503.',
  severity: 'recommended',
  async run(ctx) {
    const run = await ctx.drive({
      tasks: [{ name: ctx.taskName(), ...ctx.body('') }],
      queue: { retry: { taskRetryLimit: retries(ctx, 1) } },
    });
    const real = handlerExchanges(run);
    const expected = '2xx for success, or a code other than 503 (e.g. 500) to ask for a retry';
    const x503 = real.find((x) => x.response.status === 503);
    if (x503) {
      const rates = run.events.filter((e) => e.e === 'rate').map((e) => (e as { rate: number }).rate);
      const throttled = rates.length
        ? `; the queue throttled its dispatch rate to ${rates[rates.length - 1]}/s (INST-2)`
        : '';
      return warn(
        expected,
        `answered 503: the queue reads it as "no instance available" and slows the whole queue${throttled}. ` +
          'Use a code other than 2xx or 503 to ask for a retry.',
      );
    }
    return pass(expected, real[0] ? describe(real[0].response) : 'nothing delivered');
  },
};

export const duplicateDelivery: HandlerCase = {
  id: 'H-2.4',
  title: 'A duplicate delivery of a completed task is answered 2xx',
  rules: ['HANDLER-4'],
  requirement:
    'HANDLER-4: in rare cases a task is delivered more than once, even after a 2xx; handlers must be idempotent: a second delivery must cause no harmful side effect.',
  severity: 'required',
  async run(ctx) {
    // duplicateRate 1: the engine delivers the task once more after its 2xx, with the same headers.
    const run = await ctx.drive({
      tasks: [{ name: ctx.taskName(), ...ctx.body('deliver me twice') }],
      queue: ONE_ATTEMPT,
      service: { duplicateRate: 1 },
    });
    const real = handlerExchanges(run);
    const first = real.find((x) => !x.delivery.duplicate);
    const dup = real.find((x) => x.delivery.duplicate);
    const expected = 'a 2xx to the first delivery and again to its duplicate (same TaskName)';
    if (!first || !is2xx(first.response)) {
      return fail(
        expected,
        `the first delivery was not accepted (${first ? describe(first.response) : 'nothing delivered'}), so no duplicate was sent`,
        first ? failureRules(first.response, ['HANDLER-1']) : ['HANDLER-1'],
      );
    }
    if (!dup) return fail(expected, 'harness error (please report): the engine sent no duplicate');
    if (!is2xx(dup.response)) {
      return fail(
        expected,
        `first: ${describe(first.response)}; duplicate: ${describe(dup.response)} — a task that already succeeded must be accepted again (idempotent by TaskName)`,
        failureRules(dup.response),
      );
    }
    return pass(expected, `first: ${describe(first.response)}; duplicate: ${describe(dup.response)}`);
  },
};
