/**
 * The HTTP driver (HttpTarget deliveries) against a trivial node:http handler on loopback, side by side
 * with autocannon at the same concurrency, same requests. The handler runs in a worker thread so the
 * client side (ours or autocannon's) has the main thread to itself. Target: driver ≥ 90% of autocannon.
 * Run alone: npx tsx bench/http-driver.bench.ts
 */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import autocannon from 'autocannon';
import { HttpTarget } from '../src/targets/http-target.js';
import { toHttpHeaders, buildHeaders } from '../src/model/headers.js';
import type { Delivery } from '../src/model/types.js';
import { DEFAULT_EPOCH_US } from '../src/sim/time.js';

export interface HttpDriverFigures {
  /** Median deliveries per second through HttpTarget. */
  driverRps: number;
  /** Median requests per second from autocannon, same concurrency, same requests. */
  autocannonRps: number;
  /** Median over rounds of driver/autocannon, each round a back-to-back pair. */
  ratio: number;
  concurrency: number;
  /** Length of each measured run. */
  seconds: number;
  rounds: number;
}

const SERVER = `
const { createServer } = require('node:http');
const { parentPort } = require('node:worker_threads');
const server = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('ok'); });
});
server.keepAliveTimeout = 10000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
`;

async function startServer(): Promise<{ url: string; stop(): Promise<number> }> {
  const worker = new Worker(SERVER, { eval: true });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return { url: `http://127.0.0.1:${port}/task`, stop: () => worker.terminate() };
}

export async function benchHttpDriver(
  opts: { concurrency?: number; seconds?: number; rounds?: number; log?: (line: string) => void } = {},
): Promise<HttpDriverFigures> {
  const concurrency = opts.concurrency ?? 10;
  const seconds = opts.seconds ?? 1;
  const rounds = opts.rounds ?? 11;
  const log = opts.log ?? console.log;
  const server = await startServer();
  const body = new TextEncoder().encode('{"tasksim":"bench"}');
  // The same request both ways: what a first attempt of a task looks like on the wire (HDR-1…5).
  const headers = {
    ...toHttpHeaders(
      buildHeaders({
        queue: 'default',
        name: 'bench-task',
        attempt: 1,
        executionCount: 0,
        etaEpochUs: DEFAULT_EPOCH_US,
      }),
    ),
    'Content-Type': 'application/octet-stream',
  };
  const delivery: Delivery = {
    key: 1,
    id: 1,
    queue: 'default',
    name: 'bench-task',
    attempt: 1,
    method: 'POST',
    url: '/_ah/queue/default',
    headers,
    body,
    deadlineUs: 0,
    duplicate: false,
  };
  const target = new HttpTarget(server.url, { connections: concurrency });
  let failures = 0;
  let driverRps = 0;
  let cannonRps = 0;
  // Both run for a fixed time (autocannon's `amount` mode ends on a one-second tick, which would
  // understate it); tinybench times each run, the count over that time is the rate.
  const driverRun = async (): Promise<void> => {
    const started = performance.now();
    const end = started + seconds * 1000;
    let count = 0;
    const worker = async (): Promise<void> => {
      while (performance.now() < end) {
        const r = await target.deliver(delivery, { timeoutMs: 10_000 });
        if (r.outcome !== 'ok') failures++;
        count++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    driverRps = count / ((performance.now() - started) / 1000);
  };
  const cannonRun = async (): Promise<void> => {
    const r = await autocannon({
      url: server.url,
      connections: concurrency,
      pipelining: 1,
      duration: seconds,
      method: 'POST',
      headers,
      body: Buffer.from(body),
    });
    failures += r.errors + r.timeouts + r.non2xx;
    cannonRps = r.requests.total / r.duration;
  };
  try {
    const driver: number[] = [];
    const cannon: number[] = [];
    // Warm both clients (connections, JIT) before measuring, each order once.
    const warm = new Bench({ iterations: 1, warmup: false, time: 0 })
      .add('warm driver', driverRun)
      .add('warm autocannon', cannonRun)
      .add('warm driver again', driverRun);
    await warm.run();
    // Paired rounds, back to back and in alternating order (ABBA), so a noisy neighbour on the machine
    // hits both alike; the ratio is the median of the per-round ratios.
    const ratios: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const bench = new Bench({ iterations: 1, warmup: false, time: 0 });
      const a = (): [string, () => Promise<void>] => [
        'HttpTarget deliveries',
        async () => void (await driverRun(), driver.push(driverRps)),
      ];
      const b = (): [string, () => Promise<void>] => [
        'autocannon requests',
        async () => void (await cannonRun(), cannon.push(cannonRps)),
      ];
      for (const [name, fn] of i % 2 === 0 ? [a(), b()] : [b(), a()]) bench.add(name, fn);
      await bench.run();
      ratios.push(driver[i] / cannon[i]);
    }
    const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    const figures: HttpDriverFigures = {
      driverRps: Math.round(median(driver)),
      autocannonRps: Math.round(median(cannon)),
      ratio: +median(ratios).toFixed(3),
      concurrency,
      seconds,
      rounds,
    };
    if (failures > 0) log(`http-driver: warning: ${failures} requests failed`);
    log(`http-driver: ${concurrency} connections, ${rounds} interleaved rounds of ${seconds}s each, medians`);
    log(
      `  HttpTarget deliveries/s  ${figures.driverRps.toLocaleString('en-US')}   (rounds: ${driver.map((x) => Math.round(x)).join(', ')})`,
    );
    log(
      `  autocannon requests/s    ${figures.autocannonRps.toLocaleString('en-US')}   (rounds: ${cannon.map((x) => Math.round(x)).join(', ')})`,
    );
    log(
      `  ratio (median of rounds) ${(figures.ratio * 100).toFixed(1)}% (target ≥ 90%)   (rounds: ${ratios.map((r) => (r * 100).toFixed(0) + '%').join(', ')})`,
    );
    return figures;
  } finally {
    await target.close();
    await server.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await benchHttpDriver();
}
