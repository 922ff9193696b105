/**
 * The engine as users run it: the tsc build in dist/, not the TypeScript sources through tsx. They
 * are not the same JavaScript: tsx compiles with esbuild's keepNames, which wraps every function
 * expression in a `__name(…)` call, so each closure made per event costs a call more (6% of a
 * throughput-1m profile). Benchmarks that claim a user-facing figure load the build; without one
 * they fall back to the sources and say so.
 */
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Simulate = typeof import('../src/cli/simulate.js');
type Run = typeof import('../src/scenario/run.js');

export interface EngineModules {
  simulate: Simulate['simulate'];
  runScenario: Run['runScenario'];
  /** 'dist' (what the CLI runs) or 'src via tsx'. */
  from: 'dist' | 'src via tsx';
}

export async function loadEngineModules(log: (line: string) => void): Promise<EngineModules> {
  const built = new URL('../dist/src/cli/simulate.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) {
    const stale = ['model/engine', 'model/push-queue', 'sim/trace-codec', 'cli/simulate'].filter((m) =>
      isOlder(`../dist/src/${m}.js`, `../src/${m}.ts`),
    );
    if (stale.length > 0) log(`  (dist/ is older than src/ for ${stale.join(', ')}: run \`npm run build\` first)`);
    const sim = (await import(built.href)) as Simulate;
    const run = (await import(new URL('../dist/src/scenario/run.js', import.meta.url).href)) as Run;
    return { simulate: sim.simulate, runScenario: run.runScenario, from: 'dist' };
  }
  log('  (no dist/: timing the sources through tsx; run `npm run build` to time what users run)');
  const sim = await import('../src/cli/simulate.js');
  const run = await import('../src/scenario/run.js');
  return { simulate: sim.simulate, runScenario: run.runScenario, from: 'src via tsx' };
}

function isOlder(built: string, source: string): boolean {
  const mtime = (rel: string): number => statSync(fileURLToPath(new URL(rel, import.meta.url))).mtimeMs;
  return mtime(built) < mtime(source);
}
