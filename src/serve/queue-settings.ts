/**
 * CT-1: a queue's `rateLimits` and `retryConfig` as the API carries them, read into the engine's
 * QueueConfig and written back from it. Proto3 cannot tell an unset number from 0, so a 0 where the
 * API says "if unspecified, Cloud Tasks picks the default" reads as unset; durations are messages, so
 * their presence is known.
 */
import type { ProfileOptions, QueueConfig, QueueMode } from '../model/config.js';
import { US_PER_S, type Micros } from '../sim/time.js';
import { invalid } from './errors.js';
import { fromDuration, toDuration, type Duration } from './wire.js';
import { CT_DEFAULTS, burstSizeFor } from './queue-defaults.js';

const MAX_RATE = 500;
const MAX_CONCURRENT = 5000;

/** The queue settings the API can set, in engine units; undefined = unset (the default applies). */
export interface QueueSettings {
  maxDispatchesPerSecond?: number;
  maxConcurrentDispatches?: number;
  /** -1 unlimited. */
  maxAttempts?: number;
  /** 0 unlimited. */
  maxRetryDurationUs?: Micros;
  minBackoffUs?: Micros;
  maxBackoffUs?: Micros;
  maxDoublings?: number;
}

const present = (n: number | undefined): number | undefined => (n === undefined || n === 0 ? undefined : n);

/** v2 RateLimits/RetryConfig messages (or v2beta2's, whose fields are named differently) → settings. */
export function settingsFromMessage(
  rate: Record<string, unknown> | undefined | null,
  retry: Record<string, unknown> | undefined | null,
): QueueSettings {
  const s: QueueSettings = {};
  if (rate) {
    s.maxDispatchesPerSecond = present(num(rate.maxDispatchesPerSecond ?? rate.maxTasksDispatchedPerSecond));
    s.maxConcurrentDispatches = present(num(rate.maxConcurrentDispatches ?? rate.maxConcurrentTasks));
  }
  if (retry) {
    s.maxAttempts = retry.unlimitedAttempts === true ? -1 : present(num(retry.maxAttempts));
    if (retry.maxRetryDuration)
      s.maxRetryDurationUs = fromDuration(retry.maxRetryDuration as Duration, 'retryConfig.maxRetryDuration', 'CT-1');
    if (retry.minBackoff) s.minBackoffUs = fromDuration(retry.minBackoff as Duration, 'retryConfig.minBackoff', 'CT-1');
    if (retry.maxBackoff) s.maxBackoffUs = fromDuration(retry.maxBackoff as Duration, 'retryConfig.maxBackoff', 'CT-1');
    s.maxDoublings = present(num(retry.maxDoublings));
  }
  return s;
}

function num(v: unknown): number | undefined {
  return v === undefined || v === null ? undefined : Number(v);
}

/** The settings a QueueConfig implies, for an update that changes only some fields. */
export function settingsOf(cfg: QueueConfig, opts: ProfileOptions): QueueSettings {
  return {
    maxDispatchesPerSecond: cfg.ratePerSec,
    maxConcurrentDispatches: cfg.maxConcurrentRequests,
    maxAttempts: attemptsOf(cfg, opts),
    maxRetryDurationUs: cfg.retry.taskAgeLimitUs ?? 0,
    minBackoffUs: cfg.retry.minBackoffUs,
    maxBackoffUs: cfg.retry.maxBackoffUs,
    maxDoublings: cfg.retry.maxDoublings,
  };
}

/** RETRY-1 as Cloud Tasks counts it: attempts in all, -1 unlimited (SPEC §10's two readings). */
function attemptsOf(cfg: QueueConfig, opts: ProfileOptions): number {
  const limit = cfg.retry.taskRetryLimit;
  if (limit === undefined) return -1;
  return opts.retryLimitMeans === 'attempts' ? limit : limit + 1;
}

/** CT-1 → the engine's queue, refusing values outside the API's bounds (INVALID_ARGUMENT). */
export function queueConfigOf(name: string, mode: QueueMode, s: QueueSettings, opts: ProfileOptions): QueueConfig {
  const rate = s.maxDispatchesPerSecond ?? CT_DEFAULTS.maxDispatchesPerSecond;
  if (!(rate > 0 && rate <= MAX_RATE))
    throw invalid(`rateLimits.maxDispatchesPerSecond must be in (0, ${MAX_RATE}], got ${rate}`, 'CT-1');
  const concurrent = s.maxConcurrentDispatches ?? CT_DEFAULTS.maxConcurrentDispatches;
  if (!(Number.isInteger(concurrent) && concurrent >= 1 && concurrent <= MAX_CONCURRENT)) {
    throw invalid(
      `rateLimits.maxConcurrentDispatches must be an integer in [1, ${MAX_CONCURRENT}], got ${concurrent}`,
      'CT-1',
    );
  }
  const attempts = s.maxAttempts ?? CT_DEFAULTS.maxAttempts;
  if (!(Number.isInteger(attempts) && attempts >= -1))
    throw invalid(`retryConfig.maxAttempts must be an integer >= -1, got ${attempts}`, 'CT-1');
  const doublings = s.maxDoublings ?? CT_DEFAULTS.maxDoublings;
  if (!(Number.isInteger(doublings) && doublings >= 0))
    throw invalid(`retryConfig.maxDoublings must be an integer >= 0, got ${doublings}`, 'CT-1');
  // RETRY-3: when only one bound is set past the other's default, the other follows it.
  let minUs = s.minBackoffUs;
  let maxUs = s.maxBackoffUs;
  if (minUs !== undefined && maxUs === undefined && minUs > CT_DEFAULTS.maxBackoffUs) maxUs = minUs;
  if (maxUs !== undefined && minUs === undefined && maxUs < CT_DEFAULTS.minBackoffUs) minUs = maxUs;
  minUs ??= CT_DEFAULTS.minBackoffUs;
  maxUs ??= CT_DEFAULTS.maxBackoffUs;
  if (minUs > maxUs)
    throw invalid(
      `retryConfig.minBackoff ${minUs / US_PER_S}s is greater than maxBackoff ${maxUs / US_PER_S}s`,
      'RETRY-3',
    );
  const age = s.maxRetryDurationUs ?? 0;
  return {
    name,
    mode,
    ratePerSec: rate,
    rate: `${rate}/s`,
    bucketSize: burstSizeFor(rate),
    maxConcurrentRequests: concurrent,
    retry: {
      // RETRY-1 in the profile's reading: Cloud Tasks' attempts, or the legacy retries (attempts − 1).
      taskRetryLimit:
        attempts === -1 ? undefined : opts.retryLimitMeans === 'attempts' ? attempts : Math.max(0, attempts - 1),
      taskAgeLimitUs: age === 0 ? undefined : age,
      minBackoffUs: minUs,
      maxBackoffUs: maxUs,
      maxDoublings: doublings,
    },
  };
}

/** QueueConfig → v2 `rateLimits` and `retryConfig` (v2beta2 renames a few fields). */
export function rateLimitsMessage(cfg: QueueConfig, beta: boolean): Record<string, unknown> {
  const concurrent = cfg.maxConcurrentRequests ?? CT_DEFAULTS.maxConcurrentDispatches;
  return beta
    ? { maxTasksDispatchedPerSecond: cfg.ratePerSec, maxBurstSize: cfg.bucketSize, maxConcurrentTasks: concurrent }
    : { maxDispatchesPerSecond: cfg.ratePerSec, maxBurstSize: cfg.bucketSize, maxConcurrentDispatches: concurrent };
}

export function retryConfigMessage(cfg: QueueConfig, opts: ProfileOptions, beta: boolean): Record<string, unknown> {
  const attempts = attemptsOf(cfg, opts);
  const r = cfg.retry;
  return {
    ...(beta ? (attempts === -1 ? { unlimitedAttempts: true } : { maxAttempts: attempts }) : { maxAttempts: attempts }),
    maxRetryDuration: toDuration(r.taskAgeLimitUs ?? 0),
    minBackoff: toDuration(r.minBackoffUs),
    maxBackoff: toDuration(r.maxBackoffUs),
    maxDoublings: r.maxDoublings,
  };
}

/**
 * UpdateQueue's field mask (CT-1): the settings of `current` with the masked fields taken from
 * `given`. An empty mask takes every field the request sets. Paths are accepted in snake or camel case.
 */
export function mergeSettings(
  current: QueueSettings,
  given: QueueSettings,
  paths: string[] | undefined,
): QueueSettings {
  if (!paths || paths.length === 0) {
    const out: QueueSettings = { ...current };
    for (const [k, v] of Object.entries(given)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
    return out;
  }
  const out: QueueSettings = { ...current };
  for (const raw of paths) {
    const path = raw.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const keys = MASK_FIELDS[path];
    if (keys === undefined)
      throw invalid(`update_mask path ${JSON.stringify(raw)} is not a field UpdateQueue can change`, 'CT-1');
    for (const k of keys) out[k] = given[k] as never;
  }
  return out;
}

const RATE: (keyof QueueSettings)[] = ['maxDispatchesPerSecond', 'maxConcurrentDispatches'];
const RETRY: (keyof QueueSettings)[] = [
  'maxAttempts',
  'maxRetryDurationUs',
  'minBackoffUs',
  'maxBackoffUs',
  'maxDoublings',
];
const MASK_FIELDS: Record<string, (keyof QueueSettings)[]> = {
  rateLimits: RATE,
  'rateLimits.maxDispatchesPerSecond': ['maxDispatchesPerSecond'],
  'rateLimits.maxTasksDispatchedPerSecond': ['maxDispatchesPerSecond'],
  'rateLimits.maxConcurrentDispatches': ['maxConcurrentDispatches'],
  'rateLimits.maxConcurrentTasks': ['maxConcurrentDispatches'],
  retryConfig: RETRY,
  'retryConfig.maxAttempts': ['maxAttempts'],
  'retryConfig.unlimitedAttempts': ['maxAttempts'],
  'retryConfig.maxRetryDuration': ['maxRetryDurationUs'],
  'retryConfig.minBackoff': ['minBackoffUs'],
  'retryConfig.maxBackoff': ['maxBackoffUs'],
  'retryConfig.maxDoublings': ['maxDoublings'],
  // Fields we accept and keep nothing of (routing goes to --appengine-host; logging is not modelled).
  appEngineRoutingOverride: [],
  stackdriverLoggingConfig: [],
  appEngineHttpTarget: [],
  httpTarget: [],
};
