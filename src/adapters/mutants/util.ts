/** Small helpers the mutants share. */
import type { QueueConfig, ResolvedConfig } from '../../model/config.js';
import type { PushRequest } from '../contract.js';

export function withHeader(req: PushRequest, name: string, value: string): PushRequest {
  return { ...req, headers: { ...req.headers, [name]: value } };
}

/** A copy of the config with each queue transformed (the harness keeps judging by the original). */
export function mapQueues(config: ResolvedConfig, fn: (q: QueueConfig) => QueueConfig): ResolvedConfig {
  return { ...config, queues: config.queues.map((q) => fn({ ...q, retry: { ...q.retry } })) };
}
