import { describe, expect, it } from 'vitest';
import { HttpJsonQueue } from '../../src/adapters/http-json.js';
import { serveReferenceOverHttp } from '../../src/adapters/http-json-server.js';
import { findMutant } from '../../src/adapters/mutants/index.js';
import { WALL_CLOCK_MAX_COMMANDS, runFuzz } from '../../src/fuzz/campaign.js';
import { formatText } from '../../src/fuzz/report.js';

/**
 * Mutants served over HTTP on the wall clock (serveReferenceOverHttp({ realTime: true, mutant })):
 * each is caught, citing the rule it breaks. The seeds are ones whose first runs reach the mutant's bug
 * (any seed does, only later). Nothing here is shrunk (a shrink budget of 0: the failing run is
 * replayed once, and reported as first seen if it fails otherwise): what is asserted holds unshrunk,
 * a run being at most WALL_CLOCK_MAX_COMMANDS long. Shrinking on the wall clock is shown by
 * test/fuzz/cli-wall-clock.test.ts, replay.test.ts and wall-clock-resume.test.ts.
 * On a busy machine a run whose calls were slow compares less (a slow lease is "not compared"), so a
 * campaign may need more runs to reach the bug: each gets up to 60 and stops at its first failure.
 */
const RUNS = 60;
const CASES: { mutant: string; seed: number; rules: string[]; timingOnly?: boolean }[] = [
  { mutant: 'retry-count-off-by-one', seed: 4, rules: ['HDR-3'] },
  { mutant: 'lease-not-exclusive', seed: 2, rules: ['PULL-3'] },
  { mutant: 'redeliver-after-success', seed: 1, rules: ['HANDLER-1', 'INV-NODUP-AFTER-DELETE'] },
  // Timing-only on push queues (PUSH-4); on a pull queue it leases a task before its ETA (PULL-2).
  { mutant: 'eta-ignored', seed: 1, rules: ['PUSH-4', 'PULL-2'], timingOnly: true },
];

describe('mutants served in real time are caught', () => {
  for (const c of CASES) {
    it(`mutant:${c.mutant} over HTTP on the wall clock, citing ${c.rules.join(' or ')}`, async () => {
      expect(findMutant(c.mutant)!.rules.some((r) => c.rules.includes(r))).toBe(true);
      const served = await serveReferenceOverHttp({ realTime: true, mutant: c.mutant });
      const queue = new HttpJsonQueue(served.url);
      try {
        expect((await queue.describe()).controlsClock).toBe(false);
        const report = await runFuzz({
          adapter: served.url,
          queue,
          seed: c.seed,
          runs: RUNS,
          maxFailures: 1,
          shrinkBudgetMs: 0,
        });
        if (report.ok && c.timingOnly) {
          // A timing-only defect on a machine busier than the defect is large: the harness measured
          // more lateness than the difference, so it says inconclusive (never a pass it did not earn).
          expect(
            report.inconclusive?.examples.map((v) => v.rule),
            formatText(report),
          ).toContain(c.rules[0]);
          expect(report.calibration!.noiseUs).toBeGreaterThan(20_000);
          return;
        }
        expect(report.ok).toBe(false);
        expect(report.clock).toBe('wall');
        const f = report.failure!;
        // The drain's own lines (a paused queue given a task and resumed) are not commands.
        const commands = f.commands.filter((c) => !c.startsWith('(drain)'));
        expect(commands.length, formatText(report)).toBeLessThanOrEqual(WALL_CLOCK_MAX_COMMANDS);
        const cited = f.violations.map((v) => v.rule);
        expect(
          cited.some((r) => c.rules.includes(r)),
          formatText(report),
        ).toBe(true);
        for (const v of f.violations) {
          expect(v.expected).not.toBe('');
          expect(v.actual).not.toBe('');
        }
        expect(f.replay).toMatch(/^tasksim fuzz --adapter http:\/\/127\.0\.0\.1:\d+ --replay [A-Za-z0-9_-]+$/);
      } finally {
        await queue.close();
        await served.close();
      }
    });
  }
});
