/**
 * Queue configurations small enough to reach every limit within a few commands: tiny rates and
 * buckets (PUSH-2), caps of 1–3 (PUSH-3), retry limits of 0–4 and short age limits (RETRY-1/2),
 * short backoffs with few doublings so the linear phase comes early (RETRY-4), and a pull queue
 * with a lease limit (PULL-10). Queue names are fixed (`default`, `q0`, `q1`, `p0`) so commands can
 * refer to queues by index whatever the configuration.
 */
import fc from 'fast-check';
import { lacks, type Capabilities } from '../adapters/contract.js';
import type { ProfileName, QueueConfig, ResolvedConfig, RetryParameters } from '../model/config.js';
import { PROFILES, SCALING_DEADLINE_US } from '../model/profiles.js';
import { US_PER_S } from '../sim/time.js';
import { CT_DEFAULTS, burstSizeFor } from '../serve/queue-defaults.js';

const RATES: readonly [string, number][] = [
  ['0.5/s', 0.5],
  ['1/s', 1],
  ['2/s', 2],
  ['5/s', 5],
  ['20/s', 20],
  ['0', 0],
];

const retryArb = (pull: boolean): fc.Arbitrary<RetryParameters> =>
  fc
    .record({
      limit: pull
        ? fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined })
        : fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
      ageS: pull ? fc.constant(undefined) : fc.option(fc.constantFrom(1, 5, 30), { nil: undefined, freq: 3 }),
      minS: fc.constantFrom(0.1, 0.5, 1),
      spread: fc.constantFrom(1, 4, 20, 100),
      doublings: fc.constantFrom(0, 0, 1, 2, 3),
    })
    .map(({ limit, ageS, minS, spread, doublings }) => {
      const r: RetryParameters = {
        minBackoffUs: Math.round(minS * US_PER_S),
        maxBackoffUs: Math.round(minS * spread * US_PER_S), // RETRY-3: max ≥ min
        maxDoublings: doublings,
      };
      if (limit !== undefined) r.taskRetryLimit = limit;
      if (ageS !== undefined) r.taskAgeLimitUs = ageS * US_PER_S;
      return r;
    });

const pushQueueArb = (name: string): fc.Arbitrary<QueueConfig> =>
  fc
    .record({
      rate: fc.constantFrom(...RATES),
      bucket: fc.integer({ min: 1, max: 5 }),
      cap: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
      retry: retryArb(false),
    })
    .map(({ rate, bucket, cap, retry }) => {
      const q: QueueConfig = { name, mode: 'push', rate: rate[0], ratePerSec: rate[1], bucketSize: bucket, retry };
      if (cap !== undefined) q.maxConcurrentRequests = cap;
      return q;
    });

const pullQueueArb = (name: string): fc.Arbitrary<QueueConfig> =>
  retryArb(true).map((retry) => ({ name, mode: 'pull' as const, rate: '5/s', ratePerSec: 5, bucketSize: 5, retry }));

/** CFG-2: the default push queue as queue.yaml leaves it. */
function defaultQueue(): QueueConfig {
  return {
    name: 'default',
    mode: 'push',
    rate: '5/s',
    ratePerSec: 5,
    bucketSize: 5,
    retry: { minBackoffUs: 100_000, maxBackoffUs: 3600 * US_PER_S, maxDoublings: 16 },
  };
}

export function buildConfig(profile: ProfileName, queues: QueueConfig[]): ResolvedConfig {
  return {
    profile,
    options: { ...PROFILES[profile] },
    queues: [defaultQueue(), ...queues],
    scaling: 'automatic',
    deadlineUs: SCALING_DEADLINE_US.automatic,
  };
}

export const configArb: fc.Arbitrary<ResolvedConfig> = fc
  .record({
    profile: fc.constantFrom<ProfileName>('appengine', 'cloud-tasks'),
    q0: pushQueueArb('q0'),
    q1: fc.option(pushQueueArb('q1'), { nil: undefined }),
    p0: fc.option(pullQueueArb('p0'), { nil: undefined, freq: 5 }),
  })
  .map(({ profile, q0, q1, p0 }) => buildConfig(profile, [q0, ...(q1 ? [q1] : []), ...(p0 ? [p0] : [])]));

// ---- on the wall clock ---------------------------------------------------------------------------

/**
 * Wall clock: the same shapes, at real-time scale. Rates high enough that a token interval stays
 * inside the tolerance (PUSH-2), backoffs of 20–200 ms (RETRY-3/4: min ≤ 50 ms, max ≤ 200 ms), retry
 * limits of 0–4; no task_age_limit: RETRY-2 ends a task at an instant, a boundary two clocks cannot
 * agree on to the millisecond (age limits are judged in virtual time).
 */
const WALL_RATES: readonly [string, number][] = [
  ['50/s', 50],
  ['100/s', 100],
  ['100/s', 100],
  ['0', 0],
];

const wallRetryArb = (pull: boolean): fc.Arbitrary<RetryParameters> =>
  fc
    .record({
      limit: pull
        ? fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined })
        : fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
      minMs: fc.constantFrom(20, 50),
      maxMs: fc.constantFrom(50, 100, 200),
      doublings: fc.constantFrom(0, 0, 1, 2, 3),
    })
    .map(({ limit, minMs, maxMs, doublings }) => {
      const r: RetryParameters = {
        minBackoffUs: minMs * 1000,
        maxBackoffUs: Math.max(minMs, maxMs) * 1000, // RETRY-3: max ≥ min
        maxDoublings: doublings,
      };
      if (limit !== undefined) r.taskRetryLimit = limit;
      return r;
    });

const wallPushQueueArb = (name: string): fc.Arbitrary<QueueConfig> =>
  fc
    .record({
      rate: fc.constantFrom(...WALL_RATES),
      bucket: fc.integer({ min: 1, max: 5 }),
      cap: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
      retry: wallRetryArb(false),
    })
    .map(({ rate, bucket, cap, retry }) => {
      const q: QueueConfig = { name, mode: 'push', rate: rate[0], ratePerSec: rate[1], bucketSize: bucket, retry };
      if (cap !== undefined) q.maxConcurrentRequests = cap;
      return q;
    });

const wallPullQueueArb = (name: string): fc.Arbitrary<QueueConfig> =>
  wallRetryArb(true).map((retry) => ({
    name,
    mode: 'pull' as const,
    rate: '5/s',
    ratePerSec: 5,
    bucketSize: 5,
    retry,
  }));

/** CFG-2's default queue at real-time scale: 5/s would hold a burst for seconds. */
function wallDefaultQueue(): QueueConfig {
  return {
    name: 'default',
    mode: 'push',
    rate: '100/s',
    ratePerSec: 100,
    bucketSize: 5,
    retry: { minBackoffUs: 50_000, maxBackoffUs: 200_000, maxDoublings: 2 },
  };
}

export const wallClockConfigArb: fc.Arbitrary<ResolvedConfig> = fc
  .record({
    profile: fc.constantFrom<ProfileName>('appengine', 'cloud-tasks'),
    q0: wallPushQueueArb('q0'),
    q1: fc.option(wallPushQueueArb('q1'), { nil: undefined }),
    p0: fc.option(wallPullQueueArb('p0'), { nil: undefined, freq: 5 }),
  })
  .map(({ profile, q0, q1, p0 }) => {
    const c = buildConfig(profile, [q0, ...(q1 ? [q1] : []), ...(p0 ? [p0] : [])]);
    return { ...c, queues: [wallDefaultQueue(), ...c.queues.slice(1)] };
  });

/**
 * The configuration as a queue that lacks pull queues or task_age_limit can run it: those are taken
 * out after the draw, so a seed draws the same values whatever the queue lacks.
 */
export function fitConfig(config0: ResolvedConfig, caps: Capabilities): ResolvedConfig {
  const config = lacks(caps, 'queueYaml') ? fitCloudTasksApi(config0) : config0;
  const noPull = lacks(caps, 'pull');
  const noAge = lacks(caps, 'taskAgeLimit');
  if (!noPull && !noAge) return config;
  const queues = config.queues
    .filter((q) => !(noPull && q.mode === 'pull'))
    .map((q) => {
      if (!noAge || q.retry.taskAgeLimitUs === undefined) return q;
      const { taskAgeLimitUs: _dropped, ...retry } = q.retry;
      return { ...q, retry };
    });
  return { ...config, queues };
}

/**
 * The configuration as the Cloud Tasks API can make it (CT-1), for a queue that lacks queue.yaml:
 * the cloud-tasks profile; a rate of 0 (paused by queue.yaml) becomes the default queue's rate; the
 * burst is the one CT-1 derives from the rate; an unset concurrency is CT-1's default; and proto3
 * cannot send a 0 apart from unset, so maxAttempts 0 becomes 1 and maxDoublings 0 becomes 1.
 */
function fitCloudTasksApi(config: ResolvedConfig): ResolvedConfig {
  const fallbackRate =
    config.queues.find((q) => q.mode === 'push' && q.ratePerSec > 0)?.ratePerSec ?? CT_DEFAULTS.maxDispatchesPerSecond;
  const queues = config.queues.map((q): QueueConfig => {
    if (q.mode !== 'push') return q;
    const ratePerSec = q.ratePerSec > 0 ? q.ratePerSec : fallbackRate;
    const retry = { ...q.retry, maxDoublings: q.retry.maxDoublings === 0 ? 1 : q.retry.maxDoublings };
    if (retry.taskRetryLimit === 0) retry.taskRetryLimit = 1; // the cloud-tasks reading: attempts in all
    return {
      ...q,
      ratePerSec,
      rate: `${ratePerSec}/s`,
      bucketSize: burstSizeFor(ratePerSec),
      maxConcurrentRequests: q.maxConcurrentRequests ?? CT_DEFAULTS.maxConcurrentDispatches,
      retry,
    };
  });
  return { ...config, profile: 'cloud-tasks', options: { ...PROFILES['cloud-tasks'] }, queues };
}

/** One line per queue, for counterexamples. */
export function describeConfig(config: ResolvedConfig): string {
  const parts = config.queues.map((q) => {
    if (q.mode === 'pull')
      return `${q.name}(pull${q.retry.taskRetryLimit !== undefined ? `, lease limit ${q.retry.taskRetryLimit}` : ''})`;
    const r = q.retry;
    const bits = [`rate ${q.rate}`, `bucket ${q.bucketSize}`];
    if (q.maxConcurrentRequests !== undefined) bits.push(`max_concurrent ${q.maxConcurrentRequests}`);
    if (r.taskRetryLimit !== undefined) bits.push(`retry_limit ${r.taskRetryLimit}`);
    if (r.taskAgeLimitUs !== undefined) bits.push(`age_limit ${r.taskAgeLimitUs / US_PER_S}s`);
    bits.push(`backoff ${r.minBackoffUs / US_PER_S}s..${r.maxBackoffUs / US_PER_S}s doublings ${r.maxDoublings}`);
    return `${q.name}(${bits.join(', ')})`;
  });
  return `profile ${config.profile}; ${parts.join('; ')}`;
}
