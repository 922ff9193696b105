/**
 * The cloud-tasks:// address (its parts and defaults, bad input named), and what a user sees from
 * the CLI when the service cannot be reached (exit 3), over gRPC or REST.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseCloudTasksAddress } from '../../src/adapters/cloud-tasks-address.js';
import { CloudTasksQueue } from '../../src/adapters/cloud-tasks.js';
import { AdapterUnreachable } from '../../src/adapters/contract.js';
import { UnknownAdapter, createAdapter } from '../../src/adapters/registry.js';
import { tasksim } from '../helpers/cli.js';
import { helpOf } from '../helpers/cli-help.js';
import { registerFuzz } from '../../src/cli/fuzz.js';

/** A port nothing listens on: the OS picks one, and it is closed again. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('cloud-tasks:// addresses', () => {
  it("the API, and by default the wall clock, a handler on serve's default App Engine host, a project and a location", () => {
    expect(parseCloudTasksAddress('cloud-tasks://127.0.0.1:8123')).toEqual({
      transport: 'grpc',
      host: '127.0.0.1',
      port: 8123,
      handlerHost: '127.0.0.1',
      handlerPort: 8080,
      project: 'tasksim-fuzz',
      location: 'us-central1',
    });
  });

  it('clock=, handler=, project= and location= as given', () => {
    expect(
      parseCloudTasksAddress(
        'cloud-tasks://localhost:9000?clock=127.0.0.1:9001&handler=127.0.0.2:7000&project=p-1&location=europe-west1',
      ),
    ).toEqual({
      transport: 'grpc',
      host: 'localhost',
      port: 9000,
      clockUrl: 'http://127.0.0.1:9001',
      handlerHost: '127.0.0.2',
      handlerPort: 7000,
      project: 'p-1',
      location: 'europe-west1',
    });
  });

  it('cloud-tasks+rest:// is the same address, over REST', () => {
    expect(parseCloudTasksAddress('cloud-tasks+rest://127.0.0.1:8123?clock=127.0.0.1:9001&project=p-2')).toEqual({
      transport: 'rest',
      host: '127.0.0.1',
      port: 8123,
      clockUrl: 'http://127.0.0.1:9001',
      handlerHost: '127.0.0.1',
      handlerPort: 8080,
      project: 'p-2',
      location: 'us-central1',
    });
  });

  it('bad input says what is wrong, as an unknown adapter (exit 2)', () => {
    const cases: [string, RegExp][] = [
      ['cloud-tasks://127.0.0.1', /names no port/],
      ['cloud-tasks://127.0.0.1:8123/v2', /has a path/],
      ['cloud-tasks://127.0.0.1:8123?clok=1:2', /unknown parameter "clok"/],
      ['cloud-tasks://127.0.0.1:8123?clock=127.0.0.1', /clock="127.0.0.1" is not HOST:PORT/],
      ['cloud-tasks://127.0.0.1:8123?location=a/b', /not a location id \(CT-6\)/],
      ['cloud-tasks+rest://127.0.0.1', /names no port/],
    ];
    for (const [spec, why] of cases) {
      expect(() => createAdapter(spec), spec).toThrow(UnknownAdapter);
      expect(() => createAdapter(spec), spec).toThrow(why);
    }
  });

  // Over either transport; what the CLI makes of it (exit 3, the message, no stack) is shown below.
  for (const scheme of ['cloud-tasks', 'cloud-tasks+rest'] as const) {
    it(`${scheme}://: a service that cannot be reached: AdapterUnreachable, naming the address`, async () => {
      const port = await closedPort();
      const queue = new CloudTasksQueue(parseCloudTasksAddress(`${scheme}://127.0.0.1:${port}?handler=127.0.0.1:0`), {
        timeoutMs: 5_000,
      });
      try {
        await expect(queue.describe()).rejects.toThrow(AdapterUnreachable);
        const err = (await queue.describe().catch((e: unknown) => e)) as Error;
        expect(err.message).toContain(`cannot reach the Cloud Tasks API at 127.0.0.1:${port}`);
        expect(err.message).not.toMatch(/\n\s+at /); // the CLI prints the message: no stack in it
      } finally {
        await queue.close();
      }
    });
  }
});

describe('tasksim fuzz --adapter cloud-tasks:// (CLI, subprocess)', () => {
  it('exit 3 when the service cannot be reached, with what to check', async () => {
    const port = await closedPort();
    const r = await tasksim([
      'fuzz',
      '--adapter',
      `cloud-tasks://127.0.0.1:${port}?handler=127.0.0.1:0`,
      '--timeout',
      '5000',
      '--runs',
      '1',
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stderr).toContain(`cannot reach the Cloud Tasks API at 127.0.0.1:${port}`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  // Over REST the adapter fails the same way (AdapterUnreachable, above), and the CLI's handling of it
  // is the same code: one child process shows it.

  it('--help documents the address', () => {
    expect(helpOf(registerFuzz, 'fuzz')).toContain('cloud-tasks://HOST:PORT[?clock=HOST:PORT][&handler=HOST:PORT]');
  });
});
