/**
 * The real-time reference under load: `tasksim fuzz` against the wall-clock reference served over
 * HTTP (serveReferenceOverHttp({ realTime: true })) while two busy-loop processes load the CPU. The
 * reference is correct, so every failure is a false alarm: the figure to hold is 0 failures. Prints
 * runs, failures, inconclusive runs, the harness's measured lateness and the effective tolerances,
 * and for each failure its run's timeline (the harness's clock decisions, both sides' deliveries,
 * the queue's own events). Then, under the same load, a campaign against each of a few wall-clock
 * mutants, until its first failure (at most MUTANT_RUNS runs): the harness must still catch each,
 * citing its rule (no false alarms must not mean no alarms).
 *
 * Starts its busy processes itself and stops them at the end (or on error / Ctrl-C).
 *   npx tsx bench/fuzz-wall-clock-load.ts [runs=1000] [busy=2] [seed=1]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HttpJsonQueue } from '../src/adapters/http-json.js';
import { serveReferenceOverHttp } from '../src/adapters/http-json-server.js';
import { describeLateness } from '../src/fuzz/calibration.js';
import { runFuzz } from '../src/fuzz/campaign.js';
import { formatText } from '../src/fuzz/report.js';
import { describeTolerance } from '../src/fuzz/tolerance.js';

export interface LoadFigures {
  runs: number;
  busy: number;
  failures: number;
  inconclusiveRuns: number;
  noiseMs: number;
  seconds: number;
  /** Each mutant's campaign under the same load: caught, and the rules its failures cite. */
  mutants: { mutant: string; caught: boolean; rules: string[] }[];
}

/** Runs a mutant's campaign may take to be caught: under load many operations are skipped or tainted. */
const MUTANT_RUNS = 60;

/** Mutants that run on the wall clock, each with a seed whose first runs reach its defect (test/fuzz/wall-clock-mutants). */
const MUTANTS_UNDER_LOAD = [
  { mutant: 'retry-count-off-by-one', seed: 4, rule: 'HDR-3' },
  { mutant: 'lease-not-exclusive', seed: 2, rule: 'PULL-3' },
] as const;

async function mutantCaught(m: (typeof MUTANTS_UNDER_LOAD)[number]): Promise<LoadFigures['mutants'][number]> {
  const served = await serveReferenceOverHttp({ realTime: true, mutant: m.mutant });
  const queue = new HttpJsonQueue(served.url);
  try {
    const report = await runFuzz({
      adapter: served.url,
      queue,
      runs: MUTANT_RUNS,
      maxFailures: 1,
      seed: m.seed,
      shrinkBudgetMs: 6000,
    });
    const rules = [...new Set((report.failures ?? []).flatMap((f) => f.violations.map((v) => v.rule)))];
    return { mutant: m.mutant, caught: rules.includes(m.rule), rules };
  } finally {
    await queue.close();
    await served.close();
  }
}

function startBusy(n: number): ChildProcess[] {
  return Array.from({ length: n }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
}

function stopBusy(children: ChildProcess[]): void {
  for (const c of children) if (c.exitCode === null && c.pid !== undefined) c.kill('SIGKILL');
}

export async function benchWallClockUnderLoad(
  runs = 1000,
  busy = 2,
  seed = 1,
  log: (line: string) => void = console.log,
): Promise<LoadFigures> {
  const children = startBusy(busy);
  const stop = (): void => stopBusy(children);
  process.once('SIGINT', () => {
    stop();
    process.exit(130);
  });
  const served = await serveReferenceOverHttp({ realTime: true });
  const queue = new HttpJsonQueue(served.url);
  const started = performance.now();
  try {
    const report = await runFuzz({
      adapter: served.url,
      queue,
      runs,
      seed,
      timeline: true,
      onRun: (done) => {
        if (done % 50 === 0) log(`  ${done}/${runs} runs, ${((performance.now() - started) / 1000).toFixed(0)} s`);
      },
    });
    const failures = (report.failures ?? []).filter((f) => !f.known).reduce((n, f) => n + f.occurrences, 0);
    const figures: LoadFigures = {
      runs: report.runs,
      busy,
      failures,
      inconclusiveRuns: report.inconclusive?.runs ?? 0,
      noiseMs: (report.calibration?.noiseUs ?? 0) / 1000,
      seconds: Math.round((performance.now() - started) / 1000),
      mutants: [],
    };
    log(
      `wall-clock reference under ${busy} busy processes: ${figures.runs} runs, ${failures} failing, ${figures.inconclusiveRuns} inconclusive, ${figures.seconds} s`,
    );
    if (report.calibration) {
      log(`  ${describeLateness(report.calibration)}`);
      log(`  effective tolerances: ${describeTolerance(report.tolerance, report.calibration.noiseUs)}`);
    }
    if (!report.ok) {
      log(formatText(report));
      for (const f of report.failures ?? []) log(`Timeline of ${f.rule}'s run:\n  ${(f.timeline ?? []).join('\n  ')}`);
    }
    for (const m of MUTANTS_UNDER_LOAD) {
      const r = await mutantCaught(m);
      figures.mutants.push(r);
      log(
        `  mutant ${r.mutant} under the same load: ${r.caught ? `caught (${m.rule})` : 'NOT caught'}; rules cited: ${r.rules.join(', ') || 'none'}`,
      );
    }
    return figures;
  } finally {
    stop();
    await queue.close();
    await served.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [runs, busy, seed] = process.argv.slice(2).map(Number);
  const f = await benchWallClockUnderLoad(runs || 1000, Number.isInteger(busy) ? busy : 2, seed || 1);
  console.log(JSON.stringify(f, null, 2));
  process.exit(f.failures === 0 && f.mutants.every((m) => m.caught) ? 0 : 1);
}
