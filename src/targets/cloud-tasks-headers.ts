/**
 * CloudTasksHeaders: a Cloud Tasks HTTP target's view of a delivery (CT-2). The same deliveries as an
 * App Engine handler gets, with the queue's headers under their `X-CloudTasks-*` names; FailFast
 * (HDR-8) has no HTTP-target form and is left out. A decorator, like ScriptedTarget.
 */
import type { PushAnswer, PushRequest } from '../sim/exchange.js';
import type { Delivery } from '../model/types.js';
import { wireOf, type DeliverOptions, type Target } from './types.js';

/** CT-2: X-AppEngine-<Name> → X-CloudTasks-<Name> for the seven headers an HTTP target receives. */
const RENAMED: Record<string, string> = {
  'x-appengine-queuename': 'X-CloudTasks-QueueName',
  'x-appengine-taskname': 'X-CloudTasks-TaskName',
  'x-appengine-taskretrycount': 'X-CloudTasks-TaskRetryCount',
  'x-appengine-taskexecutioncount': 'X-CloudTasks-TaskExecutionCount',
  'x-appengine-tasketa': 'X-CloudTasks-TaskETA',
  'x-appengine-taskpreviousresponse': 'X-CloudTasks-TaskPreviousResponse',
  'x-appengine-taskretryreason': 'X-CloudTasks-TaskRetryReason',
};

/** Cloud Tasks names itself on every HTTP-target request. */
export const CLOUD_TASKS_USER_AGENT = 'Google-Cloud-Tasks';

export function toCloudTasksHeaders(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  let hasAgent = false;
  for (const [k, v] of Object.entries(h)) {
    const lower = k.toLowerCase();
    if (lower === 'user-agent') hasAgent = true;
    const renamed = RENAMED[lower];
    if (renamed) out[renamed] = v;
    else if (!lower.startsWith('x-appengine-')) out[k] = v;
  }
  if (!hasAgent) out['User-Agent'] = CLOUD_TASKS_USER_AGENT;
  return out;
}

export class CloudTasksHeaders implements Target {
  readonly description: string;

  /** `owned`: close the inner target with this one. */
  constructor(
    private readonly inner: Target,
    private readonly owned = false,
  ) {
    this.description = inner.description;
  }

  private renamed(d: Delivery): Delivery {
    return { ...d, headers: toCloudTasksHeaders(d.headers) };
  }

  wire(d: Delivery): PushRequest {
    return wireOf(this.inner, this.renamed(d));
  }

  deliver(d: Delivery, opts: DeliverOptions): Promise<PushAnswer> {
    return this.inner.deliver(this.renamed(d), opts);
  }

  async close(): Promise<void> {
    if (this.owned) await this.inner.close();
  }
}
