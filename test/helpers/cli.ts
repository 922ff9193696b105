/**
 * The CLI in a child process, as a user runs it (the built dist/src/cli/main.js, CI=1: no progress
 * bars, no colour). One build serves the whole suite: `npm test` builds first, and a lone test file
 * rebuilds only when a source is newer than the build (ensureCliBuilt), instead of compiling the CLI
 * through tsx in every child.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = join(ROOT, 'dist/src/cli/main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Every source file under `dir`. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/**
 * The JavaScript of dist/ (the layout `npm run build` gives it), transpiled file by file in about a
 * second. Types are the typecheck's job; a test of the CLI needs only code that runs (the same
 * transpiler tsx uses).
 */
function transpile(sources: string[]): void {
  const require = createRequire(import.meta.url);
  const esbuild = require('esbuild') as typeof import('esbuild');
  esbuild.buildSync({
    entryPoints: sources.flatMap(sourceFiles),
    outbase: ROOT,
    outdir: join(ROOT, 'dist'),
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
  });
}

/**
 * Builds dist/ once if main.js is missing or older than any source file. Test files run in parallel
 * workers, so a directory lock keeps two builds from writing the same files at once. The build's
 * own exit status is not trusted (others' work in progress may have type errors while still
 * emitting JavaScript): what counts is a fresh main.js that answers --help.
 */
let checked = false;

export function ensureCliBuilt(): void {
  if (checked) return; // once per test file: the sources do not change under a running suite
  buildIfStale();
  checked = true;
}

/**
 * When dist/ was last built: main.js's time, or the time of `npm test`'s incremental type-checked
 * build (dist/.tsbuildinfo), which writes only the files that changed and so may leave main.js older
 * than a source it has just compiled.
 */
function builtAt(): number {
  const info = join(ROOT, 'dist', '.tsbuildinfo');
  return Math.max(statSync(CLI).mtimeMs, existsSync(info) ? statSync(info).mtimeMs : 0);
}

function buildIfStale(): void {
  const sources = ['src', 'conformance'].map((d) => join(ROOT, d)).filter((d) => existsSync(d));
  const fresh = (): boolean => existsSync(CLI) && builtAt() >= Math.max(...sources.map(newestMtime));
  if (fresh()) return;
  const lock = join(ROOT, 'dist', '.test-build-lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else is building: wait for them, then look again. A lock older than a build can
      // take was left by a run that was killed mid-build.
      const age = existsSync(lock) ? Date.now() - statSync(lock).mtimeMs : 0;
      if (Date.now() > deadline || age > 90_000) rmSync(lock, { recursive: true, force: true });
      sleep(200);
      if (fresh()) return;
    }
  }
  try {
    if (!fresh()) transpile(sources);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  const help = spawnSync(process.execPath, [CLI, '--help'], { cwd: ROOT, encoding: 'utf8' });
  if (help.status !== 0) throw new Error(`the CLI did not build: ${help.stderr}`);
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** A bounded child process: past `timeoutMs` it is killed (and `code` is -1). */
export function runBounded(
  command: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): { child: ChildProcess; result: Promise<CliResult> } {
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env, CI: '1', NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const result = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, ms: performance.now() - started });
    });
  });
  return { child, result };
}

/** The command line that starts the built CLI (built first when missing or stale). */
export function cliArgs(): string[] {
  ensureCliBuilt();
  return [CLI];
}

/** The CLI, bounded (see runBounded). */
export function tasksim(args: string[], timeoutMs = 120_000): Promise<CliResult> {
  return runBounded(process.execPath, [...cliArgs(), ...args], { timeoutMs }).result;
}
