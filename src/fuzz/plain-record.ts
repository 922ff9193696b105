/**
 * fc.record's draws as an ordinary object. fc.record draws each field, then one boolean more: whether
 * to build the object with a null prototype. Such objects live in V8's dictionary mode, so every read
 * of a drawn task or lease was a slow lookup. This draws exactly the same values, that boolean
 * included (every seed keeps its run and its shrink path: test/fuzz/draws.test.ts), and builds a plain
 * object with the fields in the model's order.
 */
import fc from 'fast-check';

export function plainRecord<T extends object>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  const keys = Object.keys(model) as (keyof T)[];
  const arbs = keys.map((k) => model[k] as fc.Arbitrary<unknown>);
  // The trailing boolean is fc.record's null-prototype draw, drawn and ignored.
  return fc.tuple(...arbs, fc.boolean()).map((values) => {
    const out = {} as T;
    for (let i = 0; i < keys.length; i++) out[keys[i]] = values[i] as T[keyof T];
    return out;
  });
}
