/**
 * The built-in mutants: deliberately broken variants of the reference, each a decorator over it that
 * changes one behaviour through explicit hooks (./decorator.ts). They prove the fuzzer has teeth: every
 * one must be caught within the default run count, with a short counterexample citing `rules`.
 */
import type { RuleId } from '../../rules/index.js';
import { MutantQueue, mergeParts, type MutantParts } from './decorator.js';
import { executionCountCountsNoInstance, previousResponseWrong, retryCountOffByOne } from './headers.js';
import { deleteIgnored, leaseByTagIgnoresTag, leaseExpiryIgnored, leaseNotExclusive } from './pull.js';
import {
  etaIgnored,
  maxConcurrentIgnored,
  pauseIgnored,
  rateIgnored,
  redirectIsSuccess,
  resumeIgnored,
} from './push.js';
import { backoffWithoutLinearPhase, exhaustedRedelivered, redeliverAfterSuccess, retryLimitOffByOne } from './retry.js';
import { runTaskIgnored } from './run-task.js';
import { noTombstones } from './tasks.js';

export { MutantQueue, OverlappingMutants } from './decorator.js';

export interface MutantInfo {
  name: string;
  /** The rules a catch may cite (the first is the one the mutant breaks). */
  rules: readonly RuleId[];
  description: string;
  /** A fresh queue with the defect (each has its own state). */
  create(): MutantQueue;
  /** The defect itself, fresh each call (for combining mutants). */
  parts(): MutantParts;
}

function mutant(name: string, rules: RuleId[], description: string, parts: () => MutantParts): MutantInfo {
  return { name, rules, description, parts, create: () => new MutantQueue(`mutant:${name}`, parts()) };
}

export const MUTANTS: readonly MutantInfo[] = [
  mutant('retry-count-off-by-one', ['HDR-3'], 'X-AppEngine-TaskRetryCount one too high on retries', retryCountOffByOne),
  mutant(
    'execution-count-counts-no-instance',
    ['HDR-4'],
    'X-AppEngine-TaskExecutionCount counts no-instance failures',
    executionCountCountsNoInstance,
  ),
  mutant('previous-response-wrong', ['HDR-6'], 'X-AppEngine-TaskPreviousResponse always 500', previousResponseWrong),
  mutant('rate-ignored', ['PUSH-2', 'INST-2'], 'the token bucket is ignored', rateIgnored),
  mutant('max-concurrent-ignored', ['PUSH-3'], 'max_concurrent_requests is ignored', maxConcurrentIgnored),
  // A pull task with an ETA is leasable before it (PULL-2: a lease returns available tasks only).
  mutant('eta-ignored', ['PUSH-4', 'PULL-2'], 'ETA and countdown are ignored', etaIgnored),
  mutant('pause-ignored', ['PUSH-8'], 'pause is acknowledged and ignored', pauseIgnored),
  mutant('redirect-is-success', ['PUSH-6', 'HANDLER-2'], 'a 3xx answer counts as success', redirectIsSuccess),
  mutant(
    'backoff-without-linear-phase',
    ['RETRY-4'],
    'backoff keeps doubling past max_doublings',
    backoffWithoutLinearPhase,
  ),
  mutant('retry-limit-off-by-one', ['RETRY-1', 'RETRY-5'], 'one retry more than task_retry_limit', retryLimitOffByOne),
  mutant('exhausted-redelivered', ['RETRY-5'], 'an exhausted task is delivered once more', exhaustedRedelivered),
  mutant(
    'redeliver-after-success',
    ['HANDLER-1'],
    'every task is delivered again after its 2xx (INV-NODUP)',
    redeliverAfterSuccess,
  ),
  mutant('no-tombstones', ['TASK-2'], 'deleted and finished names can be added again at once', noTombstones),
  mutant('lease-not-exclusive', ['PULL-3'], 'a lease also hands out tasks other leases hold', leaseNotExclusive),
  mutant('lease-expiry-ignored', ['PULL-4'], 'a task whose lease expired is never leased again', leaseExpiryIgnored),
  mutant('lease-by-tag-ignores-tag', ['PULL-6'], 'lease by tag ignores the tag', leaseByTagIgnoresTag),
  mutant('delete-ignored', ['PULL-7'], 'deleting a pull task does nothing', deleteIgnored),
  // Shows as a refusal it did not make (CT-4) or as the attempt it owed never made (PUSH-5).
  mutant('run-task-ignored', ['CT-4', 'PUSH-5'], 'RunTask answers OK and dispatches nothing', runTaskIgnored),
  mutant('resume-ignored', ['PUSH-8'], 'resume is acknowledged and the queue stays paused', resumeIgnored),
];

/**
 * A mutant by name, or several planted at once: `a+b+c` (each a defect of its own, for campaigns
 * that must find them all). Their parts merge; two that change the same hook or call are refused.
 */
export function findMutant(name: string): MutantInfo | undefined {
  if (!name.includes('+')) return MUTANTS.find((m) => m.name === name);
  const found = name.split('+').map((n) => MUTANTS.find((m) => m.name === n));
  if (found.some((m) => m === undefined) || new Set(found).size !== found.length) return undefined;
  const list = found as MutantInfo[];
  const parts = (): MutantParts => mergeParts(list.map((m) => ({ name: m.name, parts: m.parts() })));
  parts(); // refuses overlapping mutants now, not at the first run
  return {
    name,
    rules: list.flatMap((m) => m.rules),
    description: list.map((m) => m.description).join('; '),
    parts,
    create: () => new MutantQueue(`mutant:${name}`, parts()),
  };
}
