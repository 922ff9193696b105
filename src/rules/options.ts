/**
 * Where the sources disagree (SPEC §10): each reading a run may choose, the source behind it, and the profiles
 * that take it by default. Keys are the names of the model's profile options, so the rulebook, `tasksim rules`
 * and `--option name=value` speak of the same thing; a test holds the two lists and their defaults together.
 */
export type ProfileLabel = 'appengine' | 'cloud-tasks';

export interface Reading {
  /** The option's value for this reading, as the model stores it. */
  readonly value: string | number | boolean;
  /** How the value reads for a person, when `value` alone does not say it (a duration in µs, say). */
  readonly label?: string;
  readonly says: string;
  readonly source: string;
  /** The profiles whose default this reading is. */
  readonly defaultIn?: readonly ProfileLabel[];
}

export interface RuleOption {
  /** What the sources disagree about. */
  readonly question: string;
  readonly readings: readonly Reading[];
  /** false while the model does not yet let a run choose: the rulebook names the readings all the same. */
  readonly selectable?: false;
}

const DAY_US = 86_400_000_000;
const HOUR_US = 3_600_000_000;

export const OPTIONS = {
  backoffLinearStep: {
    question: 'the size of each linear step of the backoff once max_doublings is reached',
    readings: [
      { value: 'double', label: '2^D · min', says: 'each step adds 2^D times min_backoff', source: 'SDK code and the Cloud Tasks documentation', defaultIn: ['appengine', 'cloud-tasks'] },
      { value: 'half', label: '2^(D−1) · min', says: 'each step adds 2^(D−1) times min_backoff', source: 'an older legacy documentation page' },
    ],
  },
  handler503Counts: {
    question: 'whether a 503 from the handler itself counts against the retry limit',
    readings: [
      { value: true, says: 'an ordinary failure that counts, and also throttles the queue', source: 'production captures', defaultIn: ['appengine'] },
      { value: false, says: 'retried without counting against the retry limit', source: 'a comment in the Cloud Tasks protos', defaultIn: ['cloud-tasks'] },
    ],
  },
  retryLimitMeans: {
    question: 'what the number N in task_retry_limit counts',
    readings: [
      { value: 'retries', says: 'N retries, so N+1 attempts in all', source: 'the legacy Task Queue documentation', defaultIn: ['appengine'] },
      { value: 'attempts', says: 'N attempts in all', source: "Cloud Tasks' maxAttempts", defaultIn: ['cloud-tasks'] },
    ],
  },
  ageFrom: {
    question: 'the instant from which task_age_limit measures a task\'s age',
    readings: [
      { value: 'first-attempt', says: 'from the first attempt', source: "Google's local stubs and current documentation", defaultIn: ['appengine', 'cloud-tasks'] },
      { value: 'creation', says: 'from the moment the task was created', source: 'an old documentation page' },
    ],
  },
  deadlineCountsAsExecution: {
    question: 'whether an attempt that missed its deadline counts in X-AppEngine-TaskExecutionCount',
    readings: [
      { value: false, says: 'not counted; the next PreviousResponse is 0', source: 'production captures', defaultIn: ['appengine', 'cloud-tasks'] },
      { value: true, says: 'counted, as a failure during the execution phase', source: 'the legacy documentation\'s wording' },
    ],
  },
  etaHeaderOnRetry: {
    question: 'which ETA X-AppEngine-TaskETA carries on a retry',
    selectable: false,
    readings: [
      { value: 'retry', says: "the retry's own ETA", source: 'the Python stub', defaultIn: ['appengine', 'cloud-tasks'] },
      { value: 'original', says: "the task's original ETA", source: 'the Java stub' },
    ],
  },
  tombstoneUs: {
    question: 'how long the name of a deleted or finished task stays unusable',
    readings: [
      { value: 9 * DAY_US, label: 'about 9 days', says: 'for queues configured by queue.yaml', source: 'the Task Queue documentation', defaultIn: ['appengine'] },
      { value: 1 * HOUR_US, label: 'about 1 hour', says: 'for queues created through Cloud Tasks', source: 'the Cloud Tasks documentation', defaultIn: ['cloud-tasks'] },
    ],
  },
} as const satisfies Record<string, RuleOption>;

export type OptionName = keyof typeof OPTIONS;

export function readingLabel(r: Reading): string {
  return r.label ?? String(r.value);
}

/** An option as the general shape, for code that walks every option alike. */
export function option(name: OptionName): RuleOption {
  return OPTIONS[name];
}
