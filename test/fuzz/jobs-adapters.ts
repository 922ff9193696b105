/**
 * Adapter factories for the --jobs tests (src/fuzz/jobs.ts `factory`): the registry's queues, except
 * in the worker threads of chosen jobs, where making the queue goes wrong the way a broken adapter can.
 */
import { isMainThread, workerData } from 'node:worker_threads';
import type { QueueUnderTest } from '../../src/adapters/contract.js';
import { createAdapter as fromRegistry } from '../../src/adapters/registry.js';
import type { JobData } from '../../src/fuzz/jobs.js';

/** Job 2 throws in its constructor; job 3's thread exits in the middle of describing its queue. */
export function createBrokenInJobs(spec: string): QueueUnderTest {
  const job = isMainThread ? 0 : (workerData as JobData).fuzz.shard?.index;
  if (job === 2) throw new Error('the adapter constructor failed in job 2');
  const queue = fromRegistry(spec);
  if (job !== 3) return queue;
  return Object.assign(queue, {
    describe: (): never => process.exit(7), // in a worker thread: ends the thread, not the process
  });
}
