/**
 * `npm run bench`: every benchmark, then reports/bench.md with the machine and the date.
 * Figures are medians of a few runs; compare ratios across machines, not absolute numbers.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/report/output-file.js';
import { cpus, totalmem } from 'node:os';
import { benchEngine, type EngineFigures } from './engine.bench.js';
import { benchHttpDriver } from './http-driver.bench.js';
import { benchFuzz, benchFuzzJobs, benchFuzzParallel } from './fuzz.bench.js';
import { benchFloor, type FloorFigures } from './floor.bench.js';

const log = (line: string): void => void process.stderr.write(line + '\n');

log('engine against the floor (throughput-1m)…');
const floor: FloorFigures = await benchFloor(log);
log('engine (throughput-1m)…');
const engine: EngineFigures = await benchEngine(log);
log('HTTP driver against autocannon…');
const http = await benchHttpDriver({ log });
log('fuzz…');
const fuzz = await benchFuzz(log);
log('fuzz over every core…');
const fuzzParallel = await benchFuzzParallel(log);
log('fuzz --jobs (every core)…');
const fuzzJobs = await benchFuzzJobs(log);

const machine = `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const lines = [
  '# tasksim benchmarks',
  '',
  `- date: ${new Date().toISOString()}`,
  `- machine: ${machine}`,
  '- command: `npm run bench`',
  '',
  `## Engine against the floor: throughput-1m (median of ${floor.rounds} interleaved rounds)`,
  '',
  'The floor is the same workload as a bare typed-array event loop (bench/floor.ts): same arrivals, token',
  "bucket, concurrency cap, draws, backoff and event count, and a SHA-256 over each event's fields.",
  `The engine runs from ${floor.engineFrom} (dist/ is what the CLI runs; tsx adds a \`__name\` call per closure).`,
  '',
  'The share by CPU time counts every thread of the process: a checker thread beside the engine shortens',
  'the wall time and lengthens the CPU time.',
  '',
  "| run | median ms | events/s | share of the floor's speed | share by CPU time | target |",
  '| --- | --- | --- | --- | --- | --- |',
  ...(
    [
      ['floor: bare typed-array loop', floor.floorMs, 1, 1, ''],
      ['engine + trace hash', floor.engineHashMs, floor.engineHashOfFloor, floor.engineHashOfFloorCpu, ''],
      [
        'engine + trace hash + every invariant (as simulate runs)',
        floor.engineMs,
        floor.engineOfFloor,
        floor.engineOfFloorCpu,
        '≥ 0.25',
      ],
      [
        '— the invariants always in a thread of their own',
        floor.engineThreadMs,
        floor.engineThreadOfFloor,
        floor.engineThreadOfFloorCpu,
        '',
      ],
      [
        "— the invariants always in the engine's thread",
        floor.engineInlineMs,
        floor.engineInlineOfFloor,
        floor.engineInlineOfFloorCpu,
        '',
      ],
      ["simulate(), the CLI's code path (--no-det-check)", floor.simulateMs, floor.simulateOfFloor, undefined, ''],
    ] as const
  ).map(
    ([name, ms, share, cpuShare, target]) =>
      `| ${name} | ${ms.toFixed(0)} | ${Math.round(floor.events / (ms / 1000)).toLocaleString('en-US')} | ${share.toFixed(3)} | ${cpuShare === undefined ? '' : cpuShare.toFixed(3)} | ${target} |`,
  ),
  '',
  ...(floor.cli
    ? [
        '| built CLI, default (INV-DET included), fresh process | value | target |',
        '| --- | --- | --- |',
        `| wall time of the command | ${floor.cli.totalWallMs.toLocaleString('en-US')} ms | |`,
        ...Object.entries(floor.cli.phases).map(
          ([phase, ms]) => `| phase: ${phase} | ${ms.toLocaleString('en-US')} ms | |`,
        ),
        `| events/s of the run phase | ${floor.cli.eventsPerSecond.toLocaleString('en-US')} | |`,
        `| peak RSS | ${floor.cli.peakRssMB} MB | ≤ 512 MB |`,
        '',
      ]
    : []),
  '## Engine: throughput-1m (1,000,000 tasks, 500/s, 30% failures, retry limit 5)',
  '',
  '| measure | value | target |',
  '| --- | --- | --- |',
  `| trace events | ${engine.events.toLocaleString('en-US')} | |`,
  `| events per wall second, engine + trace hash (median of 3) | ${engine.eventsPerSecond.toLocaleString('en-US')} | ≥ 1,000,000 |`,
  `| events per wall second, with every invariant checked | ${engine.eventsPerSecondWithInvariants.toLocaleString('en-US')} | |`,
  `| peak RSS, 1M tasks (fresh process, invariants on) | ${engine.peakRssMB} MB | ≤ 512 MB |`,
  `| growth 100k → 1M relative to n log n | ${engine.growthVsNLogN} | ≤ 1 |`,
  '',
  '| tasks | wall ms | events | peak RSS MB |',
  '| --- | --- | --- | --- |',
  ...engine.scaling.map(
    (s) =>
      `| ${s.tasks.toLocaleString('en-US')} | ${s.ms.toFixed(0)} | ${s.events.toLocaleString('en-US')} | ${s.maxRssMB.toFixed(0)} |`,
  ),
  '',
  `## HTTP driver against autocannon (loopback, ${http.concurrency} connections, ${http.rounds} rounds of ${http.seconds} s)`,
  '',
  '| measure | value | target |',
  '| --- | --- | --- |',
  `| tasksim deliveries per second (median) | ${Math.round(http.driverRps).toLocaleString('en-US')} | |`,
  `| autocannon requests per second (median) | ${Math.round(http.autocannonRps).toLocaleString('en-US')} | |`,
  `| ratio (median of per-round ratios) | ${(http.ratio * 100).toFixed(0)}% | ≥ 90% |`,
  '',
  '## Fuzz',
  '',
  '| measure | value | target |',
  '| --- | --- | --- |',
  `| runs per second, exactly ${fuzz.commandsPerRun} commands drawn and run, in-process reference, on ${fuzzParallel.workers} worker threads at once (the one-thread round below in each) | ${fuzzParallel.runsPerSecond.toLocaleString('en-US')} | ≥ 1,000 |`,
  `| runs per second, the same, one thread (${fuzz.from}) | ${Math.round(fuzz.runsPerSecond).toLocaleString('en-US')} | |`,
  `| runs per CPU second, one thread (this process's user + system time; wall time also counts others' load) | ${fuzz.runsPerCpuSecond.toLocaleString('en-US')} | |`,
  `| a campaign through \`tasksim fuzz --jobs ${fuzzJobs.jobs} --max-commands ${fuzzJobs.maxCommands}\`'s code, warm: runs per second (sequences of up to ${fuzzJobs.maxCommands} commands, ${fuzzJobs.meanCommands} on average) | ${fuzzJobs.parallelRunsPerSecond.toLocaleString('en-US')} | |`,
  `| the same campaign in one thread (\`--jobs 1\`), warm | ${fuzzJobs.singleRunsPerSecond.toLocaleString('en-US')} | |`,
  `| ${fuzzJobs.jobs} jobs over one, warm (median of ${fuzzJobs.rounds} interleaved rounds) | ×${fuzzJobs.speedup} | |`,
  `| the ${fuzzJobs.jobs}-job campaign over its whole wall time (worker start-up and warm-up included) | ${fuzzJobs.parallelWholeRunsPerSecond.toLocaleString('en-US')} runs/s | |`,
  `| load average (1 min) when the bench ended | ${fuzz.loadAverage.toFixed(1)}; after the --jobs rounds ${fuzzJobs.loadAverage.toFixed(1)} | |`,
  '',
];
mkdirSync(new URL('../reports/', import.meta.url), { recursive: true });
const out = new URL('../reports/bench.md', import.meta.url);
writeFileAtomic(fileURLToPath(out), lines.join('\n')); // an old report survives a failed write
process.stdout.write(lines.join('\n'));
log(`\nwrote ${out.pathname}`);
