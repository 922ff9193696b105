/**
 * Where the sources disagree (SPEC §10): each reading a run may choose, the source behind it, and the profiles
 * that take it by default. Keys are the model's profile option fields; `name` and the reading values are what a
 * user writes (`--option retry-limit=attempts`, a scenario's `options:`). A test holds this list, the model's
 * option list and the profiles' defaults together.
 */
export type ProfileLabel = 'appengine' | 'cloud-tasks';

export interface Reading {
  /** The value's name, as a run selects it. */
  readonly value: string;
  readonly says: string;
  readonly source: string;
  /** The profiles whose default this reading is. */
  readonly defaultIn?: readonly ProfileLabel[];
}

export interface RuleOption {
  /** The option's name, as a run selects it. */
  readonly name: string;
  /** What the sources disagree about. */
  readonly question: string;
  readonly readings: readonly Reading[];
}

export const OPTIONS = {
  backoffLinearStep: {
    name: 'backoff-linear-step',
    question: 'the size of each linear step of the backoff once max_doublings is reached',
    readings: [
      { value: 'double', says: 'each step adds 2^D · min_backoff', source: 'SDK code and the Cloud Tasks documentation', defaultIn: ['appengine', 'cloud-tasks'] },
      { value: 'half', says: 'each step adds 2^(D−1) · min_backoff', source: 'an older legacy documentation page' },
    ],
  },
  handler503Counts: {
    name: 'handler-503',
    question: 'whether a 503 from the handler itself counts against the retry limit',
    readings: [
      { value: 'counted', says: 'an ordinary failure that counts, and also throttles the queue', source: 'production captures', defaultIn: ['appengine'] },
      { value: 'not-counted', says: 'retried without counting against the retry limit', source: 'a comment in the Cloud Tasks protos', defaultIn: ['cloud-tasks'] },
    ],
  },
  retryLimitMeans: {
    name: 'retry-limit',
    question: 'what the number N in task_retry_limit counts',
    readings: [
      { value: 'retries', says: 'N retries, so N+1 attempts in all', source: 'the legacy Task Queue documentation', defaultIn: ['appengine'] },
      { value: 'attempts', says: 'N attempts in all', source: "Cloud Tasks' maxAttempts", defaultIn: ['cloud-tasks'] },
    ],
  },
  ageFrom: {
    name: 'age-from',
    question: "the instant from which task_age_limit measures a task's age",
    readings: [
      { value: 'first-attempt', says: 'from the first attempt', source: "Google's local stubs and current documentation", defaultIn: ['appengine', 'cloud-tasks'] },
      { value: 'creation', says: 'from the moment the task was created', source: 'an old documentation page' },
    ],
  },
  deadlineCountsAsExecution: {
    name: 'deadline-execution',
    question: 'whether an attempt that missed its deadline counts in X-AppEngine-TaskExecutionCount',
    readings: [
      { value: 'not-counted', says: 'not counted; the next PreviousResponse is 0', source: 'production captures', defaultIn: ['appengine', 'cloud-tasks'] },
      { value: 'counted', says: 'counted, as a failure during the execution phase', source: "the legacy documentation's wording" },
    ],
  },
  executionCounts5xx: {
    name: 'execution-count-5xx',
    question: "whether a handler's 5xx answer counts in X-AppEngine-TaskExecutionCount",
    readings: [
      { value: 'counted', says: 'counted like any other failure the handler answered', source: 'the App Engine documentation of HDR-4', defaultIn: ['appengine'] },
      { value: 'left-out', says: 'left out, as are all 5xx answers', source: 'the Cloud Tasks documentation', defaultIn: ['cloud-tasks'] },
    ],
  },
  retryEtaHeader: {
    name: 'retry-eta-header',
    question: 'which ETA X-AppEngine-TaskETA carries on a retry',
    readings: [
      { value: 'retry', says: "the retry's own ETA", source: 'the Python stub', defaultIn: ['appengine', 'cloud-tasks'] },
      { value: 'original', says: "the task's original ETA", source: 'the Java stub' },
    ],
  },
} as const satisfies Record<string, RuleOption>;

export type OptionName = keyof typeof OPTIONS;

/** An option as the general shape, for code that walks every option alike. */
export function option(name: OptionName): RuleOption {
  return OPTIONS[name];
}
