/**
 * The checker thread's CPU on throughput-1m, build against build, in interleaved rounds: each round
 * runs every build once, each in a fresh process (engine-checker-child.ts), so a machine that gets
 * busier slows them alike. Prints, per build, the medians of the checker thread's CPU, the whole
 * process's CPU and the wall time, with the load average beside each round, and each build's checker
 * CPU over the first build's, round by round (paired ratios) with their median.
 * `--decode`: the checker thread's work alone, in the engine's thread (engine-checker-decode-child.ts):
 * steadier on a busy machine, where two threads of one process contend for the cores.
 * Run: npx tsx bench/engine-checker-cpu.ts [--decode] [rounds] [dir with dist/]… (default: this checkout)
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

const args = process.argv.slice(2);
const decodeOnly = args[0] === '--decode';
if (decodeOnly) args.shift();
const rounds = Number(args[0] ?? 3);
const roots = args.slice(1);
if (roots.length === 0) roots.push(fileURLToPath(new URL('..', import.meta.url)));
const child = fileURLToPath(
  new URL(decodeOnly ? './engine-checker-decode-child.ts' : './engine-checker-child.ts', import.meta.url),
);
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

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
for (const [root, rs] of runs) {
  const checker = rs.map((r) => r.checkerCpuMs).filter((x): x is number => x !== undefined);
  console.log(
    `${root}: median checker CPU ${checker.length > 0 ? median(checker) : '?'} ms, process CPU ${median(rs.map((r) => r.processCpuMs))} ms, wall ${median(rs.map((r) => r.wallMs))} ms`,
  );
}

// Paired: each build's checker CPU over the first build's in the same round.
const first = runs.get(roots[0])!;
for (const root of roots.slice(1)) {
  const ratios = runs
    .get(root)!
    .map((r, i) =>
      r.checkerCpuMs !== undefined && first[i].checkerCpuMs ? r.checkerCpuMs / first[i].checkerCpuMs : NaN,
    )
    .filter((x) => !Number.isNaN(x));
  console.log(
    `${root} / ${roots[0]} checker CPU, round by round: ${ratios.map((x) => x.toFixed(3)).join(' ')}; median ${ratios.length > 0 ? median(ratios).toFixed(3) : '?'}`,
  );
}
