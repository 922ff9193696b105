/**
 * What starting the CLI costs, command by command: the CPU time (every thread) of the built CLI from
 * `node` to exit, for help, usage errors and the shortest real runs. The test suite starts the CLI
 * hundreds of times and users wait on every start, so a command should load only what its path needs
 * (test/cli/lazy-load.test.ts pins which modules). Run alone: `node --import tsx bench/cli-startup.bench.ts`
 * after `npm run build`. CPU time, not wall time: on a shared machine it moves far less with the load.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
const MARK = 'tasksim-bench-cpu ';
/** Preloaded into the child: its own CPU time (user + system, all threads) on stderr as it exits. */
const REPORT_CPU = `data:text/javascript,${encodeURIComponent(
  `import { writeSync } from 'node:fs'; process.on('exit', () => { const u = process.cpuUsage(); writeSync(2, ${JSON.stringify(MARK)} + (u.user + u.system) + '\\n'); });`,
)}`;

export const STARTUP_CASES: readonly string[][] = [
  ['--version'],
  ['--help'],
  ['check', '--help'],
  ['fuzz', '--no-such-option'],
  ['fuzz', '--adapter', 'reference', '--runs', '1', '--seed', '1'],
  ['simulate', '--no-such-option'],
  ['simulate', 'scenarios/pause-resume.yaml', '--no-det-check'],
  ['conform', '--no-such-option'],
  ['conform', 'http://127.0.0.1:9/'], // nothing listens on port 9: the shortest URL run (exit 3)
  ['serve', '--no-such-option'],
  ['serve', '--help'],
  ['report', 'merge', '--no-such-option'],
];

export interface StartupFigure {
  args: string;
  /** Median CPU milliseconds of the child, over the rounds. */
  cpuMs: number;
}

function cpuMsOf(args: string[]): number {
  const r = spawnSync(process.execPath, ['--import', REPORT_CPU, CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, CI: '1', NO_COLOR: '1' },
  });
  const line = r.stderr.split('\n').find((l) => l.startsWith(MARK));
  if (!line) throw new Error(`tasksim ${args.join(' ')}: no CPU figure (exit ${r.status}): ${r.stderr.slice(0, 400)}`);
  return Number(line.slice(MARK.length)) / 1000;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** Interleaved rounds (every case once per round), so a change of load touches every case alike. */
export function benchCliStartup(log: (line: string) => void, rounds = 5): StartupFigure[] {
  if (!existsSync(CLI)) throw new Error('no dist/src/cli/main.js: run `npm run build` first');
  const samples = STARTUP_CASES.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    STARTUP_CASES.forEach((args, i) => samples[i]?.push(cpuMsOf(args)));
    log(`  round ${round + 1}/${rounds} (load ${loadavg()[0]?.toFixed(2)})`);
  }
  return STARTUP_CASES.map((args, i) => ({ args: args.join(' '), cpuMs: median(samples[i] ?? []) }));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const before = loadavg()[0]?.toFixed(2);
  const figures = benchCliStartup(log);
  process.stdout.write(
    `CLI start-up, median CPU ms of 5 interleaved rounds (load ${before} → ${loadavg()[0]?.toFixed(2)})\n`,
  );
  for (const f of figures) process.stdout.write(`${f.cpuMs.toFixed(0).padStart(6)}  tasksim ${f.args}\n`);
}
