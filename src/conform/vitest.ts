/**
 * One call in a vitest file turns the handler conformance catalog into one test per case:
 *
 *   import { defineConformanceTests, lazy } from 'tasksim/vitest';
 *   defineConformanceTests(myHandler);                   // an in-process handler function
 *   defineConformanceTests(lazy(() => server.url));      // a URL known only once beforeAll ran
 *   defineConformanceTests(myHandler, { options: { 'retry-eta-header': 'original' } });  // SPEC §10 by name
 *
 * A failing case fails its test with expected / actual, the rule IDs and how to rerun it; a warning
 * passes with an annotation; a skip is a skipped test. Exploration (generated deliveries, shrunk on
 * failure) is one more test after the fixed cases, unless `explore: 0`.
 */
import { expect, test } from 'vitest';
import type { HandlerCase } from './case.js';
import { loadCatalog, registeredCatalog } from './registry.js';
import { fullCatalog, runConformance, validateOptions, type CaseResult, type ConformanceOptions } from './run.js';
import { randomSeed } from './seed.js';
import { selectCases } from './select.js';

type TargetSpec = ConformanceOptions['target'];

// Tests are defined synchronously, so the catalog is loaded before any test file calls in.
await loadCatalog();

/** A target resolved when the test runs (e.g. a server started in beforeAll). */
export interface LazyTarget {
  readonly lazy: () => TargetSpec | Promise<TargetSpec>;
}

export function lazy(resolve: () => TargetSpec | Promise<TargetSpec>): LazyTarget {
  return { lazy: resolve };
}

export interface ConformanceTestOptions extends Omit<ConformanceOptions, 'target' | 'onCase' | 'catalog'> {
  catalog?: readonly HandlerCase[];
  /** Per-test timeout in ms. Default 120 s (a case may wait out a deadline). */
  testTimeoutMs?: number;
}

function isLazy(t: TargetSpec | LazyTarget): t is LazyTarget {
  return typeof t === 'object' && t !== null && 'lazy' in t && typeof (t as LazyTarget).lazy === 'function';
}

export function failureMessage(r: CaseResult): string {
  return [
    `${r.id} ${r.title}`,
    `expected: ${r.expected}`,
    `actual:   ${r.actual}`,
    `rules:    ${r.rules.join(', ')}`,
    ...(r.curl ? [`curl:     ${r.curl}`] : []),
    `${r.curl || r.replay.startsWith('replayDelivery') ? 'replay:   ' : 'rerun:    '}${r.replay}`,
  ].join('\n');
}

export function defineConformanceTests(target: TargetSpec | LazyTarget, options: ConformanceTestOptions = {}): void {
  const { testTimeoutMs, catalog, ...runOptions } = options;
  validateOptions(runOptions); // bad options (an unknown §10 name or value…) fail the file at once, naming the choices
  const all = fullCatalog({ ...options, catalog });
  const cases = selectCases(all, options.cases);
  const fixed = new Set<HandlerCase>(catalog ?? registeredCatalog().fixed);
  const exploring = cases.filter((c) => !fixed.has(c));
  // One seed for the whole file, so every test's rerun line names the same run.
  const seed = options.seed ?? randomSeed();
  for (const c of cases.filter((x) => fixed.has(x))) {
    test(`${c.id} ${c.title} [${c.rules.join(', ')}]`, { timeout: testTimeoutMs ?? 120_000 }, async (ctx) => {
      const resolved = isLazy(target) ? await target.lazy() : target;
      const report = await runConformance({ ...runOptions, target: resolved, catalog: [c], cases: undefined, seed });
      const r = report.cases[0];
      if (r.status === 'skip') {
        ctx.skip(r.actual);
        return;
      }
      if (r.status === 'warn') await ctx.annotate(failureMessage(r), 'warning');
      expect(r.status, failureMessage(r)).not.toBe('fail');
    });
  }
  if (exploring.length > 0) defineExplorationTest(target, exploring, runOptions, seed, testTimeoutMs);
}

/** The exploring cases as one test: every finding (one per rule) in its failure message. */
function defineExplorationTest(
  target: TargetSpec | LazyTarget,
  cases: HandlerCase[],
  runOptions: Omit<ConformanceTestOptions, 'testTimeoutMs' | 'catalog'>,
  seed: number,
  testTimeoutMs: number | undefined,
): void {
  const ids = cases.map((c) => c.id).join(', ');
  test(`exploration: generated deliveries, shrunk on failure [${ids}]`, {
    timeout: testTimeoutMs ?? 120_000,
  }, async (ctx) => {
    const resolved = isLazy(target) ? await target.lazy() : target;
    const report = await runConformance({ ...runOptions, target: resolved, catalog: cases, cases: undefined, seed });
    const failed = report.cases.filter((r) => r.status === 'fail');
    for (const r of report.cases.filter((x) => x.status === 'warn')) await ctx.annotate(failureMessage(r), 'warning');
    expect(failed.length, failed.map(failureMessage).join('\n\n')).toBe(0);
  });
}
