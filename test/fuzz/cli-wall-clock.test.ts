import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tasksim } from '../helpers/cli.js';
import { tasksimInProcess } from '../helpers/cli-in-process.js';
import { serveReferenceOverHttp, type Served } from '../../src/adapters/http-json-server.js';
import { registerFuzz } from '../../src/cli/fuzz.js';

const TOLERANCE_LINE =
  /tolerances: delivery times and TaskETA ±\(100 ms \+ 20 ms per attempt \+ 2 token intervals\); first attempts ≥ ETA − 20 ms; lease ends ±50 ms/;

describe('tasksim fuzz against a queue on the wall clock (CLI, subprocess)', () => {
  let reference: Served;
  let mutant: Served;
  beforeAll(async () => {
    reference = await serveReferenceOverHttp({ realTime: true });
    mutant = await serveReferenceOverHttp({ realTime: true, mutant: 'lease-not-exclusive' });
  });
  afterAll(async () => {
    await reference.close();
    await mutant.close();
  });

  it('exit 0 for the real-time reference; says it runs in real time and prints the tolerances', async () => {
    // What the CLI says and its exit: a few runs show it (test/fuzz/wall-clock.test.ts fuzzes the
    // real-time reference at length).
    const r = await tasksim(['fuzz', '--adapter', reference.url, '--runs', '3', '--seed', '5'], 150_000);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toMatch(/does not let the harness move its clock: running in real time, 3 runs of ≤ 12 commands/);
    expect(r.stderr).toMatch(TOLERANCE_LINE);
    expect(r.stdout).toMatch(/passed 3 runs/);
    expect(r.stdout).toMatch(TOLERANCE_LINE);
  }, 180_000);

  it('exit 1 for a mutant, with the counterexample, the rule and a replay line; --json carries the tolerances', async () => {
    const r = await tasksim(
      // Until its first failure (at most 60 runs): on a loaded machine some runs skip or taint their leases.
      [
        'fuzz',
        '--adapter',
        mutant.url,
        '--seed',
        '2',
        '--runs',
        '60',
        '--max-failures',
        '1',
        '--shrink-time',
        '3000',
        '--timeline',
        '--json',
      ],
      150_000,
    );
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(TOLERANCE_LINE);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      ok: false,
      clock: 'wall',
      tolerance: { deliveryUs: 100_000, perAttemptUs: 20_000, leaseEndUs: 50_000 },
    });
    expect(report.failure.violations.map((v: { rule: string }) => v.rule)).toContain('PULL-3');
    expect(report.failure.replay).toMatch(/^tasksim fuzz --adapter http:\/\/127\.0\.0\.1:\d+ --replay /);
    // --timeline: the failing run as the harness lived it, starting from the queue's reset.
    const timeline: string[] = report.failures[0].timeline;
    expect(timeline[0]).toMatch(/reset answered after [\d.]+ ms/);
    expect(timeline.some((l) => /sent: .*answered at/.test(l))).toBe(true);
  }, 180_000);

  it('a virtual-time replay token is refused for a wall-clock queue (exit 2)', async () => {
    const token = Buffer.from(
      JSON.stringify({ v: 1, seed: 1, path: '0', replayPath: '', maxCommands: 30, realTime: false }),
    ).toString('base64url');
    // The command in this process (a refused token through a child process: test/fuzz/hostile.test.ts).
    const r = await tasksimInProcess(registerFuzz, ['fuzz', '--adapter', reference.url, '--replay', token]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /invalid --replay token: it was made in virtual time, and http:\/\/127\.0\.0\.1:\d+ does not let the harness move its clock/,
    );
  });
});
