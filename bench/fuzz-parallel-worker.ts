/**
 * One worker of benchFuzzParallel: the one-thread bench's round (fuzzRound) after the same warm-up,
 * each timed round started when the main thread releases it, so every worker runs the round at once.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fuzzRound, loadFuzzModules, WARMUP_ROUNDS } from './fuzz.bench.js';

const { go, rounds } = workerData as { go: SharedArrayBuffer; rounds: number };
const released = new Int32Array(go);
const round = fuzzRound(await loadFuzzModules(() => {}));
for (let i = 0; i < WARMUP_ROUNDS; i++) await round();
parentPort!.postMessage({ type: 'ready' });
for (let r = 1; r <= rounds; r++) {
  while (Atomics.load(released, 0) < r) Atomics.wait(released, 0, r - 1);
  const failed = await round();
  parentPort!.postMessage({ type: 'done', round: r, failed });
}
