/**
 * The built JavaScript of the sources (dist/, the CLI's build: ensureCliBuilt), for tests of code that
 * starts worker threads. A module loaded from the TypeScript sources starts its workers from the
 * sources too, each registering the TypeScript loader in its thread first (about a CPU-second a
 * worker); a module of the build starts them as the installed CLI does, in plain JavaScript.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, ensureCliBuilt } from './cli.js';

/**
 * The built module of `source` (a path from the project root, e.g. `src/fuzz/jobs.ts`), typed as the
 * source, loaded by Node itself. Imported from here, the test runner would first rewrite each module
 * of the build for its own loader (a CPU-second for the fuzzer's); a module under a node_modules
 * directory it leaves to Node, so the import goes through a one-line module placed in one.
 */
export async function importBuilt<T>(source: string): Promise<T> {
  ensureCliBuilt();
  const built = pathToFileURL(join(ROOT, 'dist', source.replace(/\.ts$/, '.js'))).href;
  const dir = mkdtempSync(join(tmpdir(), 'tasksim-built-'));
  try {
    const shim = join(dir, 'node_modules', 'built.mjs');
    mkdirSync(dirname(shim));
    writeFileSync(shim, `export * from ${JSON.stringify(built)};\n`);
    return (await import(pathToFileURL(shim).href)) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true }); // loaded: the module stays, its file is not needed
  }
}

/**
 * A test's own module (outside src/, so not in the build) as JavaScript a worker of the build can
 * import: transpiled into a temporary directory, its relative imports pointed at the built sources
 * beside which the build would put it. `dispose` removes it.
 */
export function builtTestModule(source: string): { url: string; dispose: () => void } {
  ensureCliBuilt();
  const require = createRequire(import.meta.url);
  const esbuild = require('esbuild') as typeof import('esbuild');
  const file = join(ROOT, source);
  const { code } = esbuild.transformSync(readFileSync(file, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    platform: 'node',
    target: 'node20',
  });
  const builtDir = join(ROOT, 'dist', relative(ROOT, dirname(file)));
  const js = code.replace(
    /from "(\.\.?\/[^"]+)"/g,
    (_, spec: string) => `from ${JSON.stringify(pathToFileURL(join(builtDir, spec)).href)}`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'tasksim-built-'));
  const out = join(dir, 'module.mjs');
  writeFileSync(out, js);
  return { url: pathToFileURL(out).href, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
