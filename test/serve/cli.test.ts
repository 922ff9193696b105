/**
 * `tasksim serve` as a user runs it: a child process on 127.0.0.1 with OS-chosen ports, driven by the
 * official client, stopped by SIGTERM; its trace is then checked offline by `tasksim check`.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { v2 } from '@google-cloud/tasks';
import { tasksim } from '../helpers/cli.js';
import { spawnServeCli } from './serve-cli.js';
import { PARENT, PROJECT, startHandler, type Handler } from './harness.js';

let child: ChildProcessWithoutNullStreams | undefined;
let handler: Handler | undefined;
const dirs: string[] = [];

afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await handler?.close();
  child = handler = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Starts `tasksim serve … --json` and resolves with its first stdout line, parsed. */
function startCli(args: string[]): Promise<{ port: number; control: string }> {
  const started = spawnServeCli<{ port: number; control: string }>(args);
  child = started.child;
  return started.ready;
}

function exited(): Promise<number | null> {
  return child!.exitCode !== null
    ? Promise.resolve(child!.exitCode)
    : new Promise((r) => child!.on('exit', (code) => r(code)));
}

describe('tasksim serve (CLI)', () => {
  it('serves the official client, moves its virtual clock over HTTP, stops on SIGTERM with a trace that checks clean', async () => {
    handler = await startHandler([503, 200]);
    const dir = mkdtempSync(join(tmpdir(), 'tasksim-serve-'));
    dirs.push(dir);
    const trace = join(dir, 'serve.ndjson');
    const yaml = join(dir, 'queue.yaml');
    writeFileSync(
      yaml,
      'queue:\n- name: from-yaml\n  rate: 1/s\n  bucket_size: 3\n  retry_parameters:\n    min_backoff_seconds: 60\n',
    );
    const { port, control } = await startCli([
      '--port',
      '0',
      '--clock',
      'virtual',
      '--queue-yaml',
      yaml,
      '--appengine-host',
      handler.origin,
      '--trace',
      trace,
    ]);

    const client = new v2.CloudTasksClient({
      apiEndpoint: '127.0.0.1',
      port,
      sslCreds: grpc.credentials.createInsecure(),
      projectId: PROJECT,
    });
    const [q] = await client.getQueue({ name: `${PARENT}/queues/from-yaml` });
    expect(q.rateLimits).toMatchObject({ maxDispatchesPerSecond: 1, maxBurstSize: 3 }); // CT-1: burst = bucket_size
    await client.createTask({
      parent: q.name,
      task: { name: `${q.name}/tasks/first`, appEngineHttpRequest: { relativeUri: '/w' } },
    });
    await handler.received(1);
    const moved = (await (
      await fetch(`${control}/advance?by=60s`, { method: 'POST', signal: AbortSignal.timeout(20_000) })
    ).json()) as { clock: string };
    expect(moved.clock).toBe('virtual');
    expect(handler.seen).toHaveLength(2); // the retry after 503 came a virtual minute later
    expect(handler.seen[1].headers['x-appengine-taskexecutioncount']).toBe('0'); // CT-5: a 5xx is not counted
    await client.close();

    expect(existsSync(trace)).toBe(false); // written beside, renamed into place on exit
    child!.kill('SIGTERM');
    expect(await exited()).toBe(0);
    const check = await tasksim(['check', trace, '--json']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const verdict = JSON.parse(check.stdout);
    expect(verdict.ok).toBe(true);
    expect(verdict.invariants.find((r: { id: string }) => r.id === 'INV-HDR').checked).toBeGreaterThanOrEqual(2);
  });

  it('refuses bad input with exit 2 and a message that says what to do', async () => {
    const [exposed, clock, host, opt] = await Promise.all([
      tasksim(['serve', '--host', '0.0.0.0', '--port', '0']),
      tasksim(['serve', '--clock', 'sundial', '--port', '0']),
      tasksim(['serve', '--appengine-host', 'ftp://x', '--port', '0']),
      tasksim(['serve', '--option', 'nonsense=1', '--port', '0']),
    ]);
    expect([exposed.code, clock.code, host.code, opt.code]).toEqual([2, 2, 2, 2]);
    expect(exposed.stderr).toContain('--expose');
    expect(clock.stderr).toContain('--clock must be real or virtual');
    expect(host.stderr).toContain('--appengine-host');
    expect(opt.stderr).toContain('nonsense');
  });
});
