/**
 * The built-in mutants: deliberately broken variants of the reference, each a small subclass that
 * transforms one behaviour. They prove the fuzzer has teeth: every one must be caught within the
 * default run count, with a short counterexample citing `rules`.
 */
import type { QueueUnderTest } from '../contract.js';
import { ExecutionCountCountsNoInstance, PreviousResponseWrong, RetryCountOffByOne } from './headers.js';
import { DeleteIgnored, LeaseByTagIgnoresTag, LeaseExpiryIgnored, LeaseNotExclusive } from './pull.js';
import { EtaIgnored, MaxConcurrentIgnored, PauseIgnored, RateIgnored, RedirectIsSuccess } from './push.js';
import { BackoffWithoutLinearPhase, ExhaustedRedelivered, RedeliverAfterSuccess, RetryLimitOffByOne } from './retry.js';
import { NoTombstones } from './tasks.js';

export interface MutantInfo {
  name: string;
  /** The rules a catch may cite (the first is the one the mutant breaks). */
  rules: readonly string[];
  description: string;
  create(): QueueUnderTest;
}

function mutant(name: string, rules: string[], description: string, Ctor: new (name: string) => QueueUnderTest): MutantInfo {
  return { name, rules, description, create: () => new Ctor(`mutant:${name}`) };
}

export const MUTANTS: readonly MutantInfo[] = [
  mutant('retry-count-off-by-one', ['HDR-3'], 'X-AppEngine-TaskRetryCount one too high on retries', RetryCountOffByOne),
  mutant('execution-count-counts-no-instance', ['HDR-4'], 'X-AppEngine-TaskExecutionCount counts no-instance failures', ExecutionCountCountsNoInstance),
  mutant('previous-response-wrong', ['HDR-6'], 'X-AppEngine-TaskPreviousResponse always 500', PreviousResponseWrong),
  mutant('rate-ignored', ['PUSH-2', 'INST-2'], 'the token bucket is ignored', RateIgnored),
  mutant('max-concurrent-ignored', ['PUSH-3'], 'max_concurrent_requests is ignored', MaxConcurrentIgnored),
  mutant('eta-ignored', ['PUSH-4'], 'ETA and countdown are ignored', EtaIgnored),
  mutant('pause-ignored', ['PUSH-8'], 'pause is acknowledged and ignored', PauseIgnored),
  mutant('redirect-is-success', ['PUSH-6', 'HANDLER-2'], 'a 3xx answer counts as success', RedirectIsSuccess),
  mutant('backoff-without-linear-phase', ['RETRY-4'], 'backoff keeps doubling past max_doublings', BackoffWithoutLinearPhase),
  mutant('retry-limit-off-by-one', ['RETRY-1', 'RETRY-5'], 'one retry more than task_retry_limit', RetryLimitOffByOne),
  mutant('exhausted-redelivered', ['RETRY-5'], 'an exhausted task is delivered once more', ExhaustedRedelivered),
  mutant('redeliver-after-success', ['HANDLER-1'], 'every task is delivered again after its 2xx (INV-NODUP)', RedeliverAfterSuccess),
  mutant('no-tombstones', ['TASK-2'], 'deleted and finished names can be added again at once', NoTombstones),
  mutant('lease-not-exclusive', ['PULL-3'], 'a lease also hands out tasks other leases hold', LeaseNotExclusive),
  mutant('lease-expiry-ignored', ['PULL-4'], 'a task whose lease expired is never leased again', LeaseExpiryIgnored),
  mutant('lease-by-tag-ignores-tag', ['PULL-6'], 'lease by tag ignores the tag', LeaseByTagIgnoresTag),
  mutant('delete-ignored', ['PULL-7'], 'deleting a pull task does nothing', DeleteIgnored),
];

export function findMutant(name: string): MutantInfo | undefined {
  return MUTANTS.find((m) => m.name === name);
}
