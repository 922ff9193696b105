/** §2 HANDLER-6 and §6 TASK-3: every payload form the queue sends. */
import {
  allAccepted,
  byteLength,
  defaultTaskUrl,
  fail,
  type HandlerCase,
  handlerExchanges,
  LIMITS,
} from '../../src/conform/kit.js';
import { ONE_ATTEMPT, binaryPayload, headerOf, withQuery } from './helpers.js';

export const emptyPayload: HandlerCase = {
  id: 'H-2.5',
  title: 'An empty payload',
  rules: ['HANDLER-6'],
  requirement: 'HANDLER-6: payload arrives as the request body (here: none) or as the query string.',
  severity: 'required',
  async run(ctx) {
    const run = await ctx.drive({ tasks: [{ name: ctx.taskName() }], queue: ONE_ATTEMPT });
    return allAccepted(run, 'a 2xx to a POST with an empty body');
  },
};

export const textPayload: HandlerCase = {
  id: 'H-2.6',
  title: "A UTF-8 text payload with the task's own Content-Type",
  rules: ['HANDLER-6'],
  requirement: 'HANDLER-6: payload arrives as the request body, with the Content-Type the task set.',
  severity: 'required',
  async run(ctx) {
    const run = await ctx.drive({
      tasks: [
        {
          name: ctx.taskName(),
          payload: 'Grüße, 世界 — tasksim H-2.6\n',
          headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        },
      ],
      queue: ONE_ATTEMPT,
    });
    return allAccepted(run, 'a 2xx to a text/plain; charset=utf-8 body');
  },
};

export const binaryPayloadCase: HandlerCase = {
  id: 'H-2.7',
  title: 'A binary payload with the default Content-Type application/octet-stream',
  rules: ['HANDLER-6'],
  requirement: 'HANDLER-6: the default Content-Type of a body is application/octet-stream.',
  severity: 'required',
  async run(ctx) {
    const run = await ctx.drive({
      tasks: [{ name: ctx.taskName(), payload: binaryPayload(1024, ctx.seed) }],
      queue: ONE_ATTEMPT,
    });
    const expected = 'a 2xx to 1 KiB of binary (every byte value, not UTF-8) as application/octet-stream';
    const sent = handlerExchanges(run)[0];
    const type = sent && headerOf(sent.delivery.headers, 'Content-Type');
    if (sent && type !== 'application/octet-stream')
      return fail(expected, `harness error (please report): Content-Type sent was ${type}`);
    return allAccepted(run, expected);
  },
};

export const largestPayload: HandlerCase = {
  id: 'H-2.8',
  title: 'The largest payload: 100 KiB with the task URL, the push task limit',
  rules: ['TASK-3', 'HANDLER-6'],
  requirement:
    'TASK-3: a push task is at most 100 KiB, counting payload, URL and headers; a handler must take a task of exactly that size.',
  severity: 'required',
  async run(ctx) {
    // TASK-3 counts the URL too: the default queue's "/_ah/queue/default" leaves 102400 − 18 bytes of payload.
    const bytes = LIMITS.pushTaskBytes - byteLength(defaultTaskUrl('default'));
    const run = await ctx.drive({
      tasks: [{ name: ctx.taskName(), payload: binaryPayload(bytes, ctx.seed) }],
      queue: ONE_ATTEMPT,
    });
    return allAccepted(run, `a 2xx to a ${bytes}-byte binary body`);
  },
};

export const queryPayload: HandlerCase = {
  id: 'H-2.9',
  title: 'A payload in the query string of a GET task',
  rules: ['HANDLER-6', 'PUSH-1'],
  requirement:
    'HANDLER-6: payload arrives as the request body or as the query string; PUSH-1: the method is POST unless the task says otherwise.',
  severity: 'recommended',
  // Only an app that creates GET tasks receives them: a POST-only handler may refuse GET.
  assumes: { methods: ['GET'] },
  async run(ctx) {
    const url = withQuery(ctx.path, 'tasksim-case=H-2.9&payload=hello%20world&n=42');
    const run = await ctx.drive({ tasks: [{ name: ctx.taskName(), method: 'GET', url }], queue: ONE_ATTEMPT });
    return allAccepted(run, `a 2xx to GET ${url} (no body)`);
  },
};
