/**
 * The checker thread's CPU on throughput-1m, build against build, in interleaved rounds: each round
 * runs every build once, each in a fresh process (engine-checker-child.ts), so a machine that gets
 * busier slows them alike. Prints, per build, the medians of the checker thread's CPU, the whole
 * process's CPU and the wall time, with the load average beside each round.
 * Run: npx tsx bench/engine-checker-cpu.ts [rounds] [dir with dist/]… (default: this checkout)
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

interface ChildRun {
  wallMs: number;
  processCpuMs: number;
  checkerCpuMs?: number;
  events: number;
  traceHash: string;
  failed: string[];
}

const rounds = Number(process.argv[2] ?? 3);
const roots = process.argv.slice(3);
if (roots.length === 0) roots.push(fileURLToPath(new URL('..', import.meta.url)));
const child = fileURLToPath(new URL('./engine-checker-child.ts', import.meta.url));
const runs = new Map<string, ChildRun[]>(roots.map((r) => [r, []]));

for (let round = 1; round <= rounds; round++) {
  for (const root of roots) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', child, root], {
      encoding: 'utf8',
      timeout: 600_000,
    });
    const r = JSON.parse(out.trim().split('\n').pop()!) as ChildRun;
    runs.get(root)!.push(r);
    console.log(
      `round ${round} ${root}: checker CPU ${r.checkerCpuMs ?? '?'} ms, process CPU ${r.processCpuMs} ms, wall ${r.wallMs} ms, ${r.events} events, hash ${r.traceHash.slice(0, 8)}${r.failed.length > 0 ? `, FAILED ${r.failed.join(' ')}` : ''} (load ${loadavg()[0].toFixed(1)})`,
    );
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [root, rs] of runs) {
  const checker = rs.map((r) => r.checkerCpuMs).filter((x): x is number => x !== undefined);
  console.log(
    `${root}: median checker CPU ${checker.length > 0 ? median(checker) : '?'} ms, process CPU ${median(rs.map((r) => r.processCpuMs))} ms, wall ${median(rs.map((r) => r.wallMs))} ms`,
  );
}
