import { describe, expect, it } from 'vitest';
import { MUTANTS } from '../../src/adapters/mutants/index.js';
import { DEFAULT_RUNS, runFuzz } from '../../src/fuzz/campaign.js';

describe('every mutant is caught', () => {
  it('there are at least ten', () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(10);
  });

  for (const m of MUTANTS) {
    it(`mutant:${m.name} (${m.rules[0]}): caught within ${DEFAULT_RUNS} runs, ≤ 10 commands, citing ${m.rules.join(' or ')}`, async () => {
      for (const seed of [1, 7]) {
        const report = await runFuzz({ adapter: `mutant:${m.name}`, queue: m.create(), seed });
        expect(report.ok, `seed ${seed}`).toBe(false);
        const f = report.failure!;
        expect(f.commands.length, f.commands.join('\n')).toBeLessThanOrEqual(10);
        const cited = f.violations.map((v) => v.rule);
        expect(cited.some((r) => m.rules.includes(r)), `seed ${seed} cited ${cited.join(', ')}`).toBe(true);
        for (const v of f.violations) {
          expect(v.expected).not.toBe('');
          expect(v.actual).not.toBe('');
        }
        expect(f.replay).toMatch(new RegExp(`^tasksim fuzz --adapter mutant:${m.name} --replay [A-Za-z0-9_-]+$`));
      }
    });
  }
});
