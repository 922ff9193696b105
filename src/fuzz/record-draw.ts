/**
 * fc.record draws each field, then one boolean more: whether to build the object with a null
 * prototype. Such objects live in V8's dictionary mode, so every read of a drawn task or lease was a
 * slow lookup. The fuzzer's arbitraries draw their fields as an fc.tuple ending in this boolean
 * instead, mapped to an ordinary object: exactly fc.record's draws and shrink path, so every seed
 * keeps its run (test/fuzz/draws.test.ts), without the dictionary objects.
 */
import fc from 'fast-check';

/** fc.record's null-prototype draw, drawn last and ignored. */
export const RECORD_PROTOTYPE_DRAW: fc.Arbitrary<boolean> = fc.boolean();
