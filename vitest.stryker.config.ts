import { defineConfig } from 'vitest/config';

/**
 * The tests that judge src/invariants and src/model, and nothing else: mutation testing re-runs them
 * for every mutant, so the slow end-to-end and network suites stay out. MUTATION_TESTS narrows them
 * further to a comma-separated list of folders under test/ (e.g. `invariants`), so a folder's score
 * can be measured by its own tests alone. Scale tests take seconds each, and a mutant re-runs every
 * test that covers it, so they stay in `npm test` only: a name with "tasks," in its parentheses (e.g.
 * "(200,000 tasks, mixed outcomes)"), closed-forms' long runs and its Erlang C and geometric-mean
 * comparisons, and the property that runs every checker over random engine traces.
 */
const SCALE_TESTS = [
  String.raw`\(\d[\d,]* tasks,`,
  'closed form',
  'Erlang C',
  String.raw`the mean is \(1`,
  'every invariant holds on the engine',
];
const folders = (process.env.MUTATION_TESTS ?? 'invariants,model')
  .split(',')
  .map((f) => f.trim())
  .filter(Boolean);

export default defineConfig({
  test: {
    include: folders.map((f) => `test/${f}/**/*.test.ts`),
    testNamePattern: new RegExp(`^${SCALE_TESTS.map((t) => `(?!.*${t})`).join('')}`),
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
