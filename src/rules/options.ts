/**
 * Where the sources disagree (SPEC §10): each reading a run may choose, the source behind it, and the profiles
 * that take it by default. Keys are the model's profile option fields; `name` and the reading values are what a
 * user writes (`--option retry-limit=attempts`, a scenario's `options:`), and `sets` what the model's field then
 * holds. This is the one list of options: the model's (src/model/options.ts) is derived from it, and a test
 * holds it and the profiles' defaults together.
 */
import type { RuleId } from './catalog.js';

/** The model's option fields, one option each (spelled out: the rule catalog's types refer to it). */
export type OptionName =
  | 'backoffLinearStep'
  | 'handler503Counts'
  | 'retryLimitMeans'
  | 'ageFrom'
  | 'deadlineCountsAsExecution'
  | 'executionCounts5xx'
  | 'retryEtaHeader';

export type ProfileLabel = 'appengine' | 'cloud-tasks';

export interface Reading {
  /** The value's name, as a run selects it. */
  readonly value: string;
  /** What the model's option field holds under this reading. */
  readonly sets: string | boolean;
  readonly says: string;
  readonly source: string;
  /** The profiles whose default this reading is. */
  readonly defaultIn?: readonly ProfileLabel[];
}

export interface RuleOption {
  /** The option's name, as a run selects it. */
  readonly name: string;
  /** The rule that reads it (the model cites it when a value is refused). */
  readonly rule: RuleId;
  /** One line for `tasksim options`. */
  readonly description: string;
  /** What the sources disagree about. */
  readonly question: string;
  readonly readings: readonly Reading[];
}

export const OPTIONS = {
  backoffLinearStep: {
    name: 'backoff-linear-step',
    rule: 'RETRY-4',
    description:
      'growth per retry after max_doublings: 2^D·min (SDK, Cloud Tasks docs) or 2^(D−1)·min (an older legacy page)',
    question: 'the size of each linear step of the backoff once max_doublings is reached',
    readings: [
      {
        value: 'double',
        sets: 'double',
        says: 'each step adds 2^D · min_backoff',
        source: 'SDK code and the Cloud Tasks documentation',
        defaultIn: ['appengine', 'cloud-tasks'],
      },
      {
        value: 'half',
        sets: 'half',
        says: 'each step adds 2^(D−1) · min_backoff',
        source: 'an older legacy documentation page',
      },
    ],
  },
  handler503Counts: {
    name: 'handler-503',
    rule: 'HANDLER-3',
    description: "a handler's 503 counts against task_retry_limit (and throttles), or is retried without counting",
    question: 'whether a 503 from the handler itself counts against the retry limit',
    readings: [
      {
        value: 'counted',
        sets: true,
        says: 'an ordinary failure that counts, and also throttles the queue',
        source: 'production captures',
        defaultIn: ['appengine'],
      },
      {
        value: 'not-counted',
        sets: false,
        says: 'retried without counting against the retry limit',
        source: 'a comment in the Cloud Tasks protos',
        defaultIn: ['cloud-tasks'],
      },
    ],
  },
  retryLimitMeans: {
    name: 'retry-limit',
    rule: 'RETRY-1',
    description: 'task_retry_limit N means N retries, N+1 attempts (legacy), or N attempts (Cloud Tasks maxAttempts)',
    question: 'what the number N in task_retry_limit counts',
    readings: [
      {
        value: 'retries',
        sets: 'retries',
        says: 'N retries, so N+1 attempts in all',
        source: 'the legacy Task Queue documentation',
        defaultIn: ['appengine'],
      },
      {
        value: 'attempts',
        sets: 'attempts',
        says: 'N attempts in all',
        source: "Cloud Tasks' maxAttempts",
        defaultIn: ['cloud-tasks'],
      },
    ],
  },
  ageFrom: {
    name: 'age-from',
    rule: 'RETRY-2',
    description: "a task's age for task_age_limit counts from its first attempt, or from its creation (an old page)",
    question: "the instant from which task_age_limit measures a task's age",
    readings: [
      {
        value: 'first-attempt',
        sets: 'first-attempt',
        says: 'from the first attempt',
        source: "Google's local stubs and current documentation",
        defaultIn: ['appengine', 'cloud-tasks'],
      },
      {
        value: 'creation',
        sets: 'creation',
        says: 'from the moment the task was created',
        source: 'an old documentation page',
      },
    ],
  },
  deadlineCountsAsExecution: {
    name: 'deadline-execution',
    rule: 'HDR-4',
    description:
      'a missed deadline leaves ExecutionCount as it was (production captures), or counts as an execution (legacy wording)',
    question: 'whether an attempt that missed its deadline counts in X-AppEngine-TaskExecutionCount',
    readings: [
      {
        value: 'not-counted',
        sets: false,
        says: 'not counted; the next PreviousResponse is 0',
        source: 'production captures',
        defaultIn: ['appengine', 'cloud-tasks'],
      },
      {
        value: 'counted',
        sets: true,
        says: 'counted, as a failure during the execution phase',
        source: "the legacy documentation's wording",
      },
    ],
  },
  executionCounts5xx: {
    name: 'execution-count-5xx',
    rule: 'CT-5',
    description: "a handler's 5xx answer counts in ExecutionCount (App Engine), or is left out (Cloud Tasks)",
    question: "whether a handler's 5xx answer counts in X-AppEngine-TaskExecutionCount",
    readings: [
      {
        value: 'counted',
        sets: true,
        says: 'counted like any other failure the handler answered',
        source: 'the App Engine documentation of HDR-4',
        defaultIn: ['appengine'],
      },
      {
        value: 'left-out',
        sets: false,
        says: 'left out, as are all 5xx answers',
        source: 'the Cloud Tasks documentation',
        defaultIn: ['cloud-tasks'],
      },
    ],
  },
  retryEtaHeader: {
    name: 'retry-eta-header',
    rule: 'HDR-5',
    description:
      "X-AppEngine-TaskETA on a retry: the retry's ETA (Python stub), or the task's original ETA (Java stub)",
    question: 'which ETA X-AppEngine-TaskETA carries on a retry',
    readings: [
      {
        value: 'retry',
        sets: 'retry',
        says: "the retry's own ETA",
        source: 'the Python stub',
        defaultIn: ['appengine', 'cloud-tasks'],
      },
      { value: 'original', sets: 'original', says: "the task's original ETA", source: 'the Java stub' },
    ],
  },
} as const satisfies Record<OptionName, RuleOption>;

/** An option as the general shape, for code that walks every option alike. */
export function option(name: OptionName): RuleOption {
  return OPTIONS[name];
}
