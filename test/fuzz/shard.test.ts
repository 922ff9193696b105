import { describe, expect, it } from 'vitest';
import type { FuzzReport } from '../../src/fuzz/campaign.js';
import { REPORT_KIND } from '../../src/fuzz/report-kind.js';
import { MergeError, asFuzzReport, mergeReports } from '../../src/fuzz/merge.js';
import { parseShard, shardRuns, shardSeed } from '../../src/fuzz/shard.js';

const report = (index: number, count: number, ok = true): FuzzReport => ({
  kind: REPORT_KIND,
  adapter: 'reference',
  seed: 5,
  runs: 10,
  shard: { index, count },
  ok,
  durationMs: 100,
  ...(ok
    ? {}
    : {
        failure: {
          rule: 'HDR-3',
          signature: 'HDR-3 [model] m',
          known: false,
          occurrences: 1,
          config: 'c',
          commands: ['advance 1s'],
          violations: [{ check: 'model', rule: 'HDR-3', t: 0, expected: '"1"', actual: '"2"', message: 'm' }],
          seed: 1,
          path: '0',
          token: 'x',
          replay: 'tasksim fuzz --adapter reference --replay x',
        },
      }),
});

describe('shards', () => {
  it('parse i/n', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard('0/4')).toBeUndefined();
    expect(parseShard('5/4')).toBeUndefined();
    expect(parseShard('x')).toBeUndefined();
  });

  it('split the runs exactly and give each shard its own seed', () => {
    for (const [runs, n] of [
      [200, 3],
      [7, 4],
      [1000, 10],
      [3, 5],
    ]) {
      let total = 0;
      const seeds = new Set<number>();
      for (let i = 1; i <= n; i++) {
        total += shardRuns(runs, { index: i, count: n });
        seeds.add(shardSeed(42, { index: i, count: n }));
      }
      expect(total).toBe(runs);
      expect(seeds.size).toBe(n);
    }
    expect(shardSeed(42, { index: 1, count: 1 })).toBe(42);
    expect(shardSeed(42, { index: 2, count: 3 })).toBe(shardSeed(42, { index: 2, count: 3 }));
  });

  it('merge into one verdict, keeping every failure and noting missing shards', () => {
    const m = mergeReports([
      { file: 'a', report: report(1, 3) },
      { file: 'c', report: report(3, 3, false) },
    ]);
    expect(m.ok).toBe(false);
    expect(m.runs).toBe(20);
    expect(m.missing).toEqual([2]);
    expect(m.failures).toHaveLength(1);
    expect(m.failures[0].shard).toBe(3);
    expect(
      mergeReports([
        { file: 'a', report: report(1, 2) },
        { file: 'b', report: report(2, 2) },
      ]).ok,
    ).toBe(true);
  });

  it('refuse reports of different campaigns, duplicates and non-reports', () => {
    expect(() =>
      mergeReports([
        { file: 'a', report: report(1, 2) },
        { file: 'b', report: { ...report(2, 2), seed: 6 } },
      ]),
    ).toThrow(MergeError);
    expect(() =>
      mergeReports([
        { file: 'a', report: report(1, 2) },
        { file: 'b', report: report(1, 2) },
      ]),
    ).toThrow(/twice/);
    expect(() => asFuzzReport({ hello: 1 }, 'x.json')).toThrow(/not a tasksim fuzz report/);
  });
});
