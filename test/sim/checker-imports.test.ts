/**
 * SPEC §9: the checkers are a second, independent implementation. src/invariants may import types
 * from src/model (the trace's config is typed there) but no value: no formula, table or class of the
 * engine, so a bug in the engine cannot hide behind its own arithmetic.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/engine.js';

const CHECKERS = 'src/invariants';
const ENGINE = 'src/model';

/** Every module specifier in `code` that brings in a value (not only types), with the statement. */
function valueImports(code: string): { spec: string; statement: string }[] {
  const text = code.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
  const found: { spec: string; statement: string }[] = [];
  // import … from '…' and export … from '…'
  for (const m of text.matchAll(/\b(import|export)\s+([^;'"]*?)\s*from\s*['"]([^'"]+)['"]/g)) {
    const [statement, , clause, spec] = m;
    if (!typeOnly(clause)) found.push({ spec, statement });
  }
  // import '…' (for its side effects), import('…') and require('…')
  for (const m of text.matchAll(
    /\bimport\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  )) {
    found.push({ spec: m[1] ?? m[2] ?? m[3], statement: m[0] });
  }
  return found;
}

/** `type X`, `type { … }`, or `{ type A, type B }`: erased at compile time. */
function typeOnly(clause: string): boolean {
  const c = clause.trim();
  if (/^type\s/.test(c)) return true;
  const braces = /^\{([^}]*)\}$/.exec(c);
  if (!braces) return false;
  const names = braces[1]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return names.length > 0 && names.every((n) => /^type\s/.test(n));
}

/** The value imports of `file` (relative to ROOT) that resolve into src/model. */
function engineValueImports(file: string, code: string): string[] {
  const engine = resolve(ROOT, ENGINE);
  return valueImports(code)
    .filter(({ spec }) => spec.startsWith('.') && resolve(ROOT, dirname(file), spec).startsWith(engine + '/'))
    .map(({ statement }) => `${file}: ${statement.replace(/\s+/g, ' ')}`);
}

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('the checkers are a second implementation (SPEC §9)', () => {
  it('src/invariants imports only types from src/model', () => {
    const found = files(CHECKERS).flatMap((file) => engineValueImports(file, readFileSync(join(ROOT, file), 'utf8')));
    expect(found).toEqual([]);
  });

  it('catches every form of value import from src/model in a checker (a fixture that must fail)', () => {
    const fixture = join('test/sim/fixtures', 'checker-importing-the-engine.ts.txt');
    const code = readFileSync(join(ROOT, fixture), 'utf8');
    // Judged as if it sat in src/invariants, where '../model/…' is the engine.
    const found = engineValueImports(join(CHECKERS, 'fixture.ts'), code).map((s) => s.slice(s.indexOf(': ') + 2));
    expect(found).toEqual([
      "import { backoffDelay } from '../model/backoff.js'",
      "import { mayRetry, type AttemptHistory } from '../model/retry-policy.js'",
      "import * as headers from '../model/headers.js'",
      "import PROFILES from '../model/profiles.js'",
      "export { TokenBucket } from '../model/token-bucket.js'",
      "export * from '../model/throttle.js'",
      "import '../model/engine.js'",
      "import('../model/names.js')",
    ]);
    expect(relative(ROOT, resolve(ROOT, CHECKERS, '../model'))).toBe(ENGINE);
  });
});
