/**
 * The docs cannot rot: every shell and YAML example in README.md and scenarios/README.md is taken out
 * of the Markdown and run, bounded, with the exit code it should have. Shell lines run in bash with
 * `tasksim` (and `npx tasksim`) being this checkout's CLI; the example URLs on 127.0.0.1 are served by
 * the bundled reference handler and reference queue on ports the OS picks. A new example with no way
 * to run here fails this test until it gets one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceHandler, type ReferenceHandler } from '../../src/conform/reference-handler.js';
import { serveReferenceOverHttp, type Served } from '../../src/adapters/http-json-server.js';
import { DEMO_REPORTS } from '../helpers/demo-reports.js';
import { CLI, ROOT, ensureCliBuilt } from '../helpers/engine.js';
import { runBounded } from '../helpers/cli.js';
import { SLOW } from '../helpers/slow.js';

const DOCS = ['README.md', 'scenarios/README.md'];

interface Example {
  doc: string;
  lang: 'sh' | 'yaml';
  text: string;
}

/** The fenced ```sh / ```yaml blocks of a Markdown file. */
function examplesOf(doc: string): Example[] {
  const text = readFileSync(join(ROOT, doc), 'utf8');
  const out: Example[] = [];
  for (const m of text.matchAll(/^```(sh|bash|shell|yaml|yml)\n([\s\S]*?)^```$/gm)) {
    out.push({ doc, lang: m[1] === 'yaml' || m[1] === 'yml' ? 'yaml' : 'sh', text: m[2] });
  }
  return out;
}

/** One command per line, `a && b` split, comments dropped. */
function commandsOf(sh: string): string[] {
  return sh
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l && !l.startsWith('#'))
    .flatMap((l) => l.split(/\s+&&\s+/));
}

/** Commands the docs show that this suite cannot run, and why; everything else runs. */
const NOT_RUN: Record<string, string> = {
  'npm install': 'installs the dependencies this suite is already running on',
  'npm test': 'the command that runs this very suite',
};
/**
 * The long examples run as written under TASKSIM_SLOW=1; by default a smaller instance of the same
 * command line (same command and flags; fewer runs, or the scenario with fewer tasks) keeps `npm test`
 * within its budget.
 */
const QUICK: Record<string, string> = {
  'npx tasksim simulate scenarios/throughput-1m.yaml --seed 7 --json':
    'npx tasksim simulate throughput-1m-quick.yaml --seed 7 --json',
  'npx tasksim fuzz --adapter reference --runs 20000 --jobs auto':
    'npx tasksim fuzz --adapter reference --runs 40 --jobs auto',
  'npx tasksim fuzz --adapter http://127.0.0.1:9000 --runs 500 --shard 1/4 --json':
    'npx tasksim fuzz --adapter http://127.0.0.1:9000 --runs 8 --shard 1/4 --json',
  "npx tasksim fuzz --adapter 'cloud-tasks://127.0.0.1:8125?clock=127.0.0.1:8126&handler=127.0.0.1:8090' --runs 50":
    "npx tasksim fuzz --adapter 'cloud-tasks://127.0.0.1:8125?clock=127.0.0.1:8126&handler=127.0.0.1:8090' --runs 2",
};
/**
 * throughput-1m.yaml with 1,000 tasks instead of a million (its quick instance above): same queue, service
 * and flags; still twice its bucket (500), so the rate limit still paces the burst (PUSH-2/3).
 */
function quickThroughput(): string {
  const full = readFileSync(join(ROOT, 'scenarios/throughput-1m.yaml'), 'utf8');
  const quick = full.replace(/^(\s+count:) 1000000$/m, '$1 1000');
  if (quick === full)
    throw new Error('scenarios/throughput-1m.yaml no longer says count: 1000000: update its quick instance');
  return quick;
}
/** Exit codes other than 0 that an example is meant to have. */
const EXPECTED_EXIT: Record<string, number> = {
  'npx tasksim fuzz --adapter mutant:retry-count-off-by-one': 1, // the point of the example: a broken queue is caught
};

let work: string;
let bin: string;
let handler: ReferenceHandler;
let queue: Served;
/** A documented `tasksim serve` runs until stopped: it is started on OS-chosen ports and its control URL kept. */
let serving: { child: ChildProcess; control: string } | undefined;
/** Every documented serve started, and its documented `127.0.0.1:PORT`s → the live ones, for the lines after it. */
const servings: ChildProcess[] = [];
const livePorts = new Map<string, string>();

beforeAll(async () => {
  ensureCliBuilt();
  work = await mkdtemp(join(tmpdir(), 'tasksim-docs-'));
  await symlink(join(ROOT, 'scenarios'), join(work, 'scenarios'));
  bin = join(work, '.bin');
  await import('node:fs/promises').then((fs) => fs.mkdir(bin));
  await writeFile(join(bin, 'tasksim'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(bin, 'tasksim'), 0o755);
  await writeFile(join(work, 'throughput-1m-quick.yaml'), quickThroughput());
  handler = await startReferenceHandler({ path: '/tasks/worker' });
  queue = await serveReferenceOverHttp();
}, 120_000);
afterAll(async () => {
  for (const child of servings) child.kill('SIGTERM');
  await handler?.close();
  await queue?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Runs one documented command in bash, bounded; the docs' 127.0.0.1 ports point at live servers. */
function run(
  command: string,
  cwd: string,
  env: Record<string, string> = {},
  timeoutMs = 300_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const live0 = command
    .replaceAll('http://127.0.0.1:8080', new URL(handler.url).origin)
    .replaceAll('http://127.0.0.1:9000', queue.url.replace(/\/$/, ''))
    .replaceAll('http://127.0.0.1:8124', serving?.control ?? 'http://127.0.0.1:8124');
  const live = [...livePorts].reduce((text, [doc, now]) => text.replaceAll(doc, now), live0);
  const { result } = runBounded('bash', ['-c', `npx() { "$@"; }\n${live}`], {
    cwd,
    env: { ...env, PATH: `${bin}:${process.env.PATH}` },
    timeoutMs,
  });
  return result;
}

/**
 * Starts a documented `tasksim serve` on ports the OS picks (the docs' fixed ports are replaced by 0) and
 * waits, bounded, for the control URL it prints; the curl lines after it then talk to that server.
 */
async function startServing(command: string, cwd: string): Promise<{ child: ChildProcess; control: string }> {
  // An App Engine host other than the reference handler's is where a harness listens (fuzz's
  // cloud-tasks adapter): a port the OS picks, kept for the lines after it.
  const docHost = /--appengine-host http:\/\/(127\.0\.0\.1:\d+)/.exec(command)?.[1];
  if (docHost !== undefined && docHost !== '127.0.0.1:8080') livePorts.set(docHost, `127.0.0.1:${await freePort()}`);
  // `exec` would skip the `npx` function, so the command runs as `tasksim …` directly.
  const live = [...livePorts]
    .reduce((text, [doc, now]) => text.replaceAll(doc, now), command)
    .replace(/^npx /, '')
    .replace(/--port \d+/, '--port 0')
    .replace(/--control-port \d+/, '--control-port 0')
    .replaceAll('http://127.0.0.1:8080', new URL(handler.url).origin);
  const docApi = /--port (\d+)/.exec(command)?.[1];
  const docControl = /--control-port (\d+)/.exec(command)?.[1];
  const child = spawn('bash', ['-c', `exec ${live}`], {
    cwd,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, CI: '1', NO_COLOR: '1' },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command}: no control URL printed within 60 s\n${out}`));
    }, 60_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /clock\s+(http:\/\/127\.0\.0\.1:\d+)\/clock/.exec(out);
      const api = / on (127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (m && api) {
        clearTimeout(timer);
        servings.push(child);
        if (docApi !== undefined) livePorts.set(`127.0.0.1:${docApi}`, api);
        if (docControl !== undefined) livePorts.set(`127.0.0.1:${docControl}`, new URL(m[1]).host);
        resolve({ child, control: m[1] });
      }
    });
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited (${code}) before it printed its control URL\n${out}`));
    });
  });
}

/**
 * What the README says `npm start` does: `tasksim demo` on its defaults, the conformance suite against
 * the reference handler and the default simulation (outage-throttle), both summaries printed and the
 * reports written to reports/latest/ by this run. (test/e2e/demo.test.ts runs demo with --report-dir
 * and --scenario given.)
 */
async function expectDemoRan(stdout: string, startedAt: number): Promise<void> {
  expect(stdout).toMatch(/Every required case passed/);
  expect(stdout).toMatch(/INV-DET\s+re-run with seed 11: same hash/);
  const dir = join(ROOT, 'reports', 'latest');
  for (const f of DEMO_REPORTS) {
    // Written by this run, not left by an earlier one (file times are whole milliseconds or coarser).
    expect(statSync(join(dir, f)).mtimeMs, f).toBeGreaterThanOrEqual(Math.floor(startedAt / 1000) * 1000);
  }
  const sim = JSON.parse(readFileSync(join(dir, 'simulation/report.json'), 'utf8'));
  expect(sim.scenario).toBe('outage-throttle');
  expect(stdout).toContain(join('reports', 'latest', 'simulation', 'index.html'));
}

/** A port nothing listens on, picked by the OS. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const examples = DOCS.flatMap(examplesOf);
const commands = examples
  .filter((e) => e.lang === 'sh')
  .flatMap((e) => commandsOf(e.text).map((c) => ({ doc: e.doc, command: c })));

describe('every shell example in the docs runs as written', () => {
  it('the docs have shell and YAML examples to run', () => {
    expect(commands.length).toBeGreaterThanOrEqual(8);
    expect(examples.some((e) => e.lang === 'yaml')).toBe(true);
  });

  it('every quick instance stands for a documented command (a renamed example must not run in full unnoticed)', () => {
    expect(Object.keys(QUICK).filter((c) => !commands.some((x) => x.command === c))).toEqual([]);
  });

  for (const { doc, command } of commands) {
    if (command in NOT_RUN) {
      it.skip(`${doc}: ${command} (not run here: ${NOT_RUN[command]})`, () => {});
      continue;
    }
    it(`${doc}: ${command}`, async () => {
      if (command === 'npm pack') {
        // In the checkout, as the docs say; the tarball goes to a temporary directory.
        const dest = await mkdtemp(join(work, 'pack-'));
        const r = await run(command, ROOT, { npm_config_pack_destination: dest, npm_config_ignore_scripts: 'true' });
        expect(r.code, r.stderr).toBe(0);
        const tarballs = (await readdir(dest)).filter((f) => f.endsWith('.tgz'));
        expect(tarballs).toHaveLength(1);
        // The install route works: the packed CLI (its bin) runs a packed scenario (a small one, 120
        // tasks), given the dependencies.
        const unpacked = await run(
          `tar -xzf ${tarballs[0]} && ln -s ${join(ROOT, 'node_modules')} package/node_modules`,
          dest,
        );
        expect(unpacked.code, unpacked.stderr).toBe(0);
        const pkg = JSON.parse(readFileSync(join(dest, 'package/package.json'), 'utf8'));
        const packed = await run(
          `node package/${pkg.bin.tasksim} simulate package/scenarios/deadlines.yaml --no-det-check`,
          dest,
        );
        expect(packed.code, packed.stderr).toBe(0);
        expect(packed.stdout).toMatch(/scenario\s+deadlines/);
        return;
      }
      if (/\btasksim serve\b/.test(command)) {
        serving = await startServing(command, work);
        return;
      }
      // `npm start` runs in the checkout (it is the package's script); the rest in a scratch directory.
      const startedAt = Date.now();
      const r = await run(SLOW ? command : (QUICK[command] ?? command), command.startsWith('npm ') ? ROOT : work);
      const expected = EXPECTED_EXIT[command] ?? 0;
      expect(r.code, `${command}\n${r.stderr.slice(-2000)}`).toBe(expected);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      if (command === 'npm start') await expectDemoRan(r.stdout, startedAt);
    }, 360_000);
  }
});

describe('every YAML example in the docs is a scenario that runs', () => {
  for (const [i, e] of examples.filter((x) => x.lang === 'yaml').entries()) {
    it(`${e.doc}: YAML example ${i + 1} runs with tasksim simulate and meets its expectations`, async () => {
      const file = join(work, `example-${i + 1}.yaml`);
      await writeFile(file, e.text);
      const r = await run(`tasksim simulate ${file} --json`, work);
      expect(r.code, r.stderr || r.stdout).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.ok).toBe(true);
      expect(out.unmet).toEqual([]);
    }, 120_000);
  }
});
