import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  defaultConfig,
  formatIssue,
  loadQueueYaml,
  parseQueueYaml,
  queueConfigFromObject,
  type ConfigIssue,
  type ReadOptions,
} from '../../src/model/queue-yaml.js';
import { PROFILES, SCALING_DEADLINE_US } from '../../src/model/profiles.js';
import { US_PER_D, US_PER_H, US_PER_M, US_PER_S } from '../../src/sim/time.js';

/** The issues a bad input raises; fails the test if it does not raise a ConfigError. */
function issuesOf(text: string, opts: ReadOptions = { file: 'queue.yaml' }): ConfigIssue[] {
  try {
    parseQueueYaml(text, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

function queue(text: string, name: string, opts?: ReadOptions) {
  const q = parseQueueYaml(text, opts).queues.find((x) => x.name === name);
  expect(q).toBeDefined();
  return q!;
}

const DEFAULT_RETRY = { minBackoffUs: 100_000, maxBackoffUs: 3600 * US_PER_S, maxDoublings: 16 };

describe('defaults (CFG-2)', () => {
  it('an empty file gives just the default push queue: 5/s, bucket 5, retry defaults', () => {
    for (const text of ['', '# nothing here\n', 'queue:\n']) {
      const c = parseQueueYaml(text);
      expect(c.queues).toEqual([
        { name: 'default', mode: 'push', ratePerSec: 5, rate: '5/s', bucketSize: 5, retry: DEFAULT_RETRY },
      ]);
      expect(c.profile).toBe('appengine');
      expect(c.scaling).toBe('automatic');
      expect(c.deadlineUs).toBe(10 * US_PER_M);
    }
    expect(defaultConfig()).toEqual(parseQueueYaml(''));
  });

  it('adds the default queue beside the file’s queues, with unset fields defaulted', () => {
    const c = parseQueueYaml('queue:\n- name: mail\n  rate: 1/s\n');
    expect(c.queues.map((q) => q.name)).toEqual(['default', 'mail']);
    const mail = c.queues[1];
    expect(mail).toMatchObject({ mode: 'push', bucketSize: 5, retry: DEFAULT_RETRY });
    expect(mail.maxConcurrentRequests).toBeUndefined();
    expect(mail.retry.taskRetryLimit).toBeUndefined(); // RETRY-1: unset = unlimited
    expect(mail.retry.taskAgeLimitUs).toBeUndefined();
  });

  it('a file-defined default queue wins', () => {
    const c = parseQueueYaml('queue:\n- name: default\n  rate: 20/m\n  bucket_size: 40\n');
    expect(c.queues).toHaveLength(1);
    expect(c.queues[0]).toMatchObject({ name: 'default', rate: '20/m', ratePerSec: 20 / 60, bucketSize: 40 });
  });

  it('a push queue without rate gets 5/s (PUSH-2)', () => {
    expect(queue('queue:\n- name: a\n', 'a')).toMatchObject({ rate: '5/s', ratePerSec: 5 });
  });
});

describe('conversion (CFG-1, PUSH-2, RETRY)', () => {
  it.each([
    ['0', 0],
    ['10/s', 10],
    ['1.5/s', 1.5],
    ['5./s', 5],
    ['30/m', 0.5],
    ['36/h', 0.01],
    ['864/d', 0.01],
  ])('rate %s → %f tokens/s, kept as written', (rate, perSec) => {
    const q = queue(`queue:\n- name: q\n  rate: ${rate}\n`, 'q');
    expect(q.ratePerSec).toBeCloseTo(perSec, 12);
    expect(q.rate).toBe(rate);
  });

  it('converts every retry parameter to engine units', () => {
    const q = queue(
      `queue:
- name: q
  max_concurrent_requests: 3
  target: worker
  retry_parameters:
    task_retry_limit: 7
    task_age_limit: 2h
    min_backoff_seconds: 10
    max_backoff_seconds: 300
    max_doublings: 3
`,
      'q',
    );
    expect(q.maxConcurrentRequests).toBe(3);
    expect(q.target).toBe('worker');
    expect(q.retry).toEqual({
      taskRetryLimit: 7,
      taskAgeLimitUs: 2 * US_PER_H,
      minBackoffUs: 10 * US_PER_S,
      maxBackoffUs: 300 * US_PER_S,
      maxDoublings: 3,
    });
  });

  it.each([
    ['30s', 30 * US_PER_S],
    ['1.5m', 90 * US_PER_S],
    ['1d', US_PER_D],
    ['0.5h', 30 * US_PER_M],
    ['0.025h', 90 * US_PER_S], // a fraction of a unit that is whole seconds is fine
    ['60s', 60 * US_PER_S],
  ])('task_age_limit %s → µs (RETRY-2)', (age, us) => {
    expect(
      queue(`queue:\n- name: q\n  retry_parameters:\n    task_age_limit: ${age}\n`, 'q').retry.taskAgeLimitUs,
    ).toBe(us);
  });

  it('task_retry_limit 0 is allowed (no retries)', () => {
    expect(queue('queue:\n- name: q\n  retry_parameters: {task_retry_limit: 0}\n', 'q').retry.taskRetryLimit).toBe(0);
  });

  it('RETRY-3: only min set past the default max raises max to match', () => {
    const q = queue('queue:\n- name: q\n  retry_parameters: {min_backoff_seconds: 7200}\n', 'q');
    expect(q.retry.minBackoffUs).toBe(7200 * US_PER_S);
    expect(q.retry.maxBackoffUs).toBe(7200 * US_PER_S);
  });

  it('RETRY-3: only max set below the default min lowers min to match', () => {
    const q = queue('queue:\n- name: q\n  retry_parameters: {max_backoff_seconds: 0.05}\n', 'q');
    expect(q.retry.minBackoffUs).toBe(50_000);
    expect(q.retry.maxBackoffUs).toBe(50_000);
  });

  it('RETRY-3: min exactly at the default max (3600) leaves max alone; 3600.5 raises it', () => {
    expect(queue('queue:\n- name: q\n  retry_parameters: {min_backoff_seconds: 3600}\n', 'q').retry).toMatchObject({
      minBackoffUs: 3600 * US_PER_S,
      maxBackoffUs: 3600 * US_PER_S,
    });
    expect(queue('queue:\n- name: q\n  retry_parameters: {min_backoff_seconds: 3600.5}\n', 'q').retry).toMatchObject({
      minBackoffUs: 3_600_500_000,
      maxBackoffUs: 3_600_500_000,
    });
  });

  it('RETRY-3: max exactly at the default min (0.1) leaves min alone; 0.099999 lowers it', () => {
    expect(queue('queue:\n- name: q\n  retry_parameters: {max_backoff_seconds: 0.1}\n', 'q').retry).toMatchObject({
      minBackoffUs: 100_000,
      maxBackoffUs: 100_000,
    });
    expect(queue('queue:\n- name: q\n  retry_parameters: {max_backoff_seconds: 0.099999}\n', 'q').retry).toMatchObject({
      minBackoffUs: 99_999,
      maxBackoffUs: 99_999,
    });
  });

  it('CFG-3: a non-finite backoff is refused with the queue, the field and the rule in the message', () => {
    expect(() =>
      parseQueueYaml('queue:\n- name: mail\n  retry_parameters: {max_backoff_seconds: .inf}\n', { file: 'queue.yaml' }),
    ).toThrow(
      'queue.yaml:3: queue "mail", field "retry_parameters.max_backoff_seconds": must be a finite number of seconds',
    );
    expect(() =>
      parseQueueYaml('queue:\n- name: mail\n  retry_parameters: {task_age_limit: 1.5s}\n', { file: 'queue.yaml' }),
    ).toThrow(
      /queue "mail", field "retry_parameters.task_age_limit": "1.5s" is 1.5 s: must be a whole number of seconds \(RETRY-2\)/,
    );
  });

  it('RETRY-3: a backoff of 0 s is allowed; a negative one or a string is refused as "a number ≥ 0"', () => {
    expect(queue('queue:\n- name: q\n  retry_parameters: {min_backoff_seconds: 0}\n', 'q').retry.minBackoffUs).toBe(0);
    for (const v of ['-1', '"10s"', '-0.5']) {
      const [issue] = issuesOf(`queue:\n- name: q\n  retry_parameters: {max_backoff_seconds: ${v}}\n`);
      expect(issue).toMatchObject({ queue: 'q', field: 'retry_parameters.max_backoff_seconds', rule: 'RETRY-3' });
      expect(issue.message).toContain('must be a number ≥ 0');
    }
  });

  it('SPEC §10 options by name over the profile defaults; unknown names and values are CFG-3 issues', () => {
    const c = parseQueueYaml('', {
      profile: 'appengine',
      options: { 'retry-limit': 'attempts', 'retry-eta-header': 'original' },
    });
    expect(c.options).toEqual({ ...PROFILES.appengine, retryLimitMeans: 'attempts', retryEtaHeader: 'original' });
    const issues = issuesOf('', { options: { 'retry-limits': 'x', 'age-from': 'birth' } });
    expect(issues.map((i) => [i.field, i.rule])).toEqual([
      ['options.retry-limits', 'CFG-3'],
      ['options.age-from', 'CFG-3'],
    ]);
    expect(issues[0].message).toContain(
      'backoff-linear-step, handler-503, retry-limit, age-from, deadline-execution, execution-count-5xx, retry-eta-header',
    );
    expect(issues[1].message).toContain('first-attempt or creation');
  });

  it('RETRY-3: one bound set within the other’s default leaves the default alone', () => {
    const q = queue('queue:\n- name: q\n  retry_parameters: {min_backoff_seconds: 5}\n', 'q');
    expect(q.retry).toMatchObject({ minBackoffUs: 5 * US_PER_S, maxBackoffUs: 3600 * US_PER_S });
  });

  it('pull queues: mode, retry limit and a legacy acl (ignored)', () => {
    const q = queue(
      'queue:\n- name: p\n  mode: pull\n  acl:\n  - user_email: a@example.com\n  - writer_email: b@example.com\n  retry_parameters: {task_retry_limit: 4}\n',
      'p',
    );
    expect(q.mode).toBe('pull');
    expect(q.retry.taskRetryLimit).toBe(4);
    expect(q).not.toHaveProperty('acl');
  });

  it('accepts and ignores a top-level total_storage_limit', () => {
    expect(parseQueueYaml('total_storage_limit: 1.2G\nqueue:\n- name: a\n').queues).toHaveLength(2);
  });

  it('follows anchors and merge keys', () => {
    const c = parseQueueYaml('queue:\n- &base {name: a, rate: 2/s, bucket_size: 9}\n- <<: *base\n  name: b\n');
    expect(c.queues.find((q) => q.name === 'b')).toMatchObject({ rate: '2/s', bucketSize: 9 });
  });
});

describe('profile and scaling', () => {
  it('carries the profile options and the scaling deadline (SPEC §10, DEADLINE-1)', () => {
    const c = parseQueueYaml('', { profile: 'cloud-tasks', scaling: 'basic' });
    expect(c.profile).toBe('cloud-tasks');
    expect(c.options).toEqual(PROFILES['cloud-tasks']);
    expect(c.options.retryLimitMeans).toBe('attempts');
    expect(c.deadlineUs).toBe(SCALING_DEADLINE_US.basic);
    expect(c.deadlineUs).toBe(24 * US_PER_H);
    expect(defaultConfig({ scaling: 'flexible' }).deadlineUs).toBe(60 * US_PER_M);
    expect(defaultConfig().options).toEqual(PROFILES.appengine);
  });

  it('does not hand out the shared profile object', () => {
    const c = defaultConfig();
    c.options.handler503Counts = !c.options.handler503Counts;
    expect(defaultConfig().options).toEqual(PROFILES.appengine);
  });

  it('refuses an unknown profile or scaling coming in as a string', () => {
    const issues = issuesOf('', { profile: 'gae' as never, scaling: 'auto' as never });
    expect(issues.map((i) => i.field)).toEqual(['profile', 'scaling']);
  });
});

describe('bad input (CFG-3): every issue names queue, field and rule', () => {
  // [title, yaml, queue, field, rule]
  const cases: [string, string, string | undefined, string | undefined, string][] = [
    ['bad rate grammar', 'queue:\n- name: mail\n  rate: 5/x\n', 'mail', 'rate', 'CFG-1'],
    ['rate without unit', 'queue:\n- name: mail\n  rate: 5\n', 'mail', 'rate', 'CFG-1'],
    ['rate as words', 'queue:\n- name: mail\n  rate: fast\n', 'mail', 'rate', 'CFG-1'],
    [
      'negative task_retry_limit',
      'queue:\n- name: q\n  retry_parameters:\n    task_retry_limit: -1\n',
      'q',
      'retry_parameters.task_retry_limit',
      'RETRY-1',
    ],
    [
      'fractional task_retry_limit',
      'queue:\n- name: q\n  retry_parameters: {task_retry_limit: 2.5}\n',
      'q',
      'retry_parameters.task_retry_limit',
      'RETRY-1',
    ],
    [
      'task_age_limit 0',
      'queue:\n- name: q\n  retry_parameters:\n    task_age_limit: 0s\n',
      'q',
      'retry_parameters.task_age_limit',
      'RETRY-2',
    ],
    [
      'task_age_limit without unit',
      'queue:\n- name: q\n  retry_parameters:\n    task_age_limit: 10\n',
      'q',
      'retry_parameters.task_age_limit',
      'RETRY-2',
    ],
    [
      'task_age_limit malformed',
      'queue:\n- name: q\n  retry_parameters:\n    task_age_limit: 2 days\n',
      'q',
      'retry_parameters.task_age_limit',
      'RETRY-2',
    ],
    [
      'task_age_limit in ms (not in the grammar)',
      'queue:\n- name: q\n  retry_parameters:\n    task_age_limit: 500ms\n',
      'q',
      'retry_parameters.task_age_limit',
      'RETRY-2',
    ],
    [
      'negative min_backoff_seconds',
      'queue:\n- name: q\n  retry_parameters: {min_backoff_seconds: -1}\n',
      'q',
      'retry_parameters.min_backoff_seconds',
      'RETRY-3',
    ],
    [
      'string max_backoff_seconds',
      'queue:\n- name: q\n  retry_parameters: {max_backoff_seconds: "10s"}\n',
      'q',
      'retry_parameters.max_backoff_seconds',
      'RETRY-3',
    ],
    [
      'negative max_doublings',
      'queue:\n- name: q\n  retry_parameters: {max_doublings: -2}\n',
      'q',
      'retry_parameters.max_doublings',
      'RETRY-3',
    ],
    [
      'both backoffs set, min > max',
      'queue:\n- name: q\n  retry_parameters:\n    min_backoff_seconds: 60\n    max_backoff_seconds: 10\n',
      'q',
      'retry_parameters.min_backoff_seconds',
      'RETRY-3',
    ],
    // RETRY-2: limits are whole seconds; a fraction is refused rather than silently rounded.
    [
      'fractional task_age_limit 1.5s',
      'queue:\n- name: q\n  retry_parameters:\n    task_age_limit: 1.5s\n',
      'q',
      'retry_parameters.task_age_limit',
      'RETRY-2',
    ],
    [
      'fractional task_age_limit 0.01m (0.6 s)',
      'queue:\n- name: q\n  retry_parameters:\n    task_age_limit: 0.01m\n',
      'q',
      'retry_parameters.task_age_limit',
      'RETRY-2',
    ],
    [
      'task_age_limit overflowing to Infinity',
      `queue:\n- name: q\n  retry_parameters:\n    task_age_limit: ${'9'.repeat(400)}d\n`,
      'q',
      'retry_parameters.task_age_limit',
      'RETRY-2',
    ],
    // CFG-3: numeric configuration that is not finite is refused (RETRY-3/4 need finite delays).
    [
      'min_backoff_seconds .inf',
      'queue:\n- name: q\n  retry_parameters: {min_backoff_seconds: .inf}\n',
      'q',
      'retry_parameters.min_backoff_seconds',
      'RETRY-3',
    ],
    [
      'max_backoff_seconds .inf',
      'queue:\n- name: q\n  retry_parameters: {max_backoff_seconds: .inf}\n',
      'q',
      'retry_parameters.max_backoff_seconds',
      'RETRY-3',
    ],
    [
      'max_backoff_seconds .nan',
      'queue:\n- name: q\n  retry_parameters: {max_backoff_seconds: .nan}\n',
      'q',
      'retry_parameters.max_backoff_seconds',
      'RETRY-3',
    ],
    [
      'max_backoff_seconds 1e300 (µs overflow)',
      'queue:\n- name: q\n  retry_parameters: {max_backoff_seconds: 1e300}\n',
      'q',
      'retry_parameters.max_backoff_seconds',
      'RETRY-3',
    ],
    [
      'max_doublings .inf',
      'queue:\n- name: q\n  retry_parameters: {max_doublings: .inf}\n',
      'q',
      'retry_parameters.max_doublings',
      'RETRY-3',
    ],
    [
      'task_retry_limit .inf',
      'queue:\n- name: q\n  retry_parameters: {task_retry_limit: .inf}\n',
      'q',
      'retry_parameters.task_retry_limit',
      'RETRY-1',
    ],
    ['unknown queue field', 'queue:\n- name: q\n  ratee: 5/s\n', 'q', 'ratee', 'CFG-1'],
    [
      'unknown retry field',
      'queue:\n- name: q\n  retry_parameters:\n    task_retry_limt: 3\n',
      'q',
      'retry_parameters.task_retry_limt',
      'CFG-1',
    ],
    ['unknown top-level key', 'queues:\n- name: q\n', undefined, 'queues', 'CFG-1'],
    ['bad queue name', 'queue:\n- name: my_queue\n', 'my_queue', 'name', 'TASK-1'],
    ['queue name too long', `queue:\n- name: ${'a'.repeat(101)}\n`, 'a'.repeat(101), 'name', 'TASK-1'],
    ['missing name', 'queue:\n- rate: 1/s\n', '#1', 'name', 'CFG-1'],
    ['numeric name', 'queue:\n- name: 42\n', '#1', 'name', 'TASK-1'],
    ['duplicate name', 'queue:\n- name: q\n- name: q\n', 'q', 'name', 'CFG-1'],
    ['bucket_size 0', 'queue:\n- name: q\n  bucket_size: 0\n', 'q', 'bucket_size', 'CFG-1'],
    ['bucket_size 1.5', 'queue:\n- name: q\n  bucket_size: 1.5\n', 'q', 'bucket_size', 'CFG-1'],
    ['bucket_size as a list', 'queue:\n- name: q\n  bucket_size: [5]\n', 'q', 'bucket_size', 'CFG-1'],
    [
      'max_concurrent_requests 0',
      'queue:\n- name: q\n  max_concurrent_requests: 0\n',
      'q',
      'max_concurrent_requests',
      'CFG-1',
    ],
    ['mode other than push/pull', 'queue:\n- name: q\n  mode: poll\n', 'q', 'mode', 'CFG-1'],
    ['rate on a pull queue', 'queue:\n- name: p\n  mode: pull\n  rate: 1/s\n', 'p', 'rate', 'CFG-1'],
    ['target on a pull queue', 'queue:\n- name: p\n  mode: pull\n  target: w\n', 'p', 'target', 'CFG-1'],
    ['acl on a push queue', 'queue:\n- name: q\n  acl:\n  - user_email: a@b.c\n', 'q', 'acl', 'CFG-1'],
    ['malformed acl entry', 'queue:\n- name: p\n  mode: pull\n  acl:\n  - reader_email: a@b.c\n', 'p', 'acl', 'CFG-1'],
    ['a pull default queue', 'queue:\n- name: default\n  mode: pull\n', 'default', 'mode', 'CFG-2'],
    ['retry_parameters as a list', 'queue:\n- name: q\n  retry_parameters: [1, 2]\n', 'q', 'retry_parameters', 'CFG-1'],
    ['queue as a map', 'queue:\n  name: q\n', undefined, 'queue', 'CFG-1'],
    ['queue entry as a string', 'queue:\n- q\n', '#1', undefined, 'CFG-1'],
    ['top level a list', '- name: q\n', undefined, undefined, 'CFG-1'],
    ['bad total_storage_limit', 'total_storage_limit: lots\n', undefined, 'total_storage_limit', 'CFG-1'],
  ];
  it.each(cases)('%s', (_title, text, queueName, field, rule) => {
    const issues = issuesOf(text);
    expect(issues).toHaveLength(1);
    const [i] = issues;
    expect({ queue: i.queue, field: i.field, rule: i.rule }).toEqual({ queue: queueName, field, rule });
    expect(i.file).toBe('queue.yaml');
    expect(i.line).toBeGreaterThanOrEqual(1);
    expect(i.message.length).toBeGreaterThan(0);
  });

  it('points at the offending line and formats the message as the brief shows', () => {
    const text = 'queue:\n- name: ok\n- name: mail\n  bucket_size: 2\n  rate: 5/x\n';
    const [i] = issuesOf(text);
    expect(i.line).toBe(5);
    expect(formatIssue(i)).toBe(
      'queue.yaml:5: queue "mail", field "rate": "5/x" does not match ^(0|[0-9]+(\\.[0-9]*)?/[smhd])$ (CFG-1)',
    );
  });

  it('an unknown field lists the allowed ones', () => {
    const [i] = issuesOf('queue:\n- name: q\n  bucketsize: 5\n');
    expect(i.message).toContain('bucket_size');
    expect(i.message).toContain('retry_parameters');
    expect(i.line).toBe(3);
  });

  it('the duplicate is reported at the second occurrence', () => {
    const [i] = issuesOf('queue:\n- name: q\n- name: other\n- name: q\n');
    expect(i.line).toBe(4);
  });

  it('malformed YAML → CFG-1 with the parser’s message and line', () => {
    const issues = issuesOf('queue:\n- name: q\n  rate: [1/s\n  bucket_size: 5\n');
    expect(issues.length).toBeGreaterThanOrEqual(1);
    expect(issues[0].rule).toBe('CFG-1');
    expect(issues[0].line).toBeGreaterThanOrEqual(3);
    expect(issues[0].message).toMatch(/^malformed YAML: /);
    expect(issues[0].message).not.toContain('\n');
  });

  it('an issue in a later queue, or behind a YAML alias, names the line of its own field', () => {
    // Line 1 queue:, 2-3 the first queue, 4 the second's name, 5 retry_parameters:, 6 its bad field.
    const text = 'queue:\n- name: a\n  rate: 1/s\n- name: b\n  retry_parameters:\n    min_backoff_seconds: -1\n';
    expect(issuesOf(text)).toMatchObject([{ queue: 'b', field: 'retry_parameters.min_backoff_seconds', line: 6 }]);
    // The retry parameters are an alias of an anchor on line 3; the bad field is on line 4.
    const aliased =
      'queue:\n- name: a\n  retry_parameters: &slow\n    min_backoff_seconds: -1\n- name: b\n  retry_parameters: *slow\n';
    expect(issuesOf(aliased).map((i) => [i.queue, i.line])).toEqual([
      ['a', 4],
      ['b', 4],
    ]);
  });

  it('duplicate YAML keys are malformed YAML, with the line', () => {
    const [i] = issuesOf('queue:\n- name: q\n  rate: 1/s\n  rate: 2/s\n');
    expect(i).toMatchObject({ rule: 'CFG-1', line: 4 });
    expect(i.message).toMatch(/unique/);
  });

  it('reports every problem, not just the first', () => {
    const text = `queue:
- name: mail
  rate: 5/x
  bucket_size: 0
  retry_parameters:
    task_retry_limit: -1
    task_age_limit: 0d
- name: bad_name
  mode: sideways
- name: mail
- name: p
  mode: pull
  max_concurrent_requests: 4
extra: true
`;
    const got = issuesOf(text).map((i) => [i.line, i.queue, i.field, i.rule]);
    expect(got).toEqual(
      expect.arrayContaining([
        [3, 'mail', 'rate', 'CFG-1'],
        [4, 'mail', 'bucket_size', 'CFG-1'],
        [6, 'mail', 'retry_parameters.task_retry_limit', 'RETRY-1'],
        [7, 'mail', 'retry_parameters.task_age_limit', 'RETRY-2'],
        [8, 'bad_name', 'name', 'TASK-1'],
        [9, 'bad_name', 'mode', 'CFG-1'],
        [10, 'mail', 'name', 'CFG-1'],
        [13, 'p', 'max_concurrent_requests', 'CFG-1'],
        [14, undefined, 'extra', 'CFG-1'],
      ]),
    );
    expect(got).toHaveLength(9);
    expect(got.map(([line]) => line)).toEqual([3, 4, 6, 7, 8, 9, 10, 13, 14]); // file order
    let err: unknown;
    try {
      parseQueueYaml(text, { file: 'queue.yaml' });
    } catch (e) {
      err = e;
    }
    expect((err as Error).message.split('\n')).toHaveLength(9);
  });

  it('wrong types never crash', () => {
    for (const text of [
      '42',
      '"queue"',
      'queue: 3',
      'queue: [null]',
      'queue: [[1]]',
      'queue:\n- name: q\n  retry_parameters: 3\n',
      'queue:\n- name: {a: 1}\n',
      'queue:\n- name: q\n  rate: {a: 1}\n',
      'queue:\n- name: q\n  mode: [push]\n',
      'queue:\n- name: q\n  max_concurrent_requests: .inf\n',
      'queue:\n- name: q\n  target: 3\n',
      'queue:\n- name: p\n  mode: pull\n  acl: yes\n',
    ]) {
      const issues = issuesOf(text);
      expect(issues.length).toBeGreaterThanOrEqual(1);
      for (const i of issues) expect(i.rule).toMatch(/^(CFG|TASK|RETRY)-\d$/);
    }
  });
});

describe('queueConfigFromObject', () => {
  it('validates an already-parsed object the same way, naming `where`', () => {
    const c = queueConfigFromObject({ queue: [{ name: 'a', rate: '2/m' }] });
    expect(c.queues.find((q) => q.name === 'a')?.ratePerSec).toBeCloseTo(2 / 60);
    let err: unknown;
    try {
      queueConfigFromObject({ queue: [{ name: 'a', bucket_size: '5' }] }, { where: 'scenario.yaml (queues)' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const [i] = (err as ConfigError).issues;
    expect(i).toMatchObject({ file: 'scenario.yaml (queues)', queue: 'a', field: 'bucket_size', rule: 'CFG-1' });
    expect(i.line).toBeUndefined();
  });

  it('undefined or null is just the default queue', () => {
    expect(queueConfigFromObject(undefined)).toEqual(defaultConfig());
    expect(queueConfigFromObject(null, { profile: 'cloud-tasks' })).toEqual(defaultConfig({ profile: 'cloud-tasks' }));
  });
});

describe('loadQueueYaml', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tasksim-queue-yaml-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file and names it in messages', async () => {
    const path = join(dir, 'queue.yaml');
    await writeFile(path, 'queue:\n- name: a\n  rate: 3/h\n');
    const c = await loadQueueYaml(path, { scaling: 'manual' });
    expect(c.queues.find((q) => q.name === 'a')?.ratePerSec).toBeCloseTo(3 / 3600);
    expect(c.deadlineUs).toBe(24 * US_PER_H);

    await writeFile(path, 'queue:\n- name: a\n  rate: 3/y\n');
    await expect(loadQueueYaml(path)).rejects.toMatchObject({
      issues: [{ file: path, line: 3, queue: 'a', field: 'rate' }],
    });
  });

  it('a missing file is a ConfigError naming the path', async () => {
    const path = join(dir, 'nope.yaml');
    const err = await loadQueueYaml(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues[0]).toMatchObject({ file: path, rule: 'CFG-1' });
    expect((err as Error).message).toContain(path);
  });
});
