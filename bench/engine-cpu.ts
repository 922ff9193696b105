/**
 * The engine thread's CPU on throughput-1m, build against build, in interleaved rounds of fresh
 * processes (a machine that gets busier slows every build alike). Two ways per round: the engine and
 * its trace hash alone (`checkInvariants: false`), and as `simulate` runs (the invariants in a thread
 * of their own). The engine thread's CPU is the main thread's, read from /proc (Linux; elsewhere the
 * whole process's), from just before the run to just after it. Prints per build and way the medians,
 * the engine's events per CPU-second, and per round the ratio of each build to the first.
 * Run: node --import tsx bench/engine-cpu.ts [rounds] [tasks] [dir with dist/]… (default: this checkout)
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { moduleOfBuild, threadCpuMs } from './other-build.js';

interface ChildRun {
  wallMs: number;
  engineCpuMs: number;
  processCpuMs: number;
  events: number;
  traceHash: string;
}

const WAYS = ['hash', 'simulate'] as const;
type Way = (typeof WAYS)[number];

/** The main thread's user + system CPU in ms, or undefined off Linux. */
function mainThreadCpuMs(): number | undefined {
  return threadCpuMs(process.pid);
}

async function child(root: string, tasks: number, way: Way): Promise<void> {
  const { runScenario } = (await import(
    moduleOfBuild(root, 'scenario/run')
  )) as typeof import('../src/scenario/run.js');
  const { throughputScenario } = await import('./throughput.js');
  const scenario = await throughputScenario(tasks);
  const thread0 = mainThreadCpuMs();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runScenario(
    scenario,
    way === 'hash' ? { checkInvariants: false } : { invariantThread: 'on' as const },
  );
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const thread1 = mainThreadCpuMs();
  const processCpuMs = (cpu.user + cpu.system) / 1000;
  const run: ChildRun = {
    wallMs: Math.round(wallMs),
    engineCpuMs: thread0 !== undefined && thread1 !== undefined ? thread1 - thread0 : Math.round(processCpuMs),
    processCpuMs: Math.round(processCpuMs),
    events: r.events,
    traceHash: r.traceHash,
  };
  process.stdout.write(`${JSON.stringify(run)}\n`);
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], Number(process.argv[4]), process.argv[5] as Way);
} else {
  const rounds = Number(process.argv[2] ?? 5);
  const tasks = Number(process.argv[3] ?? 1_000_000);
  const roots = process.argv.slice(4);
  if (roots.length === 0) roots.push(fileURLToPath(new URL('..', import.meta.url)));
  const self = fileURLToPath(import.meta.url);
  const runs = new Map<string, ChildRun[]>();
  const key = (root: string, way: Way): string => `${way} ${root}`;
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ratios = new Map<string, number[]>();
  for (let round = 1; round <= rounds; round++) {
    for (const way of WAYS) {
      const first: ChildRun[] = [];
      // Alternate which build goes first, so neither always meets the same state of the machine.
      const order = round % 2 === 1 ? roots : [...roots].reverse();
      const byRoot = new Map<string, ChildRun>();
      for (const root of order) {
        const out = execFileSync(process.execPath, ['--import', 'tsx', self, '--child', root, String(tasks), way], {
          encoding: 'utf8',
          timeout: 600_000,
        });
        const r = JSON.parse(out.trim().split('\n').pop()!) as ChildRun;
        byRoot.set(root, r);
        const k = key(root, way);
        runs.set(k, [...(runs.get(k) ?? []), r]);
        console.log(
          `round ${round} ${way} ${root}: engine thread ${r.engineCpuMs} ms CPU, process ${r.processCpuMs} ms, wall ${r.wallMs} ms, ${r.events} events, hash ${r.traceHash.slice(0, 8)} (load ${loadavg()[0].toFixed(1)})`,
        );
      }
      first.push(byRoot.get(roots[0])!);
      for (const root of roots.slice(1)) {
        const k = key(root, way);
        ratios.set(k, [...(ratios.get(k) ?? []), byRoot.get(root)!.engineCpuMs / first[0].engineCpuMs]);
      }
    }
  }
  for (const [k, rs] of runs) {
    const cpu = median(rs.map((r) => r.engineCpuMs));
    const ratio = ratios.get(k);
    console.log(
      `${k}: median engine thread CPU ${cpu} ms (${((rs[0].events / cpu) * 1000).toFixed(0)} events per CPU-s), process CPU ${median(rs.map((r) => r.processCpuMs))} ms, wall ${median(rs.map((r) => r.wallMs))} ms${ratio ? `; engine CPU / first build's, per round: ${ratio.map((x) => x.toFixed(3)).join(' ')}, median ${median(ratio).toFixed(3)}` : ''}`,
    );
  }
}
