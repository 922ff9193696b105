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
  /** Median requests per second from autocannon, same concurrency and requests. */
  autocannonRps: number;
  /** driverRps / autocannonRps. */
  ratio: number;
  concurrency: number;
  requestsPerRun: number;
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
  opts: { concurrency?: number; requestsPerRun?: number; iterations?: number; log?: (line: string) => void } = {},
): Promise<HttpDriverFigures> {
  const concurrency = opts.concurrency ?? 10;
  const n = opts.requestsPerRun ?? 5_000;
  const log = opts.log ?? console.log;
  const server = await startServer();
  const body = new TextEncoder().encode('{"tasksim":"bench"}');
  // The same request both ways: what a first attempt of a task looks like on the wire (HDR-1…5).
  const headers = {
    ...toHttpHeaders(buildHeaders({ queue: 'default', name: 'bench-task', attempt: 1, executionCount: 0, etaEpochUs: DEFAULT_EPOCH_US })),
    'Content-Type': 'application/octet-stream',
  };
  const delivery: Delivery = {
    key: 1, id: 1, queue: 'default', name: 'bench-task', attempt: 1, method: 'POST', url: '/_ah/queue/default',
    headers, body, deadlineUs: 0, duplicate: false,
  };
  const target = new HttpTarget(server.url, { connections: concurrency });
  let failures = 0;
  const driverRun = async (): Promise<void> => {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next++ < n) {
        const r = await target.deliver(delivery, { timeoutMs: 10_000 });
        if (r.outcome !== 'ok') failures++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  const cannonRun = async (): Promise<void> => {
    const r = await autocannon({ url: server.url, connections: concurrency, pipelining: 1, amount: n, method: 'POST', headers, body: Buffer.from(body) });
    failures += r.errors + r.timeouts + r.non2xx;
  };
  try {
    // Warm both clients (connections, JIT) before measuring.
    await driverRun();
    await cannonRun();
    const bench = new Bench({ iterations: opts.iterations ?? 7, warmup: false, time: 0 });
    bench.add('HttpTarget deliveries', driverRun).add('autocannon requests', cannonRun);
    await bench.run();
    const medianMs = (name: string): number => {
      const r = bench.getTask(name)!.result as unknown as { latency?: { p50?: number } };
      return r.latency?.p50 ?? NaN;
    };
    const driverRps = Math.round(n / (medianMs('HttpTarget deliveries') / 1000));
    const autocannonRps = Math.round(n / (medianMs('autocannon requests') / 1000));
    const ratio = +(driverRps / autocannonRps).toFixed(3);
    if (failures > 0) log(`http-driver: warning: ${failures} requests failed`);
    log(`http-driver: ${concurrency} connections, ${n} requests per run, median of ${opts.iterations ?? 7}`);
    log(`  HttpTarget deliveries/s  ${driverRps.toLocaleString('en-US')}`);
    log(`  autocannon requests/s    ${autocannonRps.toLocaleString('en-US')}`);
    log(`  ratio                    ${(ratio * 100).toFixed(1)}% (target ≥ 90%)`);
    return { driverRps, autocannonRps, ratio, concurrency, requestsPerRun: n };
  } finally {
    await target.close();
    await server.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await benchHttpDriver();
}
