/** The project's own rulebook: current, every rule handled or waived with a reason, every citation a real rule. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULEBOOK_PATH, RULE_IDS, ruleAnchor } from '../../src/rules/index.js';
import { CATALOG, checkRulebook, coverageProblems } from '../../src/rules/rulebook.js';
import { scanCitations } from '../../src/rules/scan.js';
import { ROOT } from '../helpers/cli.js';

describe('docs/RULES.md', () => {
  const scan = scanCitations(ROOT, CATALOG.resolve);

  it('is the rulebook the source generates (run `npm run rules:docs` after citing a rule)', () => {
    expect(checkRulebook(ROOT).problem).toBeUndefined();
  });

  it('has an anchor for every rule, where ruleAnchor points', () => {
    const book = readFileSync(join(ROOT, RULEBOOK_PATH), 'utf8');
    expect(RULE_IDS.filter((id) => !book.includes(`<a id="${ruleAnchor(id)}"></a>`))).toEqual([]);
  });

  it('shows every rule modelled, checked or covered, or waived with a reason that still holds', () => {
    expect(coverageProblems(CATALOG, scan)).toEqual([]);
  });

  it('is built from citations that all name real rules', () => {
    expect(scan.unknown).toEqual([]);
  });
});
