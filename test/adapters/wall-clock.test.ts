import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushAnswer, PushRequest } from '../../src/adapters/contract.js';
import { HttpJsonQueue } from '../../src/adapters/http-json.js';
import { serveReferenceOverHttp, type Served } from '../../src/adapters/http-json-server.js';
import { ReferenceQueue } from '../../src/adapters/reference.js';
import { LatenessMeter } from '../../src/fuzz/calibration.js';
import { buildConfig } from '../../src/fuzz/config-arb.js';
import type { ResolvedConfig } from '../../src/model/config.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The test process's own lateness while it waits (the reference runs in it): every bound on a real
 * instant below is widened by what was measured, never by a guessed margin. Waits are bounded polls.
 */
async function waitFor(meter: LatenessMeter, done: () => boolean, limitMs = 5000): Promise<void> {
  const until = performance.now() + limitMs;
  while (!done() && performance.now() < until) {
    const t0 = performance.now();
    await sleep(5);
    meter.lag(Math.round((performance.now() - t0 - 5) * 1000));
  }
  meter.sample();
}
const lagMs = (meter: LatenessMeter): number => meter.noiseUs / 1000;

/** q0: 100/s, bucket 5, backoff 30 ms, task_retry_limit 1. */
function config(): ResolvedConfig {
  return buildConfig('appengine', [
    {
      name: 'q0',
      mode: 'push',
      rate: '100/s',
      ratePerSec: 100,
      bucketSize: 5,
      retry: { taskRetryLimit: 1, minBackoffUs: 30_000, maxBackoffUs: 30_000, maxDoublings: 0 },
    },
  ]);
}

interface Arrival {
  at: number;
  req: PushRequest;
}

/** A handler that notes each arrival (wall ms) and answers `status` after `ms`. */
function recorder(status: number, ms: number) {
  const arrivals: Arrival[] = [];
  const handler = async (req: PushRequest): Promise<PushAnswer> => {
    arrivals.push({ at: performance.now(), req });
    await sleep(ms);
    return { status, outcome: status < 300 ? 'ok' : 'error', latencyUs: ms * 1000 };
  };
  return { arrivals, handler };
}

describe('the reference on the wall clock (serveReferenceOverHttp({ realTime: true }))', () => {
  let served: Served;
  beforeAll(async () => {
    served = await serveReferenceOverHttp({ realTime: true });
  });
  afterAll(async () => {
    await served.close();
  });

  it('declares controlsClock: false', async () => {
    const queue = new HttpJsonQueue(served.url);
    try {
      expect(await queue.describe()).toEqual({ controlsClock: false, outages: true, events: true, lacks: ['runTask'] });
    } finally {
      await queue.close();
    }
    expect(await new ReferenceQueue().onWallClock().describe()).toMatchObject({ controlsClock: false });
    expect(await new ReferenceQueue().describe()).toMatchObject({ controlsClock: true });
  });

  it('delivers by itself as tasks fall due in real time, without the virtual time header, concurrently', async () => {
    const queue = new HttpJsonQueue(served.url);
    const { arrivals, handler } = recorder(200, 40);
    const meter = new LatenessMeter();
    try {
      await queue.reset({ config: config(), seed: 1, epochUs: 0, handler });
      const added = performance.now();
      expect(
        await queue.addTasks('q0', [{ name: 'now1' }, { name: 'now2' }, { name: 'later', countdownUs: 100_000 }]),
      ).toHaveLength(3);
      meter.roundTrip(Math.round((performance.now() - added) * 1000));
      await waitFor(meter, () => arrivals.length >= 3); // no /advance: the queue moves on its own
      const lag = lagMs(meter);
      const at = (name: string) => arrivals.find((a) => a.req.headers['x-appengine-taskname'] === name)!.at - added;
      expect(arrivals).toHaveLength(3);
      expect(at('now1')).toBeLessThan(30 + lag);
      // Concurrent: not one after the other's 40 ms answer (a bound only while the lag leaves room for it).
      expect(Math.abs(at('now1') - at('now2'))).toBeLessThan(20 + lag);
      expect(at('later')).toBeGreaterThanOrEqual(95);
      expect(at('later')).toBeLessThan(160 + lag);
      for (const a of arrivals) expect(a.req.headers['x-tasksim-time-us']).toBeUndefined();
      expect(arrivals[0].req.url).toBe('/_ah/queue/q0');
    } finally {
      meter.stop();
      await queue.close();
    }
  });

  it("measures the answer's latency itself: the retry comes the real latency plus the backoff later", async () => {
    const queue = new HttpJsonQueue(served.url);
    const { arrivals, handler } = recorder(500, 25);
    const meter = new LatenessMeter();
    try {
      await queue.reset({ config: config(), seed: 1, epochUs: 0, handler });
      await queue.addTasks('q0', [{ name: 'a' }]);
      await waitFor(meter, () => arrivals.length >= 2);
      // RETRY-1: task_retry_limit 1, one retry: nothing more comes in a further answer + backoff (and the lag).
      const quiet = performance.now() + 25 + 30 + 100 + lagMs(meter);
      await waitFor(meter, () => performance.now() >= quiet);
      expect(arrivals.map((a) => a.req.headers['x-appengine-taskretrycount'])).toEqual(['0', '1']);
      const gap = arrivals[1].at - arrivals[0].at;
      expect(gap).toBeGreaterThanOrEqual(25 + 30 - 2);
      expect(gap).toBeLessThan(25 + 30 + 40 + lagMs(meter));
      await queue.advance(0); // on the wall clock: only collects the events
      const events = await queue.takeEvents();
      const response = events.find((e) => e.e === 'response');
      expect(response && response.e === 'response' ? response.lat : 0).toBeGreaterThanOrEqual(25_000);
    } finally {
      meter.stop();
      await queue.close();
    }
  });

  it('advance moves nothing on the wall clock (it answers at once)', async () => {
    const queue = new ReferenceQueue().onWallClock();
    const { arrivals, handler } = recorder(200, 0);
    const meter = new LatenessMeter();
    await queue.reset({ config: config(), seed: 1, epochUs: 0, handler });
    await queue.addTasks('q0', [{ name: 'x', countdownUs: 60_000_000 }]);
    const t = performance.now();
    await queue.advance(60_000_000);
    const took = performance.now() - t;
    await waitFor(meter, () => true);
    expect(took).toBeLessThan(50 + lagMs(meter));
    expect(arrivals).toHaveLength(0);
    expect(queue.nowUs).toBeLessThan(1_000_000);
    meter.stop();
    await queue.close();
  });

  it('a late delivery of an earlier run is dropped by the harness, not handed to the next run', async () => {
    // A bare protocol server that notes the handler URL each /reset gives it.
    const urls: string[] = [];
    const fake = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        if (req.url === '/reset') urls.push(JSON.parse(body).handlerUrl);
        // A queue still on protocol /1: the harness speaks /1 to it (no namespace in /reset).
        const answer =
          req.url === '/'
            ? { protocol: 'tasksim-queue/1', capabilities: { controlsClock: false, outages: false, events: false } }
            : { ok: true };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
    const queue = new HttpJsonQueue(`http://127.0.0.1:${(fake.address() as AddressInfo).port}`);
    const first = recorder(200, 0);
    const second = recorder(200, 0);
    const deliver = (url: string) =>
      request(`${url}/_ah/queue/q0`, {
        method: 'POST',
        headers: { 'x-appengine-queuename': 'q0', 'x-appengine-taskname': 'old' },
        body: 'x',
      });
    try {
      await queue.reset({ config: config(), seed: 1, epochUs: 0, handler: first.handler });
      await queue.reset({ config: config(), seed: 2, epochUs: 0, handler: second.handler });
      expect(urls).toHaveLength(2);
      expect(urls[0]).not.toBe(urls[1]);
      const stale = await deliver(urls[0]);
      expect(stale.statusCode).toBe(200);
      await stale.body.dump();
      expect(first.arrivals.length + second.arrivals.length).toBe(0);
      const current = await deliver(urls[1]);
      await current.body.dump();
      expect(second.arrivals.map((a) => a.req.url)).toEqual(['/_ah/queue/q0']); // the run's prefix is not part of the URL
    } finally {
      await queue.close();
      await new Promise<void>((r) => fake.close(() => r()));
    }
  });
});
