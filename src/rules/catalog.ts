/**
 * Every rule of the contract, in SPEC order: the one place a rule is named. The text is ours, short enough to
 * print beside a verdict; SPEC remains the long form. `RuleId` is derived from the keys, so citing a rule that
 * does not exist is a type error wherever a RuleId is asked for.
 *
 * `options` are the §10 readings a run can choose for the rule; `waiver` says why a rule is, for now, neither
 * modelled, checked nor covered (the rule-coverage test accepts nothing else and flags a waiver that is no
 * longer needed); `aliases` are short forms the code already uses.
 */
import type { OptionName } from './options.js';

export interface RuleEntry {
  readonly title: string;
  readonly statement: string;
  readonly options?: readonly OptionName[];
  readonly waiver?: string;
  readonly aliases?: readonly string[];
}

export const RULES = {
  // §1 Push dispatch
  'PUSH-1': {
    title: 'One HTTP request per delivery',
    statement:
      "Each delivery of a push task is a single HTTP request to the worker service the task targets, sent to the task's URL (by default `/_ah/queue/<queue name>`) with the task's method, POST when none is given.",
  },
  'PUSH-2': {
    title: 'A token bucket per queue',
    statement:
      'Every push queue meters dispatches with its own token bucket. `rate` adds tokens per second, minute, hour or day (0 pauses the queue); `bucket_size` is how many tokens the bucket holds, so the largest burst. Unset, they are 5/s and 5.',
  },
  'PUSH-3': {
    title: 'max_concurrent_requests',
    statement:
      "`max_concurrent_requests` bounds how many of the queue's tasks may be in flight together; without it there is no bound.",
  },
  'PUSH-4': {
    title: 'Nothing before its ETA',
    statement:
      'A task is never dispatched before its ETA, given as an absolute `eta` or a relative `countdown`; an ETA more than 30 days ahead is refused.',
  },
  'PUSH-5': {
    title: 'ETA order, no exact timing',
    statement:
      "Due tasks go out in ETA order, but the service may be late: a rule may demand only 'not before the ETA' and a lateness the model bounds, never an exact instant.",
  },
  'PUSH-6': {
    title: 'Redirects are not followed',
    statement: 'The queue never follows a redirect: a 3xx answer is a failure, like any other status outside 2xx.',
  },
  'PUSH-7': {
    title: 'Requests come from 0.1.0.2',
    statement:
      'Deliveries come from the address 0.1.0.2 and are ordinary HTTP requests as far as the handler can tell.',
  },
  'PUSH-8': {
    title: 'Pause and resume',
    statement:
      'A paused queue (rate 0, or the paused state) sends nothing; once resumed it carries on with the tasks it still holds.',
  },

  // §2 The handler contract
  'HANDLER-1': {
    title: '2xx is success',
    statement:
      'A status from 200 to 299 means the task is done: it is deleted and not delivered again, apart from the rare duplicate of HANDLER-4.',
  },
  'HANDLER-2': {
    title: 'Anything else is a failure',
    statement: 'Any other status, a failed connection or a missed deadline is a failure, and the task is retried.',
  },
  'HANDLER-3': {
    title: 'A 503 slows the queue',
    statement:
      'A 503 also tells the queue to slow down: the platform answers 503 itself when no instance is free, so the queue lowers its delivery rate instead of only retrying. A handler that wants a plain retry should answer another non-2xx code.',
    options: ['handler503Counts'],
  },
  'HANDLER-4': {
    title: 'At least once, so idempotent',
    statement:
      'Every task that was added is delivered at least once, and now and then more than once, even after a 2xx. A handler must be idempotent: a repeated delivery of the same task must do no harm.',
  },
  'HANDLER-5': {
    title: 'Only the status code matters',
    statement:
      'The queue reads the status code alone; the body and headers of the answer are dropped and never reach the app that added the task.',
  },
  'HANDLER-6': {
    title: 'Payload in the body or the query',
    statement:
      'The payload arrives as the request body or in the query string; a body with no declared type is application/octet-stream.',
  },
  'HANDLER-7': {
    title: 'Admin-only handlers',
    statement:
      'A handler may require `login: admin`, which requests from the queue satisfy through X-AppEngine-QueueName. It cannot require `login: required`, because tasks run as no user.',
  },
  'HANDLER-8': {
    title: 'Refusing requests without queue headers',
    statement:
      'As the samples do, a handler may answer 400 to a request without X-AppEngine-TaskName, taking it for one that did not come from the queue. Off App Engine nothing strips forged headers, so there such a check proves nothing.',
  },

  // §3 Request headers
  'HDR-1': {
    title: 'X-AppEngine-QueueName',
    statement:
      'Every delivery carries X-AppEngine-QueueName, the name of its queue (`default` for the default push queue).',
  },
  'HDR-2': {
    title: 'X-AppEngine-TaskName',
    statement:
      "Every delivery carries X-AppEngine-TaskName: the task's own name or a unique one the system chose, the same on every delivery of that task.",
  },
  'HDR-3': {
    title: 'X-AppEngine-TaskRetryCount',
    statement:
      'X-AppEngine-TaskRetryCount is 0 on the first attempt and one more on each later attempt, counting also the attempts that never reached the handler because no instance was free.',
  },
  'HDR-4': {
    title: 'X-AppEngine-TaskExecutionCount',
    statement:
      'X-AppEngine-TaskExecutionCount counts the earlier attempts that reached the handler and got a non-2xx answer. No-instance failures, connection failures and (by default) missed deadlines are left out, so it never exceeds RetryCount; the gap is the number of attempts that never got that far.',
    options: ['deadlineCountsAsExecution', 'executionCounts5xx'],
  },
  'HDR-5': {
    title: 'X-AppEngine-TaskETA',
    statement:
      "X-AppEngine-TaskETA is the task's target time in seconds since the epoch, a decimal with any number of fractional digits (six, a float's shortest form, or none); a handler must accept every form. On a retry it carries the retry's ETA unless a run chooses the original one.",
    options: ['retryEtaHeader'],
  },
  'HDR-6': {
    title: 'X-AppEngine-TaskPreviousResponse',
    statement:
      'X-AppEngine-TaskPreviousResponse is the HTTP status of the previous attempt: absent on the first attempt, and 0 when the previous attempt got no status at all (no instance, a missed deadline, a connection failure).',
  },
  'HDR-7': {
    title: 'X-AppEngine-TaskRetryReason',
    statement:
      'X-AppEngine-TaskRetryReason may say why the task is retried. Production captures show `App Error` after a handler failure and `Instance Unavailable` (with PreviousResponse 0) after a missed deadline or a no-instance failure.',
  },
  'HDR-8': {
    title: 'X-AppEngine-FailFast',
    statement:
      'X-AppEngine-FailFast asks that the task fail at once, instead of waiting, when no running instance is free.',
  },
  'HDR-9': {
    title: 'Forged headers are stripped on App Engine only',
    statement:
      'App Engine removes these headers from requests coming from outside and sets its own (signed-in admins excepted); the development server does not, so there they can be forged.',
  },

  // §4 Retries and backoff
  'RETRY-1': {
    title: 'task_retry_limit',
    statement:
      '`task_retry_limit` is how many retries a task gets, N+1 attempts in all; when it is unset retries never stop.',
    options: ['retryLimitMeans'],
  },
  'RETRY-2': {
    title: 'task_age_limit',
    statement:
      '`task_age_limit` (a positive whole number of s, m, h or d) is the age, counted from the first attempt, past which a failed task is no longer retried; a failure at exactly the limit is still retried. With both limits set, retrying stops only once both are passed.',
    options: ['ageFrom'],
  },
  'RETRY-3': {
    title: 'Backoff bounds and their defaults',
    statement:
      '`min_backoff_seconds` defaults to 0.1, `max_backoff_seconds` to 3600 and `max_doublings` to 16. When only one bound is set and it crosses the default of the other, the other moves with it.',
  },
  'RETRY-4': {
    title: 'The backoff formula',
    statement:
      'The wait before retry n is `min(max_backoff, min_backoff · 2^min(n−1, D) · max(1, n−D))` with D = max_doublings: it doubles D times, then grows in equal steps up to max_backoff, and the retry is due that long after the failed response. The exponent stops at 1023, so every wait is finite and lies between min and max.',
    options: ['backoffLinearStep'],
  },
  'RETRY-5': {
    title: 'An exhausted task is deleted',
    statement: 'A task that has used up its limits is deleted and never delivered again.',
  },

  // §5 Instances, 503 throttling, deadlines
  'INST-1': {
    title: 'Scaling types',
    statement:
      'The target service scales automatically, basically or manually (standard environment), or runs in the flexible environment.',
  },
  'INST-2': {
    title: 'No instance: fail and throttle',
    statement:
      'When no instance can take a request, the attempt fails before it reaches the handler (RetryCount counts it, ExecutionCount does not) and the queue lowers its effective rate, raising it again as requests succeed.',
  },
  'INST-3': {
    title: 'Waiting for a free instance',
    statement:
      "Without FailFast, a request that finds every running instance busy waits for one to free up or to start (within the instance limit) for at most the service's pending latency, 10 s by default, and only then fails as in INST-2. With FailFast it fails at once if no existing instance is free. Busy instances alone are not an outage.",
  },
  'DEADLINE-1': {
    title: 'The deadline follows the scaling type',
    statement:
      'A request must finish within 10 minutes under automatic scaling, 24 hours under basic or manual scaling, and 60 minutes in the flexible environment.',
  },
  'DEADLINE-2': {
    title: 'A missed deadline is a failure',
    statement:
      'A handler that runs past its deadline has failed, and the task is retried. (The Python runtime raised DeadlineExceededError just before the limit so that work could be saved.)',
  },

  // §6 Tasks, names, sizes
  'TASK-1': {
    title: 'Name grammar',
    statement: 'Task names match `^[a-zA-Z0-9_-]{1,500}$` and queue names `^[a-zA-Z0-9-]{1,100}$`.',
  },
  'TASK-2': {
    title: 'A name is used once',
    statement:
      "A named task can be added once: adding the name again fails with 'already exists' while the task lives, and with 'tombstoned' for a while after it was deleted or finished (about 9 days for queue.yaml queues, about an hour for queues created through Cloud Tasks; the profile sets which).",
  },
  'TASK-3': {
    title: 'Size limits',
    statement:
      'A push task may be 100 KiB and a pull task 1 MiB, counting payload, URL and headers together; one add call takes at most 100 tasks; a URL is at most 2083 characters and a tag at most 500 bytes.',
  },
  'TASK-4': {
    title: 'Adding is fire and forget',
    statement: 'Adding a task is asynchronous: the app that adds it is never told whether the task succeeded.',
  },

  // §7 Pull queues
  'PULL-1': {
    title: 'Workers lease, the queue never dispatches',
    statement: 'A pull queue sends nothing; workers lease its tasks. Leasing from a push queue is an error.',
  },
  'PULL-2': {
    title: 'Lease bounds and the end of a lease',
    statement:
      'A lease call asks for 1 to 1000 tasks for more than 0 and at most 604800 seconds (a week). A lease ends at its last microsecond: at the instant `until` the task is leasable again and the lease can no longer be changed.',
  },
  'PULL-3': {
    title: 'A lease is exclusive',
    statement: 'While leased, a task is hidden from every other lease until its lease expires or is released.',
  },
  'PULL-4': {
    title: 'An expired lease frees the task',
    statement: 'A task whose lease runs out before it is deleted can be leased again, by any worker.',
  },
  'PULL-5': {
    title: 'Modifying a lease',
    statement:
      '`modify_task_lease` sets a new lease counted from now, and 0 releases the task at once. Modifying a lease that has already expired is an error.',
  },
  'PULL-6': {
    title: 'Leasing by tag',
    statement:
      '`lease_tasks_by_tag` leases only tasks with the given tag; given no tag, it takes the tag of the oldest (earliest-ETA) task available.',
  },
  'PULL-7': {
    title: 'Delete is final',
    statement: '`delete_tasks` removes tasks for good; a deleted task is never leased again.',
  },
  'PULL-8': {
    title: 'Leasable after a short delay',
    statement: 'A task just added may take a moment before it can be leased.',
  },
  'PULL-9': {
    title: 'Ten lease calls per second',
    statement:
      "Only the first 10 LeaseTasks calls on a queue in each whole second of the queue's clock return tasks; the others succeed with none. Leasing may also fail now and then (TransientError, DeadlineExceededError); workers back off on errors and on empty answers.",
  },
  'PULL-10': {
    title: 'A lease is an attempt',
    statement:
      'Each lease counts as an attempt: with task_retry_limit N a task is deleted instead of being leased an (N+1)-th time, and with N = 0 at the first lease call that would take it. The both-limits rule of RETRY-2 holds too, with the age counted from the first lease.',
    options: ['retryLimitMeans'],
  },

  // §8 queue.yaml
  'CFG-1': {
    title: 'The real queue.yaml',
    statement:
      'Queues are configured in the real queue.yaml format: a `queue:` list of name, mode (push or pull), rate, bucket_size, max_concurrent_requests, target and retry_parameters (task_retry_limit, task_age_limit, min_backoff_seconds, max_backoff_seconds, max_doublings). A rate matches `^(0|[0-9]+(\\.[0-9]*)?/[smhd])$`.',
  },
  'CFG-2': {
    title: 'The default queue',
    statement: 'A push queue named `default` exists without any configuration, at 5/s with a bucket of 5.',
  },
  'CFG-3': {
    title: 'Refusals that say what is wrong',
    statement: 'Invalid configuration is refused with a message naming the queue, the field and the rule it breaks.',
  },

  // §9 The invariants
  'INV-ALO': {
    title: 'Nothing is lost',
    statement:
      'Every added task that the user did not delete and that was not exhausted under RETRY-5 is in the end delivered with a 2xx (push) or deleted after a lease (pull).',
  },
  'INV-NODUP-AFTER-DELETE': {
    title: 'Nothing after the end',
    statement:
      'No task is delivered or leased after it was deleted or exhausted. A redelivery after a 2xx is allowed only as a rare duplicate, and is reported (HANDLER-4).',
    aliases: ['INV-NODUP'],
  },
  'INV-HDR': {
    title: 'The headers of every delivery',
    statement:
      'Every delivery obeys HDR-1 to HDR-6: each header present and well formed, RetryCount one less than the attempt number, ExecutionCount the number of earlier failures that reached the handler, PreviousResponse the status of the attempt before.',
  },
  'INV-ETA': {
    title: 'Never early, retries exactly on time',
    statement:
      'No attempt is made before its ETA, and every retry is due exactly the RETRY-4 delay after the failed response.',
  },
  'INV-RATE': {
    title: 'Within the bucket and the cap',
    statement:
      'In any window, dispatches stay within what the token bucket allows at the configured rate (throttling may lower the rate, never raise it above the configuration), and requests in flight never exceed max_concurrent_requests.',
  },
  'INV-OUTCOME': {
    title: 'Outcomes agree with statuses',
    statement:
      "Each response's outcome agrees with its status (2xx success, anything else failure, PUSH-6), and a lease call returns at most max_tasks tasks, each one available: due, not leased, with the tag asked for (PULL-2/3/6/8).",
  },
  'INV-LIMITS': {
    title: 'Attempts stop exactly on time',
    statement: 'Attempts stop exactly when RETRY-1 and RETRY-2 say: not one attempt early, not one late.',
  },
  'INV-LEASE': {
    title: 'One holder at a time',
    statement:
      'No task is held by two leases at once, an expired lease frees its task, and the lease-call rate cap holds.',
  },
  'INV-DEADLINE': {
    title: 'Late is failed',
    statement: 'A request that runs past its deadline is counted as a failure.',
  },
  'INV-DET': {
    title: 'Same seed, same trace',
    statement:
      'The same seed and the same inputs give the same trace, byte for byte; the hash of the trace is the proof.',
  },

  // §11 The Cloud Tasks API
  'CT-1': {
    title: 'Queue fields',
    statement:
      'Cloud Tasks queues carry the same rules under other names: rateLimits.maxDispatchesPerSecond is the rate (at most 500), maxBurstSize the bucket size (derived from the rate, output only), maxConcurrentDispatches the concurrency cap (default 1000, at most 5000); retryConfig.maxAttempts counts attempts in all (-1 for no limit), maxRetryDuration is the age limit (0 for none), and minBackoff, maxBackoff and maxDoublings are those of RETRY-3/4. A queue is RUNNING, PAUSED or DISABLED.',
    options: ['retryLimitMeans'],
  },
  'CT-2': {
    title: 'Task targets and their headers',
    statement:
      'A task is an appEngineHttpRequest (`X-AppEngine-*` headers, routed to a service, version, instance or host) or an httpRequest to any URL, whose headers are the same ones named `X-CloudTasks-*`. scheduleTime is the ETA; dispatchDeadline bounds one attempt (15 s to 30 min for HTTP targets, 10 min by default; App Engine targets as DEADLINE-1).',
  },
  'CT-3': {
    title: 'What a task remembers of its attempts',
    statement:
      'A task records dispatchCount, responseCount, firstAttempt and lastAttempt (schedule, dispatch and response times, and the response status); GetTask shows them, and view FULL adds the request body.',
  },
  'CT-4': {
    title: 'RunTask and the queue operations',
    statement:
      'RunTask dispatches a task now, whatever its schedule, the rate or a pause, in place of its pending dispatch: one call, one attempt. PurgeQueue deletes every task, PauseQueue and ResumeQueue act as PUSH-8, and DeleteQueue removes the queue with its tasks.',
  },
  'CT-5': {
    title: '429, 503 and Retry-After',
    statement:
      'A 429 or a 503 from the handler slows the queue (HANDLER-3, INST-2), and a Retry-After header on it sets the earliest next attempt. Cloud Tasks leaves every 5xx answer out of ExecutionCount, and the cloud-tasks profile counts the same way.',
    options: ['handler503Counts', 'executionCounts5xx'],
  },
  'CT-6': {
    title: 'Task names and error codes',
    statement:
      'Task names read `projects/P/locations/L/queues/Q/tasks/T` and can be reused only after their tombstone has passed (TASK-2). Errors are gRPC codes: ALREADY_EXISTS, NOT_FOUND, FAILED_PRECONDITION (RunTask on a paused or disabled queue) and INVALID_ARGUMENT.',
  },
  'CT-7': {
    title: 'Pull queues in v2beta2',
    statement:
      'LeaseTasks (leaseDuration, maxTasks, a `tag=…` or `oldest_tag()` filter), AcknowledgeTask, RenewLease and CancelLease map onto PULL-2 to PULL-10; the scheduleTime of a lease proves who holds it.',
  },
} as const satisfies Record<string, RuleEntry>;

export type RuleId = keyof typeof RULES;
