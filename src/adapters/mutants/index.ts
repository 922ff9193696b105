/**
 * The built-in mutants: deliberately broken variants of the reference, each a small subclass that
 * transforms one behaviour. They prove the fuzzer has teeth: every one must be caught within the
 * default run count, with a short counterexample citing `rules`.
 */
import type { QueueUnderTest } from '../contract.js';
import type { RuleId } from '../../rules/index.js';
import { ReferenceQueue } from '../reference.js';
import { ExecutionCountCountsNoInstance, PreviousResponseWrong, RetryCountOffByOne } from './headers.js';
import { DeleteIgnored, LeaseByTagIgnoresTag, LeaseExpiryIgnored, LeaseNotExclusive } from './pull.js';
import { EtaIgnored, MaxConcurrentIgnored, PauseIgnored, RateIgnored, RedirectIsSuccess } from './push.js';
import { BackoffWithoutLinearPhase, ExhaustedRedelivered, RedeliverAfterSuccess, RetryLimitOffByOne } from './retry.js';
import { NoTombstones } from './tasks.js';

export interface MutantInfo {
  name: string;
  /** The rules a catch may cite (the first is the one the mutant breaks). */
  rules: readonly RuleId[];
  description: string;
  create(): QueueUnderTest;
}

function mutant(name: string, rules: RuleId[], description: string, Ctor: new (name: string) => QueueUnderTest): MutantInfo {
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

/**
 * A mutant by name, or several planted at once: `a+b+c` (each a defect of its own, for campaigns
 * that must find them all). Mutants combine when each overrides its own methods of the reference;
 * two that override the same method are refused (the combination would be neither).
 */
export function findMutant(name: string): MutantInfo | undefined {
  if (!name.includes('+')) return MUTANTS.find((m) => m.name === name);
  const parts = name.split('+').map((n) => MUTANTS.find((m) => m.name === n));
  if (parts.some((m) => m === undefined) || new Set(parts).size !== parts.length) return undefined;
  const list = parts as MutantInfo[];
  combinedPrototype(list); // refuses overlapping mutants now, not at the first run
  return {
    name,
    rules: list.flatMap((m) => m.rules),
    description: list.map((m) => m.description).join('; '),
    create: () => {
      const q = Object.create(combinedPrototype(list)) as ReferenceQueue;
      // The reference's own fields, then each mutant's (a Map it keeps, say).
      Object.assign(q, new ReferenceQueue(`mutant:${name}`));
      const base = new ReferenceQueue();
      for (const m of list) {
        const inst = m.create() as unknown as Record<string, unknown>;
        for (const k of Object.keys(inst)) if (!(k in base)) (q as unknown as Record<string, unknown>)[k] = inst[k];
      }
      return q;
    },
  };
}

export class OverlappingMutants extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OverlappingMutants';
  }
}

/** A prototype below the reference's carrying each mutant's overrides (their `super` stays the reference). */
function combinedPrototype(list: readonly MutantInfo[]): object {
  const proto = Object.create(ReferenceQueue.prototype) as object;
  const owner = new Map<string, string>();
  for (const m of list) {
    const own = Object.getPrototypeOf(m.create()) as object;
    if (Object.getPrototypeOf(own) !== ReferenceQueue.prototype) throw new OverlappingMutants(`mutant ${m.name} does not extend the reference directly; it cannot be combined`);
    for (const key of Object.getOwnPropertyNames(own)) {
      if (key === 'constructor') continue;
      if (owner.has(key)) throw new OverlappingMutants(`mutants ${owner.get(key)} and ${m.name} both change ${key}; they cannot be combined`);
      owner.set(key, m.name);
      Object.defineProperty(proto, key, Object.getOwnPropertyDescriptor(own, key)!);
    }
  }
  return proto;
}
