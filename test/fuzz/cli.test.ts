import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tasksim } from '../helpers/cli.js';
import { tasksimInProcess } from '../helpers/cli-in-process.js';
import { MUTANTS } from '../../src/adapters/mutants/index.js';
import { registerFuzz } from '../../src/cli/fuzz.js';
import { registerReportMerge } from '../../src/cli/report-merge.js';

describe('tasksim fuzz (CLI, subprocess)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tasksim-fuzz-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('--list prints the built-in adapters, one per line', async () => {
    // The command in this process: it only prints (a clean run below is the exit-0 child-process case).
    const r = await tasksimInProcess(registerFuzz, ['fuzz', '--list']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['reference', ...MUTANTS.map((m) => `mutant:${m.name}`)]);
  });

  it('exit 0 and one JSON object for a clean run', async () => {
    const r = await tasksim(['fuzz', '--adapter', 'reference', '--runs', '40', '--seed', '3', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ adapter: 'reference', seed: 3, runs: 40, shard: { index: 1, count: 1 }, ok: true });
    expect(typeof report.durationMs).toBe('number');
    expect(report.failure).toBeUndefined();
  });

  it('exit 1 with the counterexample, rules, seed, path and a replay line that reproduces it', async () => {
    // One campaign: the text on stdout, the same report as JSON in report.json (what --json prints).
    const out = join(dir, 'counterexample');
    const r = await tasksim(['fuzz', '--adapter', 'mutant:retry-count-off-by-one', '--seed', '8', '--report-dir', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Minimal counterexample \(\d+ commands?\)/);
    expect(r.stdout).toMatch(/^\s+1\. /m);
    expect(r.stdout).toMatch(/HDR-3 .*expected "\d+", got "\d+"/);
    expect(r.stdout).toMatch(/fast-check seed \d+, path "[\d:]+"/);
    const replay = /tasksim fuzz --adapter mutant:retry-count-off-by-one --replay ([A-Za-z0-9_-]+)/.exec(r.stdout);
    expect(replay).not.toBeNull();

    const first = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
    expect(first.failure.replay).toBe(replay![0]);
    expect(Object.keys(first.failure)).toEqual(
      expect.arrayContaining(['commands', 'violations', 'seed', 'path', 'replay']),
    );
    const again = await tasksim([
      'fuzz',
      '--adapter',
      'mutant:retry-count-off-by-one',
      '--replay',
      first.failure.token,
      '--json',
    ]);
    expect(again.code).toBe(1);
    const second = JSON.parse(again.stdout);
    expect(second.failure.commands).toEqual(first.failure.commands);
    expect(second.failure.violations).toEqual(first.failure.violations);
  }, 240_000);

  it('exit 2 for bad input', async () => {
    // The rows refused before any run, each for its own reason. With an adapter that does not exist,
    // a row whose check were gone would end at the adapter instead (another message).
    const table: [string[], RegExp][] = [
      [['fuzz'], /^tasksim: --adapter is required/],
      [['fuzz', '--adapter', 'mutant:nope'], /^tasksim: .*mutant:nope/],
      [['fuzz', '--adapter', 'mutant:nope', '--runs', 'lots'], /^tasksim: --runs must be an integer/],
      [['fuzz', '--adapter', 'mutant:nope', '--shard', '4/3'], /^tasksim: --shard must be i\/n/],
      [['fuzz', '--adapter', 'reference', '--replay', '%%%'], /^tasksim: invalid --replay token: not base64url/],
    ];
    // As users meet it: the process's exit code, the message, nothing on stdout, no stack trace.
    const r = await tasksim(table[0][0]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(table[0][1]);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // Every row through the command itself, in this process.
    for (const [args, message] of table) {
      const r = await tasksimInProcess(registerFuzz, args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  });

  it('exit 3 when the adapter is unreachable', async () => {
    const server: Server = createServer();
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((res) => server.close(() => res()));
    const r = await tasksim(['fuzz', '--adapter', `http://127.0.0.1:${port}`, '--runs', '3']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot reach the queue adapter at http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--shard splits a campaign, --report-dir writes report.json/report.md, report merge joins them', async () => {
    const files: string[] = [];
    for (const i of [1, 2, 3]) {
      const out = join(dir, `shard-${i}`);
      const r = await tasksim([
        'fuzz',
        '--adapter',
        'reference',
        '--runs',
        '60',
        '--seed',
        '77',
        '--shard',
        `${i}/3`,
        '--report-dir',
        out,
      ]);
      expect(r.code).toBe(0);
      const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
      expect(report.shard).toEqual({ index: i, count: 3 });
      expect(report.runs).toBe(20);
      expect(await readFile(join(out, 'report.md'), 'utf8')).toMatch(/passed/);
      files.push(join(out, 'report.json'));
    }
    const merged = join(dir, 'merged.json');
    const ok = await tasksim(['report', 'merge', ...files, '--out', merged]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/passed, 60 runs over 3 of 3 shards/);
    expect(JSON.parse(await readFile(merged, 'utf8'))).toMatchObject({ ok: true, runs: 60, missing: [] });

    // A failing shard fails the merge (shard 2's report, made to fail). The merges below run the
    // command in this process; the one above is the child-process case.
    const failed = {
      ...JSON.parse(await readFile(files[1], 'utf8')),
      ok: false,
      failure: {
        config: '',
        commands: ['advance 1s'],
        violations: [],
        seed: 1,
        path: '0',
        token: 'x',
        replay: 'tasksim fuzz --adapter reference --replay x',
      },
    };
    const failedFile = join(dir, 'failed.json');
    await writeFile(failedFile, JSON.stringify(failed));
    const r = await tasksimInProcess(registerReportMerge, ['report', 'merge', files[0], failedFile]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAILED/);
    expect(r.stdout).toMatch(/missing shards: 3/);

    const notReport = join(dir, 'x.json');
    await writeFile(notReport, '{"hello":1}');
    expect((await tasksimInProcess(registerReportMerge, ['report', 'merge', notReport])).code).toBe(2);
  }, 240_000);

  it('a queue answering garbage gets a verdict (exit 1), not a stack trace', async () => {
    const server = createServer((_req, res) => res.writeHead(200).end('<html>hello</html>'));
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    try {
      const r = await tasksim([
        'fuzz',
        '--adapter',
        `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        '--runs',
        '3',
      ]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/answered something that is not JSON/);
      expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise<void>((res) => server.close(() => res()));
    }
  });
});
