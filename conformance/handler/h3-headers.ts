/** §3 Request headers: every header form the queue sends (HDR-1…8). */
import {
  allAccepted,
  DEFAULT_EPOCH_US,
  fail,
  formatEpochSeconds,
  type HandlerCase,
  handlerExchanges,
  HEADER,
  scriptedStatus,
  sentHeaderFacts,
  US_PER_D,
  US_PER_S,
} from '../../src/conform/kit.js';
import { ONE_ATTEMPT, headerOf, retries } from './helpers.js';

export const firstAttempt: HandlerCase = {
  id: 'H-3.1',
  title: 'First-attempt headers, with a task name the queue chose',
  rules: ['HDR-1', 'HDR-2', 'HDR-3', 'HDR-4', 'HDR-5'],
  requirement:
    "HDR-1…5: QueueName, TaskName (the task's name or a system-generated id), RetryCount 0, ExecutionCount 0 and ETA on every delivery.",
  severity: 'required',
  async run(ctx) {
    const run = await ctx.drive({ tasks: [{ ...ctx.body('unnamed task') }], queue: ONE_ATTEMPT });
    const sent = handlerExchanges(run)[0]?.delivery;
    return allAccepted(
      run,
      `a 2xx to a first attempt (TaskName ${sent?.name ?? 'auto-…'}, RetryCount 0, ExecutionCount 0, no PreviousResponse)`,
    );
  },
};

/** A retried delivery's headers, checked against the trace; the verdict is the handler's answer to it. */
function retriedVerdict(run: Parameters<typeof sentHeaderFacts>[0], expectedForm: string) {
  const facts = sentHeaderFacts(run);
  const expected = `a 2xx to a retried delivery: ${facts.lines[0] ?? expectedForm}`;
  if (facts.problems.length) return fail(expected, `harness error (please report): ${facts.problems.join('; ')}`);
  return allAccepted(run, expected, ['HDR-3']);
}

export const retryAfterAppError: HandlerCase = {
  id: 'H-3.2',
  title: 'A retry after an application error (PreviousResponse 500, RetryReason App Error)',
  rules: ['HDR-3', 'HDR-4', 'HDR-6', 'HDR-7'],
  requirement:
    'HDR-3/4/6/7: a retry carries RetryCount ≥ 1, ExecutionCount of earlier handler failures, PreviousResponse and RetryReason.',
  severity: 'required',
  async run(ctx) {
    const run = await ctx.drive({
      tasks: [{ name: ctx.taskName(), ...ctx.body('third time lucky') }],
      queue: { retry: { taskRetryLimit: retries(ctx, 2) } },
      inject: (d) => (d.attempt <= 2 ? scriptedStatus(500) : undefined),
    });
    return retriedVerdict(
      run,
      'attempt 3 with RetryCount 2, ExecutionCount 2, PreviousResponse 500, RetryReason App Error',
    );
  },
};

export const retryAfterNoInstance: HandlerCase = {
  id: 'H-3.3',
  title: 'A retry after no instance was available (ExecutionCount < RetryCount, PreviousResponse 0)',
  rules: ['HDR-3', 'HDR-4', 'HDR-6', 'HDR-7', 'INST-2'],
  requirement:
    'HDR-4: attempts that failed for lack of an instance count in RetryCount but not in ExecutionCount (INST-2).',
  severity: 'required',
  async run(ctx) {
    // An outage for the first second: attempts at 0, 0.1, 0.3 and 0.7 s fail before the handler.
    const run = await ctx.drive({
      tasks: [{ name: ctx.taskName(), ...ctx.body('after an outage') }],
      queue: { retry: { taskRetryLimit: retries(ctx, 4) } },
      service: { outages: [{ startUs: 0, endUs: 1 * US_PER_S }] },
    });
    return retriedVerdict(
      run,
      'attempt 5 with RetryCount 4, ExecutionCount 0, PreviousResponse 0, RetryReason Instance Unavailable',
    );
  },
};

export const failFast: HandlerCase = {
  id: 'H-3.4',
  title: 'The FailFast header',
  rules: ['HDR-8', 'INST-3'],
  requirement: 'HDR-8: X-AppEngine-FailFast may be present: the task fails at once if no existing instance is free.',
  severity: 'required',
  assumes: { methods: ['POST'], target: 'appengine' },
  async run(ctx) {
    const run = await ctx.drive({
      tasks: [{ name: ctx.taskName(), failFast: true, ...ctx.body('') }],
      queue: ONE_ATTEMPT,
    });
    const sent = handlerExchanges(run)[0]?.delivery;
    const expected = `a 2xx to a delivery with ${HEADER.failFast}: true`;
    if (sent && headerOf(sent.headers, HEADER.failFast) !== 'true')
      return fail(expected, 'harness error (please report): FailFast was not sent');
    return allAccepted(run, expected);
  },
};

export const futureEta: HandlerCase = {
  id: 'H-3.5',
  title: 'An ETA days ahead, with microseconds',
  rules: ['HDR-5', 'PUSH-4'],
  requirement:
    'HDR-5: X-AppEngine-TaskETA is seconds since the epoch as a decimal (six fractional digits); PUSH-4: not dispatched before its ETA.',
  severity: 'required',
  async run(ctx) {
    const countdownUs = 2 * US_PER_D + 123_456;
    const run = await ctx.drive({
      tasks: [{ name: ctx.taskName(), countdownUs, ...ctx.body('') }],
      queue: ONE_ATTEMPT,
    });
    const eta = formatEpochSeconds(DEFAULT_EPOCH_US + countdownUs);
    const v = allAccepted(run, `a 2xx to a delivery with ${HEADER.eta}: ${eta}`);
    if (v.status === 'pass') v.actual += ` (2 days of ETA skipped in ${Math.round(run.realMs)}ms real)`;
    return v;
  },
};

const NAME_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-';

export const longestName: HandlerCase = {
  id: 'H-3.6',
  title: 'The longest task name (500 characters)',
  rules: ['HDR-2', 'TASK-1'],
  requirement: 'TASK-1: a task name matches ^[a-zA-Z0-9_-]{1,500}$; HDR-2 carries it on every delivery.',
  severity: 'required',
  async run(ctx) {
    let name = ctx.taskName('');
    for (let i = 0; name.length < 500; i++) name += NAME_CHARS[(i * 7 + ctx.seed) % NAME_CHARS.length];
    const run = await ctx.drive({ tasks: [{ name, ...ctx.body('') }], queue: ONE_ATTEMPT });
    return allAccepted(run, `a 2xx to a delivery with a ${name.length}-character ${HEADER.taskName}`);
  },
};

export const otherQueue: HandlerCase = {
  id: 'H-3.7',
  title: 'A task from a queue other than default',
  rules: ['HDR-1'],
  requirement: "HDR-1: X-AppEngine-QueueName is the queue's name (`default` only for the default push queue).",
  severity: 'recommended',
  async run(ctx) {
    const run = await ctx.drive({
      tasks: [{ name: ctx.taskName(), ...ctx.body('') }],
      queue: { name: 'tasksim-conform-2', retry: { taskRetryLimit: 0 } },
    });
    return allAccepted(run, `a 2xx to a delivery with ${HEADER.queueName}: tasksim-conform-2`);
  },
};
