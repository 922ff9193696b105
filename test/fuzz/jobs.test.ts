/**
 * `--jobs N` as a library call (src/fuzz/jobs.ts), on real worker threads: job j of N is shard j/N of
 * the campaign, so the joined report is what runFuzz's shards give merged (merge.ts), the same every
 * time; a worker that dies becomes part of the report, never a hang.
 */
import { describe, expect, it } from 'vitest';
import { createAdapter } from '../../src/adapters/registry.js';
import { runFuzz, type FuzzReport } from '../../src/fuzz/campaign.js';
import { mergeReports } from '../../src/fuzz/merge.js';
import { JobsRefused, parseJobs, runFuzzJobs, type JobsReport } from '../../src/fuzz/jobs.js';
import { fuzzVerdict } from '../../src/cli/fuzz.js';

const MUTANT = 'mutant:retry-count-off-by-one';
const SEED = 8;
const RUNS = 40;

describe('fuzz --jobs (worker threads)', () => {
  it('job j of 2 is shard j/2: the same failures, occurrences and replay tokens as the two shards run alone', async () => {
    const progress: [number, number, number][] = [];
    const jobs = (await runFuzzJobs({
      jobs: 2,
      adapter: MUTANT,
      queue: createAdapter(MUTANT),
      seed: SEED,
      runs: RUNS,
      onRun: (done, total, failed) => progress.push([done, total, failed]),
    })) as JobsReport;
    const shards: FuzzReport[] = [];
    for (const index of [1, 2])
      shards.push(
        await runFuzz({
          adapter: MUTANT,
          queue: createAdapter(MUTANT),
          seed: SEED,
          runs: RUNS,
          shard: { index, count: 2 },
        }),
      );

    // The mutant breaks HDR-3 (retry count one too high): every distinct failure cites it.
    expect(jobs.ok).toBe(false);
    expect(jobs.jobs).toBe(2);
    expect(jobs.runs).toBe(RUNS);
    expect(jobs.shard).toEqual({ index: 1, count: 1 });
    const byRule = new Map<string, { tokens: Set<string>; occurrences: number }>();
    for (const s of shards)
      for (const f of s.failures ?? []) {
        const had = byRule.get(f.rule) ?? { tokens: new Set<string>(), occurrences: 0 };
        had.tokens.add(f.token);
        had.occurrences += f.occurrences;
        byRule.set(f.rule, had);
      }
    expect([...byRule.keys()]).toContain('HDR-3');
    expect(jobs.failures?.map((f) => f.rule).sort()).toEqual([...byRule.keys()].sort());
    for (const f of jobs.failures ?? []) {
      const shard = shards[f.job! - 1];
      const same = shard.failures?.find((g) => g.rule === f.rule);
      // The kept counterexample is one the job's shard found itself, token and all.
      expect(same?.token).toBe(f.token);
      expect(same?.commands).toEqual(f.commands);
      expect(f.occurrences).toBe(byRule.get(f.rule)!.occurrences);
    }
    expect(jobs.failure?.token).toBe(jobs.failures?.find((f) => !f.known)?.token);

    // Progress adds up over the workers: never backwards, ending at every run asked.
    for (let i = 1; i < progress.length; i++) expect(progress[i][0]).toBeGreaterThanOrEqual(progress[i - 1][0]);
    expect(progress.at(-1)).toEqual([RUNS, RUNS, shards.reduce((n, s) => n + occurrencesOf(s), 0)]);
  });

  it('jobs inside a shard split the shard, and the shard reports still merge into the campaign', async () => {
    // shardRuns(10, i/2) = 5 each; shard 1's job j of 2 then runs shardRuns(5, j/2) = 3 and 2.
    const opts = { adapter: 'reference', seed: 1, runs: 10 };
    const parts: FuzzReport[] = [
      await runFuzzJobs({ ...opts, jobs: 2, queue: createAdapter('reference'), shard: { index: 1, count: 2 } }),
      await runFuzz({ ...opts, queue: createAdapter('reference'), shard: { index: 2, count: 2 } }),
    ];
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
      factory: { module: new URL('./jobs-adapters.ts', import.meta.url).href, export: 'createBrokenInJobs' },
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

  it('parses --jobs: 1…64 or auto', () => {
    expect(parseJobs('3')).toBe(3);
    expect(parseJobs('auto')).toBeGreaterThanOrEqual(1);
    expect(parseJobs('0')).toBeUndefined();
    expect(parseJobs('65')).toBeUndefined();
    expect(parseJobs('2x')).toBeUndefined();
  });
});

function occurrencesOf(r: FuzzReport): number {
  return (r.failures ?? []).reduce((n, f) => n + f.occurrences, 0);
}
