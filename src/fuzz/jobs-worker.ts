/**
 * One job of `tasksim fuzz --jobs N`, in its own worker thread: makes its own queue (the factory
 * module's function, the registry's createAdapter by default), runs its shard of the campaign with
 * runFuzz, and posts what happens to the main thread (jobs.ts): the plan, each run, then the report
 * or the error. The main thread asks it to stop through a shared flag: a campaign in virtual time
 * never yields to the event loop, so a message would arrive only after the last run.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { QueueUnderTest } from '../adapters/contract.js';
import { runFuzz } from './campaign.js';
import type { JobData, JobMessage } from './jobs.js';

const data = workerData as JobData;
const port = parentPort!;
const post = (m: JobMessage): void => port.postMessage(m);
const stop = new Int32Array(data.stop);

try {
  const mod = (await import(data.factory.module)) as Record<string, unknown>;
  const create = mod[data.factory.export];
  if (typeof create !== 'function')
    throw new Error(`${data.factory.module} exports no function ${data.factory.export} to make the queue`);
  const queue = (create as (spec: string, http: JobData['http']) => QueueUnderTest)(data.fuzz.adapter, data.http);
  try {
    const report = await runFuzz({
      ...data.fuzz,
      queue,
      onStart: (plan) => post({ type: 'start', plan }),
      onRun: (done, _total, failed) => post({ type: 'run', done, failed }),
      stopRequested: () => Atomics.load(stop, 0) !== 0,
    });
    post({ type: 'report', report });
  } finally {
    await queue.close().catch(() => {});
  }
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  post({ type: 'error', name: e.name, message: e.message, stack: e.stack });
}
