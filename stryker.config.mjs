// Mutation testing of the engine and the checkers (`npm run mutation`; not part of `npm test` or CI).
// Narrow a run with `npm run mutation -- --mutate 'src/invariants/**/*.ts'`: each mutant re-runs only
// the tests that cover it (coverageAnalysis perTest), but two cores still make a whole run long.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts' },
  coverageAnalysis: 'perTest',
  mutate: ['src/invariants/**/*.ts', 'src/model/**/*.ts'],
  // Violation messages are prose for people, not verdicts: mutating their text would double the run.
  mutator: { excludedMutations: ['StringLiteral'] },
  concurrency: 2,
  // A busy machine must not turn a slow run into a "killed" mutant: generous timeouts.
  timeoutMS: 20_000,
  timeoutFactor: 3,
  // Module-level mutants re-run every test; the constants they touch are pinned by the tests of their users.
  ignoreStatic: true,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/stryker/mutation-' + (process.env.MUTATION_TESTS ?? 'all') + '.json' },
  htmlReporter: { fileName: 'reports/stryker/mutation-' + (process.env.MUTATION_TESTS ?? 'all') + '.html' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
