/** §5 Deadlines (DEADLINE-1/2). */
import { describe, fail, type HandlerCase, handlerExchanges, pass } from '../../src/conform/kit.js';
import { ONE_ATTEMPT } from './helpers.js';

export const withinDeadline: HandlerCase = {
  id: 'H-5.1',
  title: 'An answer within the request deadline',
  rules: ['DEADLINE-1', 'DEADLINE-2'],
  requirement:
    'DEADLINE-1: a request must finish within 10 min (automatic), 24 h (basic, manual), 60 min (flexible); DEADLINE-2: a handler that misses it has failed and the task is retried.',
  severity: 'required',
  async run(ctx) {
    const run = await ctx.drive({ tasks: [{ name: ctx.taskName(), ...ctx.body('be quick') }], queue: ONE_ATTEMPT });
    const x = handlerExchanges(run)[0];
    const expected = `an answer within ${ctx.deadlineLabel}`;
    if (!x) return fail(expected, 'nothing was delivered (harness bug: please report)');
    if (x.response.outcome === 'deadline') {
      return fail(
        expected,
        `${describe(x.response)}; the queue counts the attempt as failed and retries the task (DEADLINE-2)`,
      );
    }
    return pass(expected, describe(x.response));
  },
};
