/**
 * DESIGN: boundaries you can see. The simulation primitives know nothing of the model; the product never
 * imports its conformance cases (cases register themselves); the rule catalog depends on nothing else in src,
 * so every layer can cite rules through it. Imports are read from the source text (static, `export … from`,
 * side-effect and dynamic `import()`; type-only imports count too).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

interface Boundary {
  rule: string;
  /** Whether an import from file `from` of file `to` (both relative to the root) crosses the boundary. */
  breaks(from: string, to: string): boolean;
}

const under = (dir: string, file: string): boolean => file.startsWith(`${dir}/`);

const BOUNDARIES: Boundary[] = [
  {
    rule: 'src/sim imports nothing from src/model',
    breaks: (from, to) => under('src/sim', from) && under('src/model', to),
  },
  { rule: 'src/ never imports conformance/', breaks: (from, to) => under('src', from) && under('conformance', to) },
  {
    rule: 'src/rules imports nothing else from src',
    breaks: (from, to) => under('src/rules', from) && under('src', to) && !under('src/rules', to),
  },
];

/**
 * Imports that break a boundary today, each to be removed by the refactor that moves what it names. The test
 * fails when one of them is fixed and still listed, so this list only shrinks.
 */
const KNOWN_EXCEPTIONS = new Set<string>([]);

const IMPORT = /\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

function sourceFiles(root: string, dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .map((e) => ({ e, rel: `${dir}/${e.name}` }))
    .sort((a, b) => (a.rel < b.rel ? -1 : 1))
    .flatMap(({ e, rel }) => (e.isDirectory() ? sourceFiles(root, rel) : rel.endsWith('.ts') ? [rel] : []));
}

/** The project files a file imports, relative to the root (`.js` specifiers name `.ts` sources). */
function importsOf(root: string, file: string): string[] {
  const code = readFileSync(join(root, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
  const out: string[] = [];
  for (const m of code.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec?.startsWith('.')) out.push(posix.normalize(posix.join(dirname(file), spec)).replace(/\.js$/, '.ts'));
  }
  return out;
}

/** Every import under `root` (its src/ and conformance/) that crosses a boundary, as `from → to`, sorted. */
function crossings(root: string): { edge: string; rule: string }[] {
  const found: { edge: string; rule: string }[] = [];
  for (const file of [...sourceFiles(root, 'src'), ...sourceFiles(root, 'conformance')]) {
    for (const to of importsOf(root, file)) {
      for (const b of BOUNDARIES) if (b.breaks(file, to)) found.push({ edge: `${file} → ${to}`, rule: b.rule });
    }
  }
  return found.sort((a, b) => (a.edge < b.edge ? -1 : a.edge > b.edge ? 1 : 0));
}

describe('import direction', () => {
  const found = crossings(ROOT);

  it('no import crosses a boundary, beyond the known exceptions', () => {
    expect(found.filter((c) => !KNOWN_EXCEPTIONS.has(c.edge)).map((c) => `${c.edge} (${c.rule})`)).toEqual([]);
  });

  it('every known exception still exists (remove it from the list once it is fixed)', () => {
    const edges = new Set(found.map((c) => c.edge));
    expect([...KNOWN_EXCEPTIONS].filter((e) => !edges.has(e))).toEqual([]);
  });

  it('fails on a tree that breaks each boundary (fixture)', () => {
    const fixture = new URL('../fixtures/rules-imports/', import.meta.url).pathname;
    expect(crossings(fixture)).toEqual([
      { edge: 'src/conform/run.ts → conformance/cases.ts', rule: 'src/ never imports conformance/' },
      { edge: 'src/rules/catalog.ts → src/model/config.ts', rule: 'src/rules imports nothing else from src' },
      { edge: 'src/sim/clock.ts → src/model/config.ts', rule: 'src/sim imports nothing from src/model' },
      { edge: 'src/sim/lazy.ts → src/model/config.ts', rule: 'src/sim imports nothing from src/model' },
    ]);
  });
});
