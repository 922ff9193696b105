/** Worker threads for benchmarks: bench files are TypeScript, so each worker registers tsx first. */
import { Worker } from 'node:worker_threads';

export function startTsWorker(entry: URL, workerData: unknown): Worker {
  const href = JSON.stringify(entry.href);
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${href}); });`, {
    eval: true,
    workerData,
  });
}

/** The worker's next message, or its error. */
export function nextMessage<T>(w: Worker): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: T): void => {
      w.off('error', onError);
      resolve(msg);
    };
    const onError = (err: Error): void => {
      w.off('message', onMessage);
      reject(err);
    };
    w.once('message', onMessage);
    w.once('error', onError);
  });
}
