/** Mutants that send wrong X-AppEngine headers (HDR-3, HDR-4, HDR-6). */
import type { Delivery } from '../../model/types.js';
import type { TraceEvent } from '../../sim/events.js';
import type { PushRequest, RunSetup } from '../contract.js';
import { ReferenceQueue } from '../reference.js';
import { withHeader } from './util.js';

/** HDR-3: RetryCount one too high on every retry (counts from the attempt, not from 0). */
export class RetryCountOffByOne extends ReferenceQueue {
  protected override request(d: Delivery): PushRequest {
    const req = super.request(d);
    return d.attempt > 1 ? withHeader(req, 'X-AppEngine-TaskRetryCount', String(d.attempt)) : req;
  }
}

/** HDR-4: ExecutionCount also counts attempts that failed for lack of an instance (INST-2). */
export class ExecutionCountCountsNoInstance extends ReferenceQueue {
  private readonly noInstance = new Map<number, number>();

  override async reset(setup: RunSetup): Promise<void> {
    this.noInstance.clear();
    await super.reset(setup);
  }

  protected override observe(ev: TraceEvent): void {
    super.observe(ev);
    if (ev.e === 'response' && ev.out === 'no-instance') this.noInstance.set(ev.id, (this.noInstance.get(ev.id) ?? 0) + 1);
  }

  protected override request(d: Delivery): PushRequest {
    const req = super.request(d);
    const extra = this.noInstance.get(d.id) ?? 0;
    if (extra === 0) return req;
    return withHeader(req, 'X-AppEngine-TaskExecutionCount', String(Number(req.headers['X-AppEngine-TaskExecutionCount']) + extra));
  }
}

/** HDR-6: PreviousResponse always says 500, whatever the previous attempt got. */
export class PreviousResponseWrong extends ReferenceQueue {
  protected override request(d: Delivery): PushRequest {
    const req = super.request(d);
    return req.headers['X-AppEngine-TaskPreviousResponse'] !== undefined ? withHeader(req, 'X-AppEngine-TaskPreviousResponse', '500') : req;
  }
}
