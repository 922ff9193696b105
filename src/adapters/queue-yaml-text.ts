/**
 * A resolved configuration written back as queue.yaml text (CFG-1), so a queue under test in any
 * language can read its configuration in the format it already knows. parseQueueYaml(render(c))
 * gives back c's queues.
 */
import type { QueueConfig, ResolvedConfig } from '../model/config.js';

const S = 1_000_000;

export function renderQueueYaml(config: ResolvedConfig): string {
  const lines = ['queue:'];
  for (const q of config.queues) lines.push(...renderQueue(q));
  return lines.join('\n') + '\n';
}

function renderQueue(q: QueueConfig): string[] {
  const out = [`- name: ${q.name}`];
  if (q.mode === 'pull') out.push('  mode: pull');
  else {
    out.push(`  rate: ${q.rate}`, `  bucket_size: ${q.bucketSize}`);
    if (q.maxConcurrentRequests !== undefined) out.push(`  max_concurrent_requests: ${q.maxConcurrentRequests}`);
    if (q.target !== undefined) out.push(`  target: ${q.target}`);
  }
  const r = q.retry;
  out.push('  retry_parameters:');
  if (r.taskRetryLimit !== undefined) out.push(`    task_retry_limit: ${r.taskRetryLimit}`);
  if (r.taskAgeLimitUs !== undefined) out.push(`    task_age_limit: ${r.taskAgeLimitUs / S}s`);
  out.push(
    `    min_backoff_seconds: ${r.minBackoffUs / S}`,
    `    max_backoff_seconds: ${r.maxBackoffUs / S}`,
    `    max_doublings: ${r.maxDoublings}`,
  );
  return out;
}
