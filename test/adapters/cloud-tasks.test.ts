/**
 * `--adapter cloud-tasks://…`: tasksim serve (in-process, 127.0.0.1, port 0) fuzzed through the
 * official Cloud Tasks client over gRPC, on its virtual clock (moved through the control port) and on
 * the wall clock (the calibrated tolerances), with no difference; and serve's mutants caught.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFuzz } from '../../src/fuzz/campaign.js';
import { formatText } from '../../src/fuzz/report.js';
import { resumeNotRestarting, runTaskIgnored, serveAndAdapt, type ServedQueue } from './cloud-tasks-harness.js';

describe('cloud-tasks:// against tasksim serve, virtual clock', () => {
  let served: ServedQueue;
  beforeAll(async () => {
    served = await serveAndAdapt('virtual');
  });
  afterAll(async () => {
    await served?.close();
  });

  it('declares what Cloud Tasks lacks, and controls the clock', async () => {
    expect(await served.queue.describe()).toEqual({
      controlsClock: true, outages: false, events: false, lacks: ['pull', 'deadlines', 'queueYaml', 'latency'],
    });
  });

  it('finds no difference in 30 runs', async () => {
    const report = await runFuzz({ adapter: served.address, queue: served.queue, runs: Number(process.env.CT_RUNS ?? 30), seed: Number(process.env.CT_SEED ?? 11) });
    expect(report.failures ?? [], formatText(report)).toEqual([]);
    expect(report).toMatchObject({ ok: true });
  }, 120_000);
});
