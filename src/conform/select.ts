/**
 * `--cases PATTERN`: a comma-separated list of case ids (`H-2.1`), sections (`H-2`), globs (`H-3.*`)
 * or rule IDs (`HANDLER-4`: every case citing it). Case-insensitive.
 */
import type { HandlerCase } from './case.js';

export class CaseSelectionError extends Error {
  override name = 'CaseSelectionError';
}

export function selectCases(catalog: readonly HandlerCase[], pattern?: string | readonly string[]): HandlerCase[] {
  if (pattern === undefined) return [...catalog];
  const tokens = (typeof pattern === 'string' ? pattern.split(',') : pattern).map((t) => t.trim()).filter(Boolean);
  if (tokens.length === 0) throw new CaseSelectionError('--cases is empty');
  const chosen = new Set<HandlerCase>();
  for (const token of tokens) {
    const matches = catalog.filter((c) => matchesToken(c, token));
    if (matches.length === 0) {
      throw new CaseSelectionError(
        `no case matches ${JSON.stringify(token)}; cases are ${catalog.map((c) => c.id).join(', ')}`,
      );
    }
    for (const c of matches) chosen.add(c);
  }
  return catalog.filter((c) => chosen.has(c)); // catalog order, whatever order the pattern named them in
}

function matchesToken(c: HandlerCase, token: string): boolean {
  const t = token.toUpperCase();
  const id = c.id.toUpperCase();
  if (t.includes('*')) {
    const re = new RegExp(
      '^' +
        t
          .split('*')
          .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*') +
        '$',
    );
    return re.test(id);
  }
  return id === t || id.startsWith(t + '.') || c.rules.some((r) => r.toUpperCase() === t);
}
