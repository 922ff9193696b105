import { defineConfig } from 'vitest/config';

/**
 * The tests that judge src/invariants and src/model, and nothing else: mutation testing re-runs them
 * for every mutant, so the slow end-to-end and network suites stay out. MUTATION_TESTS narrows them
 * further to a comma-separated list of folders under test/ (e.g. `invariants`), so a folder's score
 * can be measured by its own tests alone. Scale tests (a name with "tasks," in its parentheses, e.g.
 * "(200,000 tasks, mixed outcomes)", or one of closed-forms' long runs) take minutes under Stryker's
 * instrumentation and judge throughput, not logic: they stay in `npm test` only.
 */
const folders = (process.env.MUTATION_TESTS ?? 'invariants,model').split(',').map((f) => f.trim()).filter(Boolean);

export default defineConfig({
  test: {
    include: folders.map((f) => `test/${f}/**/*.test.ts`),
    testNamePattern: /^(?!.*\(\d[\d,]* tasks,)(?!.*closed form)/,
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
