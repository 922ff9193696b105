/**
 * `tasksim serve` as a user runs it, over REST: a child process on an OS-chosen port answers curl-style
 * HTTP/1.1 + JSON and the official gRPC client on that same port, and its --help says how.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import { v2 } from '@google-cloud/tasks';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { helpOf } from '../helpers/cli-help.js';
import { registerServe } from '../../src/cli/serve.js';
import { spawnServeCli } from './serve-cli.js';
import { PARENT, PROJECT } from './harness.js';

let child: ChildProcessWithoutNullStreams | undefined;

afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

/** Starts `tasksim serve … --json` and resolves with its first stdout line, parsed. */
function startCli(args: string[]): Promise<{ port: number; rest: string }> {
  const started = spawnServeCli<{ port: number; rest: string }>(args);
  child = started.child;
  return started.ready;
}

describe('tasksim serve over REST (CLI)', () => {
  it('one port: REST and gRPC see the same queues; stops on SIGTERM with exit 0', async () => {
    const { port, rest } = await startCli(['--port', '0', '--clock', 'virtual']);
    expect(rest).toBe(`http://127.0.0.1:${port}`);
    const created = await request(`${rest}/v2/${PARENT}/queues`, {
      method: 'POST',
      body: JSON.stringify({ name: `${PARENT}/queues/via-rest`, retryConfig: { minBackoff: '2s' } }),
      headersTimeout: 20_000,
      bodyTimeout: 20_000,
    });
    expect(created.statusCode).toBe(200);
    expect(((await created.body.json()) as { retryConfig: { minBackoff: string } }).retryConfig.minBackoff).toBe('2s');

    const client = new v2.CloudTasksClient({
      apiEndpoint: '127.0.0.1',
      port,
      sslCreds: grpc.credentials.createInsecure(),
      projectId: PROJECT,
    });
    try {
      const [q] = await client.getQueue({ name: `${PARENT}/queues/via-rest` });
      expect(Number(q.retryConfig!.minBackoff!.seconds)).toBe(2);
    } finally {
      await client.close();
    }
    const exited = new Promise<number | null>((r) => child!.on('exit', (code) => r(code)));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('--help says how to reach it over REST', () => {
    const help = helpOf(registerServe, 'serve'); // as `tasksim serve --help` writes it, in-process
    expect(help).toContain("fallback: 'rest'");
    expect(help).toContain('gRPC and REST');
  });
});
