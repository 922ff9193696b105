import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Random } from '../../src/sim/random.js';

const draws = (r: Random, n: number) =>
  Array.from({ length: n }, () => [
    r.float(),
    r.int(1, 6),
    r.exponential(10),
    r.lognormal(5, 0.5),
    r.weighted([1, 2, 3], 6),
  ]);

describe('seeded random (INV-DET)', () => {
  it('INV-DET the same seed gives the same stream; another seed a different one', () => {
    expect(draws(new Random(42), 50)).toEqual(draws(new Random(42), 50));
    expect(draws(new Random(42), 50)).not.toEqual(draws(new Random(43), 50));
  });

  it('ranges: float in [0,1), int inclusive, chance(0) never and chance(1) always', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: -50, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        (seed, from, span) => {
          const r = new Random(seed);
          for (let i = 0; i < 20; i++) {
            const f = r.float();
            expect(f >= 0 && f < 1).toBe(true);
            const k = r.int(from, from + span);
            expect(k >= from && k <= from + span && Number.isInteger(k)).toBe(true);
            expect(r.chance(0)).toBe(false);
            expect(r.chance(1)).toBe(true);
            expect(r.exponential(3)).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('chance(0) draws nothing, so adding a zero-probability fault does not shift the stream', () => {
    const a = new Random(9);
    const b = new Random(9);
    a.chance(0);
    expect(a.float()).toBe(b.float());
  });

  it('weighted picks in proportion (roughly) and never a zero-weight index', () => {
    const r = new Random(5);
    const counts = [0, 0, 0];
    for (let i = 0; i < 6000; i++) counts[r.weighted([1, 0, 3], 4)]++;
    expect(counts[1]).toBe(0);
    expect(counts[2] / counts[0]).toBeGreaterThan(2.5);
    expect(counts[2] / counts[0]).toBeLessThan(3.5);
  });
});
