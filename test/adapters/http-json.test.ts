import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdapterUnreachable } from '../../src/adapters/contract.js';
import { HttpJsonQueue } from '../../src/adapters/http-json.js';
import { serveReferenceOverHttp, type Served } from '../../src/adapters/http-json-server.js';
import { runFuzz } from '../../src/fuzz/campaign.js';
import { defaultConfig } from '../../src/model/queue-yaml.js';
import { slowOr } from '../helpers/slow.js';

/**
 * Runs of the clean campaign: 300 under TASKSIM_SLOW=1. The quick 50 still carry every endpoint of the
 * protocol many times over; a server broken by hand to lengthen each /modify by a second (PULL-5) was
 * first caught at run 34 of seed 4242, one whose /outage or /delete or /resume is ignored at run 1.
 */
const REFERENCE_RUNS = slowOr(300, 50);

/** A server that answers every request with the given status and text. */
async function garbageServer(status: number, text: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => res.writeHead(status, { 'content-type': 'text/plain' }).end(text));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('the HTTP/JSON adapter protocol over real HTTP on 127.0.0.1', () => {
  let reference: Served;
  let mutant: Served;

  beforeAll(async () => {
    reference = await serveReferenceOverHttp();
    mutant = await serveReferenceOverHttp({ mutant: 'retry-count-off-by-one' });
  });

  afterAll(async () => {
    await reference.close();
    await mutant.close();
  });

  it(`the reference over HTTP passes ${REFERENCE_RUNS} runs`, async () => {
    const queue = new HttpJsonQueue(reference.url);
    try {
      const report = await runFuzz({ adapter: reference.url, queue, runs: REFERENCE_RUNS, seed: 4242 });
      expect(report.failure?.violations).toBeUndefined();
      expect(report.ok).toBe(true);
    } finally {
      await queue.close();
    }
  }, 180_000);

  it('a mutant over HTTP is caught, citing its rule, with a short counterexample', async () => {
    const queue = new HttpJsonQueue(mutant.url);
    try {
      // The first failure is the one judged: the campaign need not explore past it.
      const report = await runFuzz({ adapter: mutant.url, queue, seed: 1, maxFailures: 1 });
      expect(report.ok).toBe(false);
      expect(report.failure!.commands.length).toBeLessThanOrEqual(10);
      expect(report.failure!.violations.map((v) => v.rule)).toContain('HDR-3');
    } finally {
      await queue.close();
    }
  });

  it('an unreachable URL is AdapterUnreachable, named in one sentence', async () => {
    const { url, server } = await garbageServer(200, '');
    await new Promise<void>((r) => server.close(() => r())); // the port is now closed
    const queue = new HttpJsonQueue(url, { timeoutMs: 2000 });
    await expect(runFuzz({ adapter: url, queue, runs: 5, seed: 1 })).rejects.toThrow(AdapterUnreachable);
    await expect(queue.describe()).rejects.toThrow(
      /cannot reach the queue adapter at http:\/\/127\.0\.0\.1:\d+ \(GET \/\): ECONNREFUSED/,
    );
    await queue.close();
  });

  it('a server answering garbage gets a clear verdict, not a stack trace', async () => {
    for (const [status, text, expected] of [
      [200, 'hello, I am not JSON', /GET \/ answered something that is not JSON: "hello, I am not JSON"/],
      [
        200,
        '{"protocol":"something-else"}',
        /"protocol": "something-else", expected "tasksim-queue\/2" or "tasksim-queue\/1"/,
      ],
      [500, 'boom', /GET \/ answered HTTP 500: "boom"/],
    ] as const) {
      const { url, server } = await garbageServer(status, text);
      const queue = new HttpJsonQueue(url, { timeoutMs: 2000 });
      try {
        const report = await runFuzz({ adapter: url, queue, runs: 5, seed: 1 });
        expect(report.ok).toBe(false);
        const v = report.failure!.violations[0];
        expect(v.check).toBe('protocol');
        expect(v.message).toMatch(expected);
        expect(v.message).not.toMatch(/\n\s+at /); // no stack
      } finally {
        await queue.close();
        await new Promise<void>((r) => server.close(() => r()));
      }
    }
  });

  it('a server that breaks the protocol mid-run is failed with the endpoint named', async () => {
    // Speaks GET / correctly, then answers /reset with a wrong shape.
    const server = createServer((req, res) => {
      const body =
        req.url === '/'
          ? { protocol: 'tasksim-queue/1', capabilities: { controlsClock: true, outages: false, events: false } }
          : { ok: 'yes' };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const queue = new HttpJsonQueue(url, { timeoutMs: 2000 });
    try {
      const report = await runFuzz({ adapter: url, queue, runs: 5, seed: 1 });
      expect(report.ok).toBe(false);
      expect(report.failure!.violations[0].message).toMatch(
        /POST \/reset answered "ok": "yes", expected true or false/,
      );
    } finally {
      await queue.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('delivers to the harness handler as plain HTTP with X-AppEngine headers', async () => {
    const queue = new HttpJsonQueue(reference.url);
    const seen: { url: string; headers: Record<string, string> }[] = [];
    try {
      await queue.reset({
        config: defaultConfig(),
        seed: 1,
        epochUs: 0,
        handler: (req) => {
          seen.push({ url: req.url, headers: req.headers });
          return { status: 200, outcome: 'ok', latencyUs: 0 };
        },
      });
      const added = await queue.addTasks('default', [{ name: 'hello', payload: 'hi' }]);
      expect(added).toEqual([{ ok: true, name: 'hello' }]);
      await queue.advance(0);
      expect(seen).toHaveLength(1);
      expect(seen[0].url).toBe('/_ah/queue/default');
      expect(seen[0].headers['x-appengine-taskname']).toBe('hello');
      expect(seen[0].headers['x-appengine-queuename']).toBe('default');
      expect(seen[0].headers['x-tasksim-time-us']).toBe('0');
      expect((await queue.addTasks('default', [{ name: 'hello' }]))[0]).toMatchObject({
        ok: false,
        error: 'TOMBSTONED',
      });
    } finally {
      await queue.close();
    }
  });
});
