/**
 * `--jobs N` as a library call (src/fuzz/jobs.ts), on real worker threads: jobs inside a shard, the
 * progress summed over the workers, a worker that dies becoming part of the report (never a hang),
 * and the refusals. That job j of N finds what shard j/N finds, tokens and JUnit included, is shown
 * on the built CLI (test/cli/fuzz-jobs.test.ts).
 *
 * jobs.ts is the build's (test/helpers/built.ts): its workers start as the installed CLI's do, in
 * plain JavaScript, instead of each loading the TypeScript sources through a loader of its own.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createAdapter } from '../../src/adapters/registry.js';
import { runFuzz, type FuzzReport } from '../../src/fuzz/campaign.js';
import { mergeReports } from '../../src/fuzz/merge.js';
import { runFuzzJobs as runFuzzJobsFromSources, type JobsReport } from '../../src/fuzz/jobs.js';
import { fuzzVerdict } from '../../src/cli/fuzz.js';
import { builtTestModule, importBuilt } from '../helpers/built.js';

const { JobsRefused, parseJobs, runFuzzJobs } =
  await importBuilt<typeof import('../../src/fuzz/jobs.js')>('src/fuzz/jobs.ts');
/** The broken factories (jobs-adapters.ts), importable by the build's workers. */
const brokenInJobs = builtTestModule('test/fuzz/jobs-adapters.ts');
afterAll(() => brokenInJobs.dispose());

describe('fuzz --jobs (worker threads)', () => {
  it('jobs inside a shard split the shard, and the shard reports still merge into the campaign', async () => {
    // shardRuns(10, i/2) = 5 each; shard 1's job j of 2 then runs shardRuns(5, j/2) = 3 and 2.
    const opts = { adapter: 'reference', seed: 1, runs: 10 };
    const progress: number[] = [];
    const parts: FuzzReport[] = [
      await runFuzzJobs({
        ...opts,
        jobs: 2,
        queue: createAdapter('reference'),
        shard: { index: 1, count: 2 },
        onRun: (done) => progress.push(done),
      }),
      await runFuzz({ ...opts, queue: createAdapter('reference'), shard: { index: 2, count: 2 } }),
    ];
    // Progress adds up over the workers: never backwards, ending at every run of the shard.
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1]);
    expect(progress.at(-1)).toBe(5);
    expect(parts[0]).toMatchObject({ ok: true, runs: 5, seed: 1, shard: { index: 1, count: 2 }, jobs: 2 });
    expect(parts[1]).toMatchObject({ ok: true, runs: 5, seed: 1, shard: { index: 2, count: 2 } });
    const merged = mergeReports(parts.map((report, i) => ({ file: `shard ${i + 1}`, report })));
    expect(merged).toMatchObject({ ok: true, runs: 10, missing: [] });
  });

  it('a worker that dies is a finding of the report and a failing verdict, not a hang; what the others did still counts', async () => {
    const r = (await runFuzzJobs({
      jobs: 3,
      adapter: 'reference',
      queue: createAdapter('reference'),
      seed: 1,
      runs: 9,
      factory: { module: brokenInJobs.url, export: 'createBrokenInJobs' },
    })) as JobsReport;
    expect(r.ok).toBe(false);
    // The first death stops the other jobs at their next run: job 1 did up to its third of 9, however far it got.
    expect(r.runs).toBeLessThanOrEqual(3);
    expect(r.crashed).toEqual([
      { job: 2, message: expect.stringContaining('the adapter constructor failed in job 2') },
      { job: 3, message: expect.stringContaining('exit code 7') },
    ]);
    expect(r.stopped).toMatch(/job 2\/3 crashed: .*constructor failed/);
    const verdict = fuzzVerdict(r);
    expect(verdict.code).toBe(1);
    expect(verdict.message).toMatch(/fuzz job 2 of 3 crashed: .*constructor failed in job 2/);
    expect(verdict.message).toMatch(/fuzz job 3 of 3 crashed: .*exit code 7/);
    expect(verdict.message).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('is refused for a queue that is not one per instance in this process, and with --replay', async () => {
    const http = createAdapter('http://127.0.0.1:9');
    await expect(runFuzzJobs({ jobs: 2, adapter: 'http://127.0.0.1:9', queue: http, seed: 1 })).rejects.toThrow(
      JobsRefused,
    );
    await expect(
      runFuzzJobs({ jobs: 2, adapter: 'reference', queue: createAdapter('reference'), seed: 1, replay: 'x' }),
    ).rejects.toThrow(/--replay/);
  });

  it('from the TypeScript sources, its workers start through the TypeScript loader and run their shares', async () => {
    // The path of a checkout run without a build (the benches): the tests above start the build's workers.
    const r = await runFuzzJobsFromSources({
      adapter: 'reference',
      seed: 3,
      runs: 2,
      jobs: 2,
      queue: createAdapter('reference'),
    });
    expect(r).toMatchObject({ ok: true, runs: 2, seed: 3, jobs: 2 });
    expect((r as JobsReport).crashed).toBeUndefined();
  });

  it('parses --jobs: 1…64 or auto', () => {
    expect(parseJobs('3')).toBe(3);
    expect(parseJobs('auto')).toBeGreaterThanOrEqual(1);
    expect(parseJobs('0')).toBeUndefined();
    expect(parseJobs('65')).toBeUndefined();
    expect(parseJobs('2x')).toBeUndefined();
  });
});
