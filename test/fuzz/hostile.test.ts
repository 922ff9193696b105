/**
 * Hostile queues and hostile input (issue: nothing lost, nothing hangs): each exact input below gets
 * a verdict or a message with the right exit code — never a stack trace, an unhandled rejection or a
 * hang. Every queue is a real server on 127.0.0.1.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerFuzz } from '../../src/cli/fuzz.js';
import { decodeReplay } from '../../src/fuzz/replay-token.js';
import { tasksim } from '../helpers/cli.js';
import { tasksimInProcess } from '../helpers/cli-in-process.js';
import { serveHostileQueue, type Hostility } from './hostile-queue.js';

const STACK = /\n\s+at /;
const token = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('tasksim fuzz against hostile queues (CLI, subprocess)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tasksim-hostile-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // The runs each needs to meet its queue's hostility: a delivery strikes at the first /advance, which
  // every run makes (at its reset); an answer to /tasks strikes at the first add, which seed 1 makes
  // only in its third run.
  const verdicts: [Hostility, RegExp, runs: number][] = [
    ['abort-delivery-mid-body', /a delivery to \/_ah\/queue\/default the body was aborted after \d+ bytes/, 1],
    ['huge-delivery', /a delivery to \/_ah\/queue\/default the body is larger than 1114112 bytes/, 1],
    ['huge-answer', /POST \/tasks answered a body that is larger than 8388608 bytes/, 3],
  ];
  for (const [hostility, message, runs] of verdicts) {
    it(`${hostility}: a PROTOCOL verdict (exit 1), no stack trace`, async () => {
      const q = await serveHostileQueue(hostility);
      try {
        const r = await tasksim(['fuzz', '--adapter', q.url, '--runs', String(runs), '--seed', '1', '--json'], 60_000);
        expect(r.code, r.stderr).toBe(1);
        expect(r.stdout + r.stderr).not.toMatch(STACK);
        expect(r.stderr).not.toMatch(/internal error|Unhandled/i);
        const report = JSON.parse(r.stdout);
        const protocol = report.failures.find((f: { rule: string }) => f.rule === 'PROTOCOL');
        expect(protocol?.violations[0].message, JSON.stringify(report.failures)).toMatch(message);
      } finally {
        await q.close();
      }
    });
  }

  it('a queue that drops the connection mid-run: a violation (exit 1), the campaign stops, the report and junit.xml are written', async () => {
    const q = await serveHostileQueue('drop-connection');
    const out = join(dir, 'dropped');
    try {
      const r = await tasksim(['fuzz', '--adapter', q.url, '--runs', '5', '--seed', '1', '--report-dir', out], 60_000);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout + r.stderr).not.toMatch(STACK);
      expect(r.stdout).toMatch(/connection lost mid-run: POST \/tasks failed/);
      expect(r.stdout).toMatch(/stopped early: the queue was lost at run \d of 5/);
      const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
      expect(report).toMatchObject({ ok: false, stopped: expect.stringMatching(/lost/) });
      expect(report.failure.rule).toBe('PROTOCOL');
      const junit = await readFile(join(out, 'junit.xml'), 'utf8');
      expect(junit).toMatch(/<testsuites name="tasksim fuzz" tests="2" failures="2"/);
    } finally {
      await q.close();
    }
  });

  it("a --handler-host that cannot be bound is bad input (exit 2), not the queue's fault", async () => {
    const q = await serveHostileQueue('huge-answer');
    try {
      // 192.0.2.1 is TEST-NET-1: never an address of this machine, so binding it fails (nothing is sent).
      const r = await tasksim(['fuzz', '--adapter', q.url, '--runs', '1', '--handler-host', '192.0.2.1']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^tasksim: cannot listen for deliveries on --handler-host 192\.0\.2\.1: EADDRNOTAVAIL/);
      expect(r.stdout).toBe('');
    } finally {
      await q.close();
    }
  });

  it('timeouts and counts out of range are bad input (exit 2)', async () => {
    const table = [
      ['--timeout', '0', '1 to 600000'],
      ['--timeout', '99999999999', '1 to 600000'],
      ['--max-commands', '100000000', '1 to 1000'],
      ['--runs', '1e9', '1 to 1000000'],
      ['--shrink-time', '-5', '0 to 86400000'],
    ];
    // One row as users meet it: the process's exit code and stderr, nothing on stdout.
    const [flag, value, range] = table[0];
    const r = await tasksim(['fuzz', '--adapter', 'reference', flag, value]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`tasksim: ${flag} must be an integer from ${range}, got ${JSON.stringify(value)}\n`);
    expect(r.stdout).toBe('');
    // Every row through the command itself, in this process. The adapter is one that does not exist:
    // were a row's check gone, the command would stop there (another message) instead of starting
    // a campaign of a billion runs in this thread.
    for (const [flag, value, range] of table) {
      const r = await tasksimInProcess(registerFuzz, ['fuzz', '--adapter', 'mutant:nope', flag, value]);
      expect(r.code, `${flag} ${value}`).toBe(2);
      expect(r.stderr).toBe(`tasksim: ${flag} must be an integer from ${range}, got ${JSON.stringify(value)}\n`);
    }
  });

  it('forged --replay tokens are refused at once (exit 2), never a hang', async () => {
    const good = { v: 1, seed: 1, path: '0', replayPath: '', maxCommands: 30, realTime: false };
    // The run a billion runs in, as users meet it: refused by the process at once, exit 2.
    const r = await tasksim(
      ['fuzz', '--adapter', 'reference', '--replay', token({ ...good, path: '999999999' })],
      30_000,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tasksim: invalid --replay token: run 999999999 is past the 1000000 runs/);
    expect(r.stdout).toBe('');
    // Every forged token through the decoder the campaign reads a --replay token with (it refuses
    // before any run: a token it let through would start one, and fail the row).
    for (const [forged, why] of [
      [{ ...good, path: '999999999' }, /run 999999999 is past the 1000000 runs/],
      [{ ...good, path: `0${':0'.repeat(20_000)}` }, /longer than 65536 characters|more than 10000 shrink steps/],
      [{ ...good, maxCommands: 1e9 }, /maxCommands must be 1–1000/],
      [{ ...good, seed: 1e20 }, /no seed/],
      [{ ...good, replayPath: 'x'.repeat(9000) }, /no replayPath/],
      [{ ...good, realTime: 'yes' }, /realTime must be true or false/],
      [[1, 2, 3], /unknown version/],
    ] as const) {
      const decode = (): unknown => decodeReplay(token(forged));
      expect(decode, JSON.stringify(forged).slice(0, 80)).toThrow(/^invalid --replay token: /);
      expect(decode).toThrow(why);
    }
  });
});
