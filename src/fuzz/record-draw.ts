/**
 * Cheaper draws of the same values. A fuzz run draws about fifty tasks and leases; fast-check builds
 * each through a tuple of arbitraries mapped to an object, a dozen objects per task that are garbage
 * at once. The values it draws are part of the fuzzer's interface (seeds, replay tokens), so a
 * cheaper draw must take exactly the same random numbers in the same order and shrink along the same
 * path: test/fuzz/draws.test.ts pins both.
 */
import fc from 'fast-check';

/**
 * fc.record draws each field, then one boolean more: whether to build the object with a null
 * prototype (objects V8 keeps in dictionary mode, slow to read). Our arbitraries draw their fields as
 * an fc.tuple ending in this boolean instead, mapped to an ordinary object: fc.record's draws exactly.
 */
export const RECORD_PROTOTYPE_DRAW: fc.Arbitrary<boolean> = fc.boolean();

/** Takes RECORD_PROTOTYPE_DRAW's draw (fc.boolean ignores the bias: one integer in 0..1). */
export function skipPrototypeDraw(mrng: fc.Random): void {
  mrng.nextInt(0, 1);
}

/** fc.constantFrom(...values)'s draw: no random number for a single value, else one index. */
export function pick<T>(mrng: fc.Random, values: readonly T[]): T {
  return values.length === 1 ? values[0] : values[mrng.nextInt(0, values.length - 1)];
}

/** Where a quick draw started: the generator before it, to draw the value again the exact way when shrinking. */
class QuickStart {
  constructor(
    readonly mrng: fc.Random,
    readonly biasFactor: number | undefined,
  ) {}
}

/**
 * `exact`'s values, drawn by `quick`: a function that takes the same random numbers in the same order
 * and builds the value directly. Shrinking draws the value again through `exact` from where the quick
 * draw started and shrinks that, so every shrink candidate is exact's own.
 */
export class QuickArbitrary<T> extends fc.Arbitrary<T> {
  constructor(
    private readonly exact: fc.Arbitrary<T>,
    private readonly quick: (mrng: fc.Random, biasFactor: number | undefined) => T,
  ) {
    super();
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T> {
    const start = new QuickStart(mrng.clone(), biasFactor);
    return new fc.Value(this.quick(mrng, biasFactor), start);
  }

  canShrinkWithoutContext(value: unknown): value is T {
    return this.exact.canShrinkWithoutContext(value);
  }

  shrink(value: T, context: unknown): fc.Stream<fc.Value<T>> {
    if (!(context instanceof QuickStart)) return this.exact.shrink(value, context);
    const again = this.exact.generate(context.mrng.clone(), context.biasFactor);
    return this.exact.shrink(again.value, again.context);
  }
}
