/**
 * Finds where each rule is cited: a plain, deterministic scan of the source text for rule IDs (comments count,
 * since that is where the project cites its rules). Files are read in sorted order and every list comes out
 * sorted, so the same tree always gives the same rulebook.
 *
 * Besides single IDs it reads the two short forms the code uses: lists (`HDR-3/4/6`) and ranges (`PULL-2…10`,
 * `HDR-1…HDR-6`, `RETRY-1..3`). Tokens shaped like an ID that name no rule are kept as `unknown`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SECTION_NAMES } from './sections.js';

/**
 * The places a rule can be handled, in the order the rulebook shows them: folders, or single files. The trace
 * hash (src/sim/trace.ts) is the check of INV-DET, which no invariant checker can judge from one trace.
 */
export const AREAS = [
  { key: 'modelled', label: 'Modelled in', dirs: ['src/model', 'src/serve'] },
  { key: 'checked', label: 'Checked by', dirs: ['src/invariants', 'src/sim/trace.ts'] },
  { key: 'cases', label: 'Conformance cases', dirs: ['conformance'] },
  { key: 'mutants', label: 'Mutants', dirs: ['src/adapters/mutants'] },
] as const;

export type AreaKey = (typeof AREAS)[number]['key'];

/** What is scanned at all: every citation here must name a rule. The catalog itself is left out. */
const SCANNED = ['src', 'conformance'];
const SKIPPED = new Set(['src/rules']);

export interface CitationScan {
  /** Rule ID → area → the files citing it, sorted. Only rules cited somewhere appear. */
  readonly citations: ReadonlyMap<string, Readonly<Record<AreaKey, readonly string[]>>>;
  /** `file: TOKEN` for every ID-shaped token that names no rule, sorted. */
  readonly unknown: readonly string[];
}

const NUMBERED = SECTION_NAMES.filter((s) => s !== 'INV').join('|');
const ID_SHAPE = new RegExp(
  `\\b(?:(${NUMBERED})-(\\d+)((?:/\\d+)+|(?:…|\\.\\.)(?:(?:${NUMBERED})-)?\\d+)?|INV-[A-Z]+(?:-[A-Z]+)*)`,
  'g',
);
const MAX_RANGE = 50;

/** The IDs a piece of text cites, lists and ranges expanded, in order of appearance (duplicates kept). */
export function citedIds(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(ID_SHAPE)) {
    const [whole, prefix, first, tail] = m;
    if (prefix === undefined) {
      out.push(whole);
      continue;
    }
    const start = Number(first);
    out.push(`${prefix}-${start}`);
    if (!tail) continue;
    if (tail.startsWith('/')) {
      for (const n of tail.slice(1).split('/')) out.push(`${prefix}-${Number(n)}`);
    } else {
      const end = Number(/(\d+)$/.exec(tail)?.[1]);
      if (end > start && end - start <= MAX_RANGE) for (let n = start + 1; n <= end; n++) out.push(`${prefix}-${n}`);
    }
  }
  return out;
}

function areaOf(file: string): AreaKey | undefined {
  for (const area of AREAS) if (area.dirs.some((d) => file === d || file.startsWith(`${d}/`))) return area.key;
  return undefined;
}

function sourceFiles(root: string, dir: string): string[] {
  if (SKIPPED.has(dir)) return [];
  let names: string[];
  try {
    names = readdirSync(join(root, dir));
  } catch {
    return []; // an area that does not exist (yet) cites nothing
  }
  return names.sort(byCodeUnit).flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (statSync(join(root, rel)).isDirectory()) return sourceFiles(root, rel);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** Locale-free ordering, so the output does not depend on the machine that generates it. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Scans `root` (a package root: src/ and conformance/ under it). `resolve` maps a cited token to the rule it
 * names (aliases included), or undefined.
 */
export function scanCitations(root: string, resolve: (token: string) => string | undefined): CitationScan {
  const citations = new Map<string, Record<AreaKey, string[]>>();
  const unknown = new Set<string>();
  for (const file of SCANNED.flatMap((d) => sourceFiles(root, d))) {
    const area = areaOf(file);
    for (const token of new Set(citedIds(readFileSync(join(root, file), 'utf8')))) {
      const id = resolve(token);
      if (id === undefined) {
        unknown.add(`${file}: ${token}`);
        continue;
      }
      if (area === undefined) continue;
      let byArea = citations.get(id);
      if (!byArea) citations.set(id, (byArea = { modelled: [], checked: [], cases: [], mutants: [] }));
      if (!byArea[area].includes(file)) byArea[area].push(file);
    }
  }
  for (const byArea of citations.values()) for (const files of Object.values(byArea)) files.sort(byCodeUnit);
  return { citations, unknown: [...unknown].sort(byCodeUnit) };
}
