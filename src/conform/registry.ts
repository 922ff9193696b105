/**
 * The case registry. A catalog registers its cases here (through the kit, src/conform/kit.ts); the runner,
 * the CLI and the vitest helper ask the registry, so nothing in src/ imports a case. The built-in catalog
 * (conformance/handler/) is found by its place in the package and loaded once, when a run first needs it.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HandlerCase } from './case.js';

export interface CaseCatalog {
  /** The fixed cases, in SPEC order. */
  readonly fixed: readonly HandlerCase[];
  /** The exploring (property-based) cases: run after the fixed ones unless `--explore 0`. */
  readonly exploring: readonly HandlerCase[];
  /** Payload exploration: only with `--explore-payloads`. */
  readonly payloads?: HandlerCase;
}

let registered: CaseCatalog | undefined;

/** Called by a catalog's index when it loads; the last catalog registered is the one runs use. */
export function registerCatalog(catalog: CaseCatalog): void {
  registered = catalog;
}

/** The registered catalog; `loadCatalog()` must have run (every async entry point awaits it). */
export function registeredCatalog(): CaseCatalog {
  if (!registered) throw new Error('no conformance catalog is loaded: await loadCatalog() first');
  return registered;
}

// The built-in catalog sits beside src/ in the package: .ts when run from source, .js once built.
const BUILT_IN = new URL(`../../conformance/handler/index${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
let loading: Promise<CaseCatalog> | undefined;

/** Loads the built-in catalog (once) unless a catalog is registered already, and returns the registered one. */
export function loadCatalog(): Promise<CaseCatalog> {
  if (registered) return Promise.resolve(registered);
  loading ??= import(BUILT_IN.href).then(() => registeredCatalog());
  return loading;
}
