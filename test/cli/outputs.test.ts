/**
 * Nothing lost: every output path is checked before the run (exit 2, `cannot write <path>: <reason>`),
 * written beside its destination and renamed into place, so a bad path, a full disk or a signal never
 * leaves half a file over the last good one, and a trace always ends with its `end` event.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, cliArgs, runBounded, tasksim } from '../helpers/cli.js';

let dir: string;
const BURST = join(ROOT, 'scenarios/burst-drain.yaml');
const OLD = 'the last good report\n';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tasksim-outputs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** No temporary file is left beside the destinations. */
function leftovers(d: string): string[] {
  return readdirSync(d).filter((f) => f.endsWith('.tmp'));
}

describe('output destinations are checked before any work', () => {
  it('--report-dir that is a file: simulate, fuzz and conform refuse it at once (exit 2), the file intact', async () => {
    const file = join(dir, 'taken');
    await writeFile(file, OLD);
    for (const args of [
      ['simulate', BURST, '--report-dir', file],
      ['fuzz', '--adapter', 'mutant:retry-count-off-by-one', '--runs', '20', '--seed', '1', '--report-dir', file],
      ['conform', '--reference', '--seed', '1', '--report-dir', file],
    ]) {
      const r = await tasksim(args);
      expect(r.code, args[0]).toBe(2);
      expect(r.stderr, args[0]).toBe(`tasksim: cannot write ${file}: it is a file, not a directory (--report-dir)\n`);
      expect(r.stdout, args[0]).toBe(''); // refused before the run, not after it
    }
    expect(await readFile(file, 'utf8')).toBe(OLD);
  });

  it('--report-dir under a file (a place no directory can be made) is refused, naming the file in the way', async () => {
    const file = join(dir, 'plain');
    await writeFile(file, OLD);
    const target = join(file, 'reports');
    const r = await tasksim(['fuzz', '--adapter', 'reference', '--runs', '5', '--seed', '1', '--report-dir', target]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`tasksim: cannot write ${target}: ${file} is a file, not a directory (--report-dir)\n`);
    expect(r.stdout).toBe('');
  });

  it('--trace onto the scenario itself is refused; the scenario is untouched', async () => {
    const scenario = join(dir, 'own.yaml');
    const text = await readFile(BURST, 'utf8');
    await writeFile(scenario, text);
    const r = await tasksim(['simulate', scenario, '--trace', scenario]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `tasksim: cannot write ${scenario}: it is an input of this run (--trace); choose another path\n`,
    );
    expect(await readFile(scenario, 'utf8')).toBe(text);
  });

  it('--trace onto the scenario’s queue.yaml is refused; the queue.yaml is untouched', async () => {
    const sub = join(dir, 'qy');
    await mkdir(sub);
    const queueYaml = 'queue:\n- name: mail\n  rate: 5/s\n';
    await writeFile(join(sub, 'queue.yaml'), queueYaml);
    await writeFile(join(sub, 's.yaml'), 'queue_yaml: queue.yaml\nworkload: [{ queue: mail, count: 2 }]\n');
    const r = await tasksim(['simulate', join(sub, 's.yaml'), '--trace', join(sub, 'queue.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot write ${join(sub, 'queue.yaml')}: it is an input of this run (--trace)`);
    expect(await readFile(join(sub, 'queue.yaml'), 'utf8')).toBe(queueYaml);
  });

  it('report merge --out onto one of its inputs is refused; the input is untouched', async () => {
    const input = join(dir, 'shard.json');
    await writeFile(input, OLD);
    const r = await tasksim(['report', 'merge', input, '--out', input]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot write ${input}: it is an input of this run (--out)`);
    expect(await readFile(input, 'utf8')).toBe(OLD);
  });

  it('compare --html into a directory that does not exist is refused before reading anything', async () => {
    const target = join(dir, 'nowhere', 'cmp.html');
    const r = await tasksim(['compare', BURST, BURST, '--html', target]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`tasksim: cannot write ${target}: no such directory ${join(dir, 'nowhere')} (--html)\n`);
  });
});

describe('a write that fails after the run (a full disk) loses nothing', () => {
  // RLIMIT_FSIZE makes every write past 200 KiB fail with EFBIG, as a full disk fails with ENOSPC.
  const limited = (args: string[]) =>
    runBounded('bash', [
      '-c',
      `ulimit -f 200; exec "${process.execPath}" ${[...cliArgs(), ...args].map((a) => `'${a}'`).join(' ')}`,
    ]).result;

  it('the trace: exit 4, the verdict still printed, the old trace intact, no temporary file left', async () => {
    const sub = join(dir, 'full');
    await mkdir(sub);
    const trace = join(sub, 'trace.ndjson');
    await writeFile(trace, OLD);
    const r = await limited(['simulate', BURST, '--no-det-check', '--trace', trace]);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/scenario\s+burst-drain\s+seed 7/);
    expect(r.stdout).toMatch(/pass INV-ALO/);
    expect(r.stderr).toBe(
      `tasksim: cannot write ${trace}: file too large for this file system or limit (the previous file, if any, is left as it was)\n`,
    );
    expect(await readFile(trace, 'utf8')).toBe(OLD);
    expect(leftovers(sub)).toEqual([]);
  });
});

describe('SIGINT and SIGTERM stop the run and keep a complete trace', () => {
  /**
   * A long run (a million tasks over 2,500 s of virtual time) that writes its trace as it goes: a
   * steady stream, not a burst at t=0, so the signal lands between batches of events and the trace
   * so far stays small to check.
   */
  const LONG_RUN = `name: long-stream
queues:
  - name: bulk
    rate: 500/s
    bucket_size: 500
service:
  service_time: 50ms
  statuses: { 200: 70, 500: 30 }
workload:
  - { queue: bulk, kind: constant, rate: 400/s, count: 1000000 }
`;

  /** Starts a long run, waits until its trace is being written, then sends `signal`. */
  async function interrupted(signal: 'SIGINT' | 'SIGTERM') {
    const sub = await mkdtemp(join(dir, `${signal}-`));
    const trace = join(sub, 'trace.ndjson');
    const scenario = join(sub, 'long.yaml');
    await writeFile(trace, OLD);
    await writeFile(scenario, LONG_RUN);
    const { child, result } = runBounded(process.execPath, [...cliArgs(), 'simulate', scenario, '--trace', trace], {
      timeoutMs: 150_000,
    });
    // The run has started once its temporary trace holds a first batch of events. Only the trace's
    // own temporary file counts: the writability probe beside it is a .tmp too, removed at once.
    // Looked at often (its size, not its text): the run burns CPU until the signal lands.
    for (let i = 0; i < 6000 && child.exitCode === null; i++) {
      const temp = readdirSync(sub).find((f) => f.startsWith('.trace.ndjson.') && f.endsWith('.tmp'));
      if (temp && (statSync(join(sub, temp), { throwIfNoEntry: false })?.size ?? 0) > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill(signal);
    const { code, stdout, stderr } = await result;
    return { code, stdout, stderr, trace, sub };
  }

  for (const [signal, exit] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal}: exit ${exit}, one line on stderr, the trace renamed into place ending with end: stopped`, async () => {
      const r = await interrupted(signal);
      expect(r.code).toBe(exit);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        new RegExp(
          `^tasksim: stopped by ${signal} after [0-9,]+ events at .* virtual; the trace so far is in .*trace\\.ndjson \\(end: stopped\\); no verdict\\.\\n$`,
        ),
      );
      const text = await readFile(r.trace, 'utf8');
      expect(text).not.toBe(OLD);
      const lines = text.trimEnd().split('\n');
      expect(JSON.parse(lines[0])).toMatchObject({ e: 'config', t: 0 });
      expect(JSON.parse(lines[lines.length - 1])).toMatchObject({ e: 'end', reason: 'stopped' });
      expect(leftovers(r.sub)).toEqual([]);
      // A stopped trace is complete: check accepts it and judges it.
      const checked = await tasksim(['check', r.trace, '--json']);
      expect(checked.code).toBe(0);
      expect(JSON.parse(checked.stdout).events).toBe(lines.length);
    }, 240_000);
  }
});

describe('report writing', () => {
  it('a report directory is written whole: every file in place, no temporary file beside them', async () => {
    const out = join(dir, 'whole');
    // A small scenario (120 tasks): the files and their renaming are the point, not the run's size.
    const r = await tasksim([
      'simulate',
      join(ROOT, 'scenarios/deadlines.yaml'),
      '--no-det-check',
      '--report-dir',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['index.html', 'report.json', 'report.md']);
    expect(existsSync(join(out, 'report.json'))).toBe(true);
    expect(JSON.parse(await readFile(join(out, 'report.json'), 'utf8'))).toMatchObject({
      scenario: 'deadlines',
      seed: 5,
    });
  });
});
