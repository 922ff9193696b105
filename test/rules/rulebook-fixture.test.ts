/**
 * The two judgements of the rulebook, shown failing on a fixture tree: a stale docs/RULES.md, and rules that are
 * neither modelled, checked, covered nor properly waived.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRulebook, coverageProblems, renderRulebook } from '../../src/rules/rulebook.js';
import { scanCitations } from '../../src/rules/scan.js';
import { FIXTURE_CATALOG, FIXTURE_ROOT } from './fixture-catalog.js';

describe('a stale rulebook fails (fixture)', () => {
  it('names the first line that differs and the command that fixes it', () => {
    const state = checkRulebook(FIXTURE_ROOT, FIXTURE_CATALOG);
    expect(state.fresh).toBe(false);
    expect(state.problem).toBe(
      'docs/RULES.md is stale from line 27: expected "- Modelled in: `src/model/push.ts`", ' +
        'found "- Modelled in: `src/model/old.ts`"; run `npm run rules:docs`',
    );
  });

  it('is fresh again once regenerated, and missing is stale too', () => {
    const copy = mkdtempSync(join(tmpdir(), 'rules-tree-'));
    try {
      cpSync(FIXTURE_ROOT, copy, { recursive: true });
      writeFileSync(
        join(copy, 'docs/RULES.md'),
        renderRulebook(FIXTURE_CATALOG, scanCitations(copy, FIXTURE_CATALOG.resolve)),
      );
      expect(checkRulebook(copy, FIXTURE_CATALOG)).toEqual({ fresh: true });
      rmSync(join(copy, 'docs/RULES.md'));
      expect(checkRulebook(copy, FIXTURE_CATALOG).problem).toBe('docs/RULES.md is missing; run `npm run rules:docs`');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('rule coverage fails (fixture)', () => {
  it('flags the rule nobody handles, the waiver without a reason and the waiver no longer needed — nothing else', () => {
    const problems = coverageProblems(FIXTURE_CATALOG, scanCitations(FIXTURE_ROOT, FIXTURE_CATALOG.resolve));
    expect(problems.map((p) => p.slice(0, p.indexOf(':')))).toEqual(['HDR-3 (Forgotten)', 'HDR-4', 'HDR-6']);
    expect(problems[0]).toContain(
      'not modelled (src/model, src/serve), checked (src/invariants, src/sim/trace.ts), covered by a conformance case or a mutant, nor waived',
    );
    expect(problems[1]).toContain('waived, but no longer needs to be (modelled in src/model/push.ts)');
    expect(problems[2]).toContain('its waiver gives no reason');
  });

  it('renders what it found for each rule', () => {
    const book = renderRulebook(FIXTURE_CATALOG, scanCitations(FIXTURE_ROOT, FIXTURE_CATALOG.resolve));
    const block = (id: string): string =>
      book.slice(book.indexOf(`### ${id} `), book.indexOf('<a id', book.indexOf(`### ${id} `)));
    expect(block('HDR-1')).toContain('- Conformance cases: `conformance/handler/h1.ts`');
    expect(block('HDR-2')).toContain('- Mutants: `src/adapters/mutants/headers.ts`');
    expect(block('HDR-5')).toContain('- **Waived:** Nothing in this tree handles it.');
    expect(block('PUSH-2')).toContain('- Checked by: `src/invariants/rate.ts`');
    expect(block('PUSH-2')).toContain('- Option `backoff-linear-step`');
    expect(block('PUSH-2')).toContain('  - `backoff-linear-step=half`: each step adds 2^(D−1) · min_backoff');
    expect(book).toContain('| [HDR](#hdr) | 6 | 1 | 0 | 1 | 1 | 3 |');
  });
});
