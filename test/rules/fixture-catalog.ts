/**
 * A small catalog for the fixture tree (test/fixtures/rules-tree): rules the tree handles in each way, and the
 * three ways a catalog can fall short (not handled and not waived, waived for no reason, waived needlessly).
 */
import type { BookRule, Catalog } from '../../src/rules/rulebook.js';

export const FIXTURE_ROOT = new URL('../fixtures/rules-tree/', import.meta.url).pathname;

const RULES: BookRule[] = [
  { id: 'PUSH-1', section: 'PUSH', title: 'Modelled', statement: 'Cited by the engine.', options: [] },
  { id: 'PUSH-2', section: 'PUSH', title: 'Checked', statement: 'Cited by a checker.', options: ['backoffLinearStep'] },
  { id: 'HDR-1', section: 'HDR', title: 'Covered by a case', statement: 'Cited by a conformance case.', options: [] },
  { id: 'HDR-2', section: 'HDR', title: 'Covered by a mutant', statement: 'Cited by a mutant.', options: [] },
  { id: 'HDR-3', section: 'HDR', title: 'Forgotten', statement: 'Cited nowhere and not waived.', options: [] },
  {
    id: 'HDR-4',
    section: 'HDR',
    title: 'Waived needlessly',
    statement: 'Cited by the engine, yet waived.',
    options: [],
    waiver: 'Not modelled yet.',
  },
  {
    id: 'HDR-5',
    section: 'HDR',
    title: 'Waived',
    statement: 'Cited nowhere, waived.',
    options: [],
    waiver: 'Nothing in this tree handles it.',
  },
  {
    id: 'HDR-6',
    section: 'HDR',
    title: 'Waived for no reason',
    statement: 'Cited nowhere, waived without a reason.',
    options: [],
    waiver: ' ',
  },
];

export const FIXTURE_CATALOG: Catalog = {
  rules: RULES,
  resolve: (token) => (RULES.some((r) => r.id === token) ? token : undefined),
};
