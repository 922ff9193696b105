import { describe, expect, it } from 'vitest';
import { MUTANTS } from '../../src/adapters/mutants/index.js';
import { DEFAULT_RUNS, runFuzz } from '../../src/fuzz/campaign.js';
import { slowOr } from '../helpers/slow.js';

/** Two seeds under TASKSIM_SLOW=1; one is enough to show each mutant caught and shrunk. */
const SEEDS = slowOr([1, 7], [1]);
/**
 * Under TASKSIM_SLOW=1 each campaign keeps going through all its runs and every distinct failure is
 * shrunk on its own; by default it stops at its first failure (a fifth of the CPU), which is still
 * caught, shrunk and cited. Keeping going is proven by test/fuzz/campaign.test.ts (three mutants
 * combined, each reported once with its own counterexample).
 */
const MAX_FAILURES = slowOr<number | undefined>(undefined, 1);

describe('every mutant is caught', () => {
  it('there are at least ten', () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(10);
  });

  for (const m of MUTANTS) {
    it(`mutant:${m.name} (${m.rules[0]}): caught within ${DEFAULT_RUNS} runs, ≤ 10 commands, citing ${m.rules.join(' or ')}`, async () => {
      const cited: string[] = [];
      for (const seed of SEEDS) {
        const report = await runFuzz({
          adapter: `mutant:${m.name}`,
          queue: m.create(),
          seed,
          maxFailures: MAX_FAILURES,
        });
        expect(report.ok, `seed ${seed}`).toBe(false);
        // The campaign keeps going: every distinct failure is shrunk on its own, keeping to its rule.
        for (const f of report.failures!) {
          expect(f.commands.length, f.commands.join('\n')).toBeLessThanOrEqual(10);
          expect(f.violations[0].rule).toBe(f.rule);
          for (const v of f.violations) {
            expect(v.expected).not.toBe('');
            expect(v.actual).not.toBe('');
          }
          expect(f.replay).toMatch(new RegExp(`^tasksim fuzz --adapter mutant:${m.name} --replay [A-Za-z0-9_-]+$`));
          cited.push(f.rule);
        }
      }
      // The rule the mutant breaks is one of the buckets (a mutant may also show as the rules its
      // symptoms name first, e.g. a 3xx taken as success shows as a missing retry).
      expect(
        cited.some((r) => (m.rules as readonly string[]).includes(r)),
        `cited ${cited.join(', ')}`,
      ).toBe(true);
    });
  }
});
