/**
 * Checker-thread scripts bundled into one module each, for tests that start many checker threads.
 * From the sources, thread.ts starts each thread through tsx: a loader thread of its own and every
 * module loaded through it, about 0.5 CPU-s a start, where a bundle starts in about 0.2. The code is
 * the same sources, compiled by the transpiler tsx uses; tests of thread.ts finding its own worker
 * keep the default entry.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { ROOT } from './cli.js';

const bundles = new Map<string, URL>();

/**
 * A data: URL of the script at `source` (a TypeScript file) and what it imports, for
 * InvariantThreadOptions.entry; built once per test worker (the sources do not change under a run).
 */
export function bundledThread(source: URL): URL {
  const known = bundles.get(source.href);
  if (known !== undefined) return known;
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const out = esbuild.buildSync({
    entryPoints: [fileURLToPath(source)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
  });
  const url = new URL(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].contents).toString('base64')}`);
  bundles.set(source.href, url);
  return url;
}

/** The real checker thread (src/invariants/thread-worker.ts), bundled. */
export function checkerThreadEntry(): URL {
  return bundledThread(pathToFileURL(join(ROOT, 'src/invariants/thread-worker.ts')));
}
