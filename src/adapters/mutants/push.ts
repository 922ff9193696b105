/** Mutants of push dispatch: rate, concurrency, ETA, pause, redirects (PUSH-2/3/4/6/8). */
import type { ResolvedConfig } from '../../model/config.js';
import type { Delivery, NewTask } from '../../model/types.js';
import type { OpOutcome, PushAnswer, TaskSpec } from '../contract.js';
import { ReferenceQueue } from '../reference.js';
import { mapQueues } from './util.js';

/** PUSH-2: the token bucket is ignored (a huge rate and bucket, except rate 0, which still pauses). */
export class RateIgnored extends ReferenceQueue {
  protected override engineConfig(config: ResolvedConfig): ResolvedConfig {
    return mapQueues(config, (q) => (q.mode === 'push' && q.ratePerSec > 0 ? { ...q, ratePerSec: 1e6, bucketSize: 1e6 } : q));
  }
}

/** PUSH-3: max_concurrent_requests is ignored. */
export class MaxConcurrentIgnored extends ReferenceQueue {
  protected override engineConfig(config: ResolvedConfig): ResolvedConfig {
    return mapQueues(config, (q) => {
      const { maxConcurrentRequests: _ignored, ...rest } = q;
      return rest;
    });
  }
}

/** PUSH-4: the task's ETA and countdown are ignored; everything is due at once. */
export class EtaIgnored extends ReferenceQueue {
  protected override toNewTask(spec: TaskSpec): NewTask {
    const { etaUs: _e, countdownUs: _c, ...rest } = spec;
    return super.toNewTask(rest);
  }
}

/** PUSH-8: pausing a queue is acknowledged and does nothing. */
export class PauseIgnored extends ReferenceQueue {
  override async pauseQueue(_queue: string): Promise<OpOutcome> {
    return { ok: true };
  }
}

/** PUSH-6: a 3xx counts as success, as if the redirect had been followed. */
export class RedirectIsSuccess extends ReferenceQueue {
  protected override toResult(answer: PushAnswer, d: Delivery): PushAnswer {
    const r = super.toResult(answer, d);
    return answer.status >= 300 && answer.status < 400 ? { ...r, outcome: 'ok' } : r;
  }
}
