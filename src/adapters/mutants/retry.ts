/** Mutants of retries and their end: backoff, limits, redelivery (RETRY-1/4/5, HANDLER-1). */
import type { ResolvedConfig } from '../../model/config.js';
import type { Delivery, ServiceModel } from '../../model/types.js';
import { UNLIMITED_SERVICE } from '../../model/types.js';
import type { TraceEvent } from '../../sim/events.js';
import type { PushRequest, RunSetup } from '../contract.js';
import { ReferenceQueue } from '../reference.js';
import { mapQueues, withHeader } from './util.js';

/** RETRY-4: the backoff keeps doubling up to max_backoff; the linear phase after max_doublings never comes. */
export class BackoffWithoutLinearPhase extends ReferenceQueue {
  protected override engineConfig(config: ResolvedConfig): ResolvedConfig {
    return mapQueues(config, (q) => ({ ...q, retry: { ...q.retry, maxDoublings: 60 } }));
  }
}

/** RETRY-1: one retry more than task_retry_limit allows. */
export class RetryLimitOffByOne extends ReferenceQueue {
  protected override engineConfig(config: ResolvedConfig): ResolvedConfig {
    return mapQueues(config, (q) =>
      q.mode === 'push' && q.retry.taskRetryLimit !== undefined ? { ...q, retry: { ...q.retry, taskRetryLimit: q.retry.taskRetryLimit + 1 } } : q,
    );
  }
}

/** RETRY-5: a task that exhausted its limits is delivered once more anyway. */
export class ExhaustedRedelivered extends ReferenceQueue {
  private readonly last = new Map<number, PushRequest>();

  override async reset(setup: RunSetup): Promise<void> {
    this.last.clear();
    await super.reset(setup);
  }

  protected override request(d: Delivery): PushRequest {
    const req = super.request(d);
    this.last.set(d.id, req);
    return req;
  }

  protected override observe(ev: TraceEvent): void {
    super.observe(ev);
    const prev = ev.e === 'exhaust' && ev.rule === 'RETRY-5' ? this.last.get(ev.id) : undefined;
    if (prev) {
      const rc = String(Number(prev.headers['X-AppEngine-TaskRetryCount']) + 1);
      this.sendLater({ ...withHeader(prev, 'X-AppEngine-TaskRetryCount', rc), atUs: ev.t });
    }
  }
}

/** HANDLER-1 / INV-NODUP: every task that succeeded is delivered a second time (unmarked). */
export class RedeliverAfterSuccess extends ReferenceQueue {
  protected override serviceModel(): ServiceModel {
    return { ...UNLIMITED_SERVICE, duplicateRate: 1 };
  }
}
