/**
 * `--adapter cloud-tasks+rest://…`: tasksim serve (in-process, 127.0.0.1, port 0) fuzzed through the
 * official Cloud Tasks client in REST mode (HTTP/1.1 + JSON, on the port gRPC uses too), on its
 * virtual clock, with no difference; a serve mutant is caught through the same wire; and the
 * adapter's traffic goes only to the addresses it was given.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCloudTasksAddress } from '../../src/adapters/cloud-tasks-address.js';
import { CloudTasksQueue } from '../../src/adapters/cloud-tasks.js';
import { AdapterProtocolError, AdapterUnreachable } from '../../src/adapters/contract.js';
import { runFuzz } from '../../src/fuzz/campaign.js';
import { formatText } from '../../src/fuzz/report.js';
import { recordConnections } from '../serve/rest-harness.js';
import { slowOr } from '../helpers/slow.js';
import {
  expectCaughtOnReplay,
  RESUME_NOT_RESTARTING_CAUGHT,
  RUN_TASK_IGNORED_CAUGHT,
  resumeNotRestarting,
  runTaskIgnored,
  serveAndAdapt,
  type ServedQueue,
} from './cloud-tasks-harness.js';

/** Runs of the clean campaign over REST: 30 under TASKSIM_SLOW=1; the mutants below are caught either way. */
const CLEAN_RUNS = slowOr(30, 12);

describe('cloud-tasks+rest:// against tasksim serve, virtual clock', () => {
  let served: ServedQueue;
  beforeAll(async () => {
    served = await serveAndAdapt('virtual', undefined, 'cloud-tasks+rest');
  });
  afterAll(async () => {
    await served?.close();
  });

  it('names itself by its REST address and declares what Cloud Tasks lacks, as over gRPC', async () => {
    expect(served.queue.name).toBe(`cloud-tasks+rest://127.0.0.1:${served.server.port}`);
    expect(await served.queue.describe()).toEqual({
      controlsClock: true,
      outages: false,
      events: false,
      lacks: ['pull', 'deadlines', 'queueYaml', 'latency'],
    });
  });

  it(`finds no difference in ${CLEAN_RUNS} runs, talking only to the API, the clock control and its own handler`, async () => {
    const connections = recordConnections();
    const report = await runFuzz({
      adapter: served.address,
      queue: served.queue,
      runs: CLEAN_RUNS,
      seed: 11,
    }).finally(() => connections.stop());
    const seen = connections.seen;
    expect(report.failures ?? [], formatText(report)).toEqual([]);
    expect(report).toMatchObject({ ok: true, runs: CLEAN_RUNS });
    // The API (REST), the clock control, and serve's deliveries to the harness's handler: all named, all 127.0.0.1.
    const url = new URL(served.address.replace('cloud-tasks+rest://', 'http://'));
    const allowed = new Set([url.host, url.searchParams.get('clock'), url.searchParams.get('handler')]);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((c) => !allowed.has(c))).toEqual([]);
  }, 240_000);
});

describe('a serve mutant is caught through REST (virtual clock): RunTask that leaves the task to its schedule', () => {
  // Each face on replay (RUN_TASK_IGNORED_CAUGHT); the search for it is shown over gRPC (cloud-tasks.test.ts).
  let served: ServedQueue;
  beforeAll(async () => {
    served = await serveAndAdapt('virtual', runTaskIgnored, 'cloud-tasks+rest');
  });
  afterAll(async () => {
    await served?.close();
  });
  for (const c of RUN_TASK_IGNORED_CAUGHT) {
    it(`${c.rule}: ${c.why}, on replay of its shrunk counterexample`, () => expectCaughtOnReplay(served, c), 60_000);
  }
});

describe('a serve mutant is caught through REST (virtual clock): ResumeQueue that leaves the queue paused', () => {
  // Each face on replay (RESUME_NOT_RESTARTING_CAUGHT), :pause and :resume through their HTTP bindings.
  let served: ServedQueue;
  beforeAll(async () => {
    served = await serveAndAdapt('virtual', resumeNotRestarting, 'cloud-tasks+rest');
  });
  afterAll(async () => {
    await served?.close();
  });
  for (const c of RESUME_NOT_RESTARTING_CAUGHT) {
    it(`${c.rule}: ${c.why}, on replay of its shrunk counterexample`, () => expectCaughtOnReplay(served, c), 60_000);
  }
});

/** A TCP server on 127.0.0.1 (port 0) that treats each connection as told. */
async function rawServer(onConnection: (s: Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    onConnection(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('cloud-tasks+rest:// against a service that is not one', () => {
  it('one that never answers: AdapterUnreachable once the deadline passes (exit 3), not a hang', async () => {
    const silent = await rawServer(() => {});
    const queue = new CloudTasksQueue(
      parseCloudTasksAddress(`cloud-tasks+rest://127.0.0.1:${silent.port}?handler=127.0.0.1:0`),
      { timeoutMs: 1_000 },
    );
    try {
      await expect(queue.describe()).rejects.toThrow(AdapterUnreachable);
      await expect(queue.describe()).rejects.toThrow(`cannot reach the Cloud Tasks API at 127.0.0.1:${silent.port}`);
    } finally {
      await queue.close();
      await silent.close();
    }
  });

  it('one that answers with something other than the API: AdapterProtocolError saying what came back', async () => {
    const garbage = await rawServer((s) =>
      s.once('data', () => s.end('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 5\r\n\r\nhello')),
    );
    const queue = new CloudTasksQueue(
      parseCloudTasksAddress(`cloud-tasks+rest://127.0.0.1:${garbage.port}?handler=127.0.0.1:0`),
      { timeoutMs: 5_000 },
    );
    try {
      const err = await queue.describe().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AdapterProtocolError);
      expect((err as Error).message).toMatch(/ListQueues failed: .*JSON/);
    } finally {
      await queue.close();
      await garbage.close();
    }
  });
});
