/**
 * DESIGN: one pure core. The engine, the simulation primitives and the checkers never read the wall
 * clock, never use Math.random and never touch timers or I/O: time is virtual, chance is seeded
 * (INV-DET). This keeps it so as the code grows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/engine.js';

const CORE = ['src/model', 'src/sim', 'src/invariants'];
/** `src/sim/trace.ts` writes NDJSON files at the edge on request; reading the clock is still banned there. */
const IO_ALLOWED = new Set(['src/sim/trace.ts', 'src/model/queue-yaml.ts']);
const BANNED: [RegExp, string][] = [
  [/\bMath\.random\b/, 'Math.random'],
  [/\bDate\.now\b|\bnew Date\b/, 'the wall clock (Date)'],
  [/\bperformance\.now\b|\bprocess\.hrtime\b/, 'the wall clock (performance/hrtime)'],
  [/\bset(Timeout|Interval|Immediate)\b/, 'timers'],
];
const IO: [RegExp, string] = [/from 'node:(fs|net|http|https|child_process)/, 'I/O'];

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('the core is pure (INV-DET)', () => {
  it('no wall clock, no Math.random, no timers, no I/O in src/model, src/sim, src/invariants', () => {
    const found: string[] = [];
    for (const dir of CORE) {
      for (const file of files(dir)) {
        const code = readFileSync(join(ROOT, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''); // comments may name them
        for (const [re, what] of BANNED) if (re.test(code)) found.push(`${file}: ${what}`);
        if (!IO_ALLOWED.has(file) && IO[0].test(code)) found.push(`${file}: ${IO[1]}`);
      }
    }
    expect(found).toEqual([]);
  });
});
