/**
 * `tasksim fuzz --jobs` as users run it (the built CLI in a child process, real worker threads):
 * the joined report is the one `--shard 1/2`, `--shard 2/2` and `tasksim report merge` give, JUnit
 * included; a queue over the network is refused; SIGINT still gives the report of what was done.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveReferenceOverHttp, type Served } from '../../src/adapters/http-json-server.js';
import { registerFuzz } from '../../src/cli/fuzz.js';
import { registerReportMerge } from '../../src/cli/report-merge.js';
import { cliArgs, runBounded, tasksim } from '../helpers/cli.js';
import { tasksimInProcess } from '../helpers/cli-in-process.js';

// Two planted defects (HDR-3, TASK-2), each found by both shards of this campaign.
const MUTANT = 'mutant:retry-count-off-by-one+no-tombstones';
const CAMPAIGN = ['fuzz', '--adapter', MUTANT, '--seed', '4', '--runs', '40'];

/** The failing testcases of a JUnit document: class, name, and the replay line in the body. */
function junitFailures(xml: string): string[] {
  const cases = [...xml.matchAll(/<testcase classname="([^"]*)" name="([^"]*)"[^>]*>([\s\S]*?)<\/testcase>/g)];
  return cases
    .filter(([, , , body]) => body.includes('<failure'))
    .map(([, cls, name, body]) => xmlText(`${cls} | ${name} | ${/replay: ([^<\n]*)/.exec(body)?.[1] ?? ''}`))
    .sort();
}

const xmlText = (xml: string): string =>
  xml.replace(/&(quot|apos|lt|gt|amp);/g, (_, e: string) => ({ quot: '"', apos: "'", lt: '<', gt: '>', amp: '&' })[e]!);

describe('tasksim fuzz --jobs (CLI, subprocess)', () => {
  let dir: string;
  let served: Served;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tasksim-fuzz-jobs-'));
    served = await serveReferenceOverHttp({ port: 0 });
  });
  afterAll(async () => {
    await served.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('--jobs 2 reports what --shard 1/2 and --shard 2/2 merged report: failures, replay tokens, JUnit; the text names the split', async () => {
    // The jobs' campaign prints its text; report.json holds what --json would print.
    const [jobs, one, two] = await Promise.all([
      tasksim([...CAMPAIGN, '--jobs', '2', '--report-dir', join(dir, 'jobs')]),
      tasksim([...CAMPAIGN, '--shard', '1/2', '--json', '--report-dir', join(dir, 's1')]),
      tasksim([...CAMPAIGN, '--shard', '2/2', '--json', '--report-dir', join(dir, 's2')]),
    ]);
    expect(jobs.code).toBe(1); // the mutant fails
    for (const shard of [one, two]) expect([0, 1], shard.stderr).toContain(shard.code); // each ran to a verdict
    expect(jobs.stderr).toContain(`${MUTANT}, 40 runs over 2 jobs (worker threads), job j running shard j/2`);
    expect(jobs.stdout.split('\n').slice(0, 2)).toEqual([
      `tasksim fuzz: ${MUTANT} FAILED: 2 distinct failures in 40 runs (seed 4, shard 1/1)`,
      '  over 2 jobs (worker threads): job j ran shard j/2 of the campaign (alone: --shard j/2)',
    ]);
    // The merge runs the command in this process (its child-process case is in test/fuzz/cli.test.ts).
    const merge = await tasksimInProcess(registerReportMerge, [
      'report',
      'merge',
      join(dir, 's1', 'report.json'),
      join(dir, 's2', 'report.json'),
      '--json',
    ]);
    expect(merge.code).toBe(1);
    const merged = JSON.parse(merge.stdout);
    const report = JSON.parse(await readFile(join(dir, 'jobs', 'report.json'), 'utf8'));
    expect(report).toMatchObject({ adapter: MUTANT, seed: 4, runs: 40, jobs: 2, ok: false });
    expect(report.runs).toBe(merged.runs);
    const pick = (f: Record<string, unknown>, by: unknown) => ({
      by,
      rule: f.rule,
      token: f.token,
      replay: f.replay,
      commands: f.commands,
      occurrences: f.occurrences,
      known: f.known,
    });
    expect(report.failures.length).toBeGreaterThan(0);
    expect(report.failures.map((f: Record<string, unknown>) => pick(f, f.job))).toEqual(
      merged.failures.map((f: Record<string, unknown>) => pick(f, f.shard)),
    );

    // Per rule, the shortest counterexample of the two shards is kept (the first shard's on a tie).
    const shardReports = [
      JSON.parse(await readFile(join(dir, 's1', 'report.json'), 'utf8')),
      JSON.parse(await readFile(join(dir, 's2', 'report.json'), 'utf8')),
    ];
    const rules = new Set<string>(shardReports.flatMap((r) => r.failures.map((f: { rule: string }) => f.rule)));
    expect([...rules].sort()).toEqual(['HDR-3', 'TASK-2']);
    for (const rule of rules) {
      const [a, b] = shardReports.map((r) => r.failures.find((f: { rule: string }) => f.rule === rule));
      const keep = !b || (a && a.commands.length <= b.commands.length) ? { ...a, job: 1 } : { ...b, job: 2 };
      const got = report.failures.find((f: { rule: string }) => f.rule === rule);
      expect({ job: got.job, token: got.token, occurrences: got.occurrences }).toEqual({
        job: keep.job,
        token: keep.token,
        occurrences: (a?.occurrences ?? 0) + (b?.occurrences ?? 0),
      });
    }

    // JUnit: one failing case per distinct failure, each with the shard's own replay line.
    const junit = await readFile(join(dir, 'jobs', 'junit.xml'), 'utf8');
    const cases = junitFailures(junit).filter((c) => !c.startsWith('tasksim.fuzz |'));
    expect(cases).toEqual(
      merged.failures
        .map(
          (f: { rule: string; signature: string; replay: string }) =>
            `tasksim.fuzz.${f.rule} | ${f.signature} | ${f.replay}`,
        )
        .sort(),
    );
    // Each is a case of the shard that found it, word for word.
    const shardCases = [
      ...junitFailures(await readFile(join(dir, 's1', 'junit.xml'), 'utf8')),
      ...junitFailures(await readFile(join(dir, 's2', 'junit.xml'), 'utf8')),
    ];
    for (const c of cases) expect(shardCases).toContain(c);
  });

  it('refuses --jobs 2 for a queue over HTTP (the jobs would share it), exit 2, saying what to do', async () => {
    const r = await tasksim(['fuzz', '--adapter', served.url, '--jobs', '2', '--runs', '4', '--seed', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--jobs 2: .* one queue outside this process, and the jobs would share it/);
    expect(r.stderr).toMatch(/--shard 1\/N … --shard N\/N/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('bad --jobs values and --jobs with --replay are bad input; --help names --jobs', async () => {
    // parseJobs' range is unit-tested (jobs.test.ts): here one bad value shows the command's message
    // and exit, in this process (the refusal above is the child-process case of the same exit).
    const word = await tasksimInProcess(registerFuzz, ['fuzz', '--adapter', 'reference', '--jobs', 'many']);
    expect(word.code).toBe(2);
    expect(word.stderr).toContain('--jobs must be an integer from 1 to 64 or auto');
    const replay = await tasksimInProcess(registerFuzz, [
      'fuzz',
      '--adapter',
      'reference',
      '--jobs',
      '2',
      '--replay',
      'abc',
    ]);
    expect(replay.code).toBe(2);
    expect(replay.stderr).toContain('--jobs with --replay');
    const help = await tasksimInProcess(registerFuzz, ['fuzz', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--jobs <n\|auto>\s+worker threads/);
  });

  it('SIGINT stops every job, and the joined report of the runs done is still printed (exit 130)', async () => {
    const runs = 1_000_000;
    const { child, result } = runBounded(process.execPath, [
      ...cliArgs(),
      'fuzz',
      '--adapter',
      'reference',
      '--jobs',
      '2',
      '--runs',
      String(runs),
      '--seed',
      '5',
      '--json',
    ]);
    // The start line comes once a job has begun its runs: the handler is in place by then.
    await new Promise<void>((resolve) => {
      let seen = '';
      child.stderr?.on('data', (d) => {
        seen += d;
        if (seen.includes('over 2 jobs')) resolve();
      });
      child.on('close', () => resolve());
    });
    child.kill('SIGINT');
    const r = await result;
    expect(r.code).toBe(130);
    const report = JSON.parse(r.stdout);
    expect(report.jobs).toBe(2);
    expect(report.runs).toBeLessThan(runs);
    expect(report.stopped).toBe(`interrupted after ${report.runs} of ${runs} runs`);
    expect(report.ok).toBe(true); // the reference: nothing found in the runs done
  });
});
