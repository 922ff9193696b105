/**
 * A small builder of hand-made traces for the checker tests. By default it writes what a correct
 * engine would (headers from the task's own history, lat from the dispatch); every method takes
 * overrides so a test can break exactly one thing.
 */
import { expect } from 'vitest';
import type { DeliveryHeaders, EndEvent, Outcome, TraceEvent } from '../../src/sim/events.js';
import type { ProfileName, ProfileOptions, QueueConfig, ResolvedConfig } from '../../src/model/config.js';
import { PROFILES } from '../../src/model/profiles.js';
import type { RuleId } from '../../src/rules/index.js';
import { DEFAULT_EPOCH_US, US_PER_M, formatEpochSeconds } from '../../src/sim/time.js';
import { checkTrace, type InvariantId, type InvariantResult } from '../../src/invariants/index.js';

/** A queue with generous defaults (so tests only meet the limit they set). */
export function queue(name: string, over: Partial<QueueConfig> = {}): QueueConfig {
  return {
    name,
    mode: 'push',
    ratePerSec: 1000,
    rate: '1000/s',
    bucketSize: 1000,
    ...over,
    retry: { minBackoffUs: 100_000, maxBackoffUs: 3600_000_000, maxDoublings: 16, ...over.retry },
  };
}

/** SPEC §10 readings the checkers know besides the engine's ProfileOptions (HDR-4 / CT-5, HDR-5). */
export interface MoreReadings {
  executionCounts5xx?: boolean;
  retryEtaHeader?: 'retry' | 'original';
}

export interface BuilderOptions {
  queues?: QueueConfig[];
  profile?: ProfileName;
  options?: Partial<ProfileOptions> & MoreReadings;
  deadlineUs?: number;
}

interface TaskFacts {
  q: string;
  name: string;
  eta: number;
  /** The ETA given at add (HDR-5's `original` reading). */
  firstEta: number;
  attempts: number;
  executions: number;
  prev?: { status: number; out: Outcome };
  dispatchedAt: number;
}

export class TraceBuilder {
  readonly events: TraceEvent[] = [];
  readonly config: ResolvedConfig;
  private readonly tasks = new Map<number, TaskFacts>();

  constructor(opts: BuilderOptions = {}) {
    const profile = opts.profile ?? 'appengine';
    this.config = {
      profile,
      options: { ...PROFILES[profile], ...opts.options },
      queues: opts.queues ?? [queue('default')],
      scaling: 'automatic',
      deadlineUs: opts.deadlineUs ?? 10 * US_PER_M,
    };
    this.events.push({ t: 0, e: 'config', seed: 1, epochUs: DEFAULT_EPOCH_US, config: this.config });
  }

  private moreOptions(): MoreReadings {
    return this.config.options as MoreReadings;
  }

  private task(id: number): TaskFacts {
    const f = this.tasks.get(id);
    if (!f) throw new Error(`builder: task ${id} was not added`);
    return f;
  }

  add(id: number, t: number, o: { q?: string; eta?: number; name?: string; tag?: string } = {}): this {
    const f: TaskFacts = {
      q: o.q ?? 'default',
      name: o.name ?? `task-${id}`,
      eta: o.eta ?? t,
      firstEta: o.eta ?? t,
      attempts: 0,
      executions: 0,
      dispatchedAt: 0,
    };
    this.tasks.set(id, f);
    this.events.push({
      t,
      e: 'add',
      id,
      q: f.q,
      name: f.name,
      named: o.name !== undefined,
      eta: f.eta,
      size: 10,
      ...(o.tag !== undefined ? { tag: o.tag } : {}),
    });
    return this;
  }

  /** The headers a correct engine sends for the task's next attempt. */
  headers(id: number): DeliveryHeaders {
    const f = this.task(id);
    const h: DeliveryHeaders = {
      qn: f.q,
      tn: f.name,
      rc: String(f.attempts),
      ec: String(f.executions),
      eta: formatEpochSeconds(
        DEFAULT_EPOCH_US + (this.moreOptions().retryEtaHeader === 'original' ? f.firstEta : f.eta),
      ),
    };
    if (f.prev) {
      h.pr = String(f.prev.status);
      h.rr = f.prev.out === 'error' ? 'App Error' : 'Instance Unavailable';
    }
    return h;
  }

  dispatch(
    id: number,
    t: number,
    o: { h?: Partial<DeliveryHeaders>; n?: number; dup?: boolean; q?: string } = {},
  ): this {
    const f = this.task(id);
    const h = { ...this.headers(id), ...o.h };
    for (const k of Object.keys(h) as (keyof DeliveryHeaders)[]) if (h[k] === undefined) delete h[k];
    if (!o.dup) f.attempts++;
    f.dispatchedAt = t;
    this.events.push({ t, e: 'dispatch', id, q: o.q ?? f.q, n: o.n ?? f.attempts, h, ...(o.dup ? { dup: true } : {}) });
    return this;
  }

  respond(id: number, t: number, status: number, o: { out?: Outcome; lat?: number; dup?: boolean } = {}): this {
    const f = this.task(id);
    const out: Outcome = o.out ?? (status >= 200 && status < 300 ? 'ok' : status === 0 ? 'no-instance' : 'error');
    if (!o.dup) {
      f.prev = { status, out };
      // HDR-4: handler failures count; CT-5: Cloud Tasks leaves out every 5xx; §10: deadlines by option.
      const options = this.moreOptions();
      const skips5xx =
        options.executionCounts5xx === undefined ? this.config.profile === 'cloud-tasks' : !options.executionCounts5xx;
      const counts =
        out === 'error'
          ? !(skips5xx && status >= 500 && status <= 599)
          : out === 'deadline' && this.config.options.deadlineCountsAsExecution;
      if (counts) f.executions++;
    }
    this.events.push({ t, e: 'response', id, q: f.q, n: f.attempts, status, out, lat: o.lat ?? t - f.dispatchedAt });
    return this;
  }

  /** dispatch at t, response lat later (default 1 ms). */
  attempt(
    id: number,
    t: number,
    status: number,
    o: { out?: Outcome; lat?: number; h?: Partial<DeliveryHeaders> } = {},
  ): this {
    const lat = o.lat ?? 1000;
    return this.dispatch(id, t, { h: o.h }).respond(id, t + lat, status, { out: o.out, lat });
  }

  retry(id: number, t: number, eta: number): this {
    const f = this.task(id);
    f.eta = eta;
    this.events.push({ t, e: 'retry', id, q: f.q, n: f.attempts + 1, eta });
    return this;
  }

  success(id: number, t: number): this {
    this.events.push({ t, e: 'success', id, q: this.task(id).q, n: this.task(id).attempts });
    return this;
  }

  exhaust(id: number, t: number, rule: RuleId = 'RETRY-1'): this {
    this.events.push({ t, e: 'exhaust', id, q: this.task(id).q, n: this.task(id).attempts, rule });
    return this;
  }

  del(id: number, t: number): this {
    this.events.push({ t, e: 'delete', id, q: this.task(id).q });
    return this;
  }

  rate(q: string, t: number, rate: number): this {
    this.events.push({ t, e: 'rate', q, rate });
    return this;
  }

  pause(q: string, t: number): this {
    this.events.push({ t, e: 'pause', q });
    return this;
  }

  resume(q: string, t: number): this {
    this.events.push({ t, e: 'resume', q });
    return this;
  }

  leaseCall(
    q: string,
    t: number,
    got: number,
    w = 'w1',
    o: { max?: number; secs?: number; tag?: string; result?: 'ok' | 'capped' | 'transient' } = {},
  ): this {
    this.events.push({
      t,
      e: 'lease-call',
      q,
      w,
      max: o.max ?? 10,
      secs: o.secs ?? 60,
      ...(o.tag !== undefined ? { tag: o.tag } : {}),
      got,
      result: o.result ?? 'ok',
    });
    return this;
  }

  lease(id: number, t: number, until: number, n: number, w = 'w1'): this {
    this.events.push({ t, e: 'lease', id, q: this.task(id).q, w, until, n });
    return this;
  }

  modify(id: number, t: number, until: number): this {
    this.events.push({ t, e: 'modify', id, q: this.task(id).q, until });
    return this;
  }

  expire(id: number, t: number): this {
    this.events.push({ t, e: 'expire', id, q: this.task(id).q });
    return this;
  }

  end(t: number, reason: EndEvent['reason'] = 'idle'): this {
    this.events.push({ t, e: 'end', reason });
    return this;
  }

  check(): Promise<InvariantResult[]> {
    return checkTrace(this.events);
  }
}

export function resultOf(results: InvariantResult[], inv: InvariantId): InvariantResult {
  const r = results.find((x) => x.id === inv);
  if (!r) throw new Error(`no result for ${inv}`);
  return r;
}

/** The trace breaks `inv` by `rule`, and (unless others are listed) no other invariant fails. */
export function expectFails(
  results: InvariantResult[],
  inv: InvariantId,
  rule: string,
  alsoFailing: InvariantId[] = [],
): void {
  const r = resultOf(results, inv);
  expect(r.status, JSON.stringify(r)).toBe('fail');
  expect(r.examples.map((v) => v.rule)).toContain(rule);
  for (const v of r.examples) expect(v.inv).toBe(inv);
  const others = results.filter((x) => x.status === 'fail' && x.id !== inv && !alsoFailing.includes(x.id));
  expect(others, JSON.stringify(others)).toEqual([]);
}

/** Nothing fails, and `inv` itself was judged and passed. */
export function expectPasses(results: InvariantResult[], inv: InvariantId): void {
  const failing = results.filter((x) => x.status === 'fail');
  expect(failing, JSON.stringify(failing)).toEqual([]);
  expect(resultOf(results, inv).status).toBe('pass');
}
