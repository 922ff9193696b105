/**
 * Cases register themselves: the runner asks the registry, which loads the built-in catalog from its place in
 * the package the first time a run needs it, and a catalog registered by a user's module replaces it.
 */
import { describe, expect, it } from 'vitest';
import { pass, type HandlerCase } from '../../src/conform/kit.js';
import { loadCatalog, registerCatalog, registeredCatalog } from '../../src/conform/registry.js';
import { fullCatalog, runConformance } from '../../src/conform/run.js';

describe('the case registry', () => {
  it('loads the built-in catalog once, by its place in the package: its fixed cases, then the exploring ones', async () => {
    const first = await loadCatalog();
    expect(await loadCatalog()).toBe(first);
    // The catalog's own numbering: H-<SPEC section>.<n> for fixed cases, P-<rule> for exploring ones.
    expect(first.fixed.length).toBeGreaterThan(10);
    expect(first.fixed.every((c) => /^H-\d+\.\d+$/.test(c.id))).toBe(true);
    expect(first.exploring.every((c) => c.id.startsWith('P-'))).toBe(true);
    expect(first.payloads?.id).toMatch(/^P-/);
    expect(fullCatalog({ explore: 0 })).toEqual(first.fixed);
    expect(fullCatalog({})).toEqual([...first.fixed, ...first.exploring]);
    expect(fullCatalog({ explorePayloads: true })).toEqual([...first.fixed, ...first.exploring, first.payloads]);
  });

  it('a catalog registered later is the one runs use', async () => {
    const ran: string[] = [];
    const only: HandlerCase = {
      id: 'H-9.1',
      title: 'A registered case',
      rules: ['HANDLER-1'],
      requirement: 'runs when registered',
      severity: 'required',
      async run() {
        ran.push('H-9.1');
        return pass('to run', 'it ran');
      },
    };
    registerCatalog({ fixed: [only], exploring: [] });
    expect(registeredCatalog().fixed).toEqual([only]);
    const report = await runConformance({ target: async () => ({ status: 200 }), seed: 5 });
    expect(report.cases.map((c) => [c.id, c.status, c.actual])).toEqual([['H-9.1', 'pass', 'it ran']]);
    expect(ran).toEqual(['H-9.1']);
  });
});
