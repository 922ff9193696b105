/**
 * The HTTP/JSON protocol served by the reference engine (or a mutant): the protocol's reference
 * implementation, and what the tests fuzz over real HTTP. Deliveries go to the harness's handler
 * URL as plain HTTP requests, one at a time, with the virtual dispatch time in X-Tasksim-Time-Us;
 * the answer's X-Tasksim-Latency-Us is applied in virtual time; a reset connection is a `net` failure.
 *
 * `realTime: true` serves the same queue on the wall clock (ReferenceQueue.onWallClock): it says
 * `controlsClock: false`, delivers concurrently as tasks fall due in real time, sends no time header,
 * and measures each answer's latency itself.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import type { ResolvedConfig } from '../model/config.js';
import { outcomeOfStatus } from '../sim/events.js';
import type { PushAnswer, LeaseSpec, PushRequest, QueueUnderTest, TaskSpec } from './contract.js';
import { LATENCY_HEADER, MAX_ANSWER_BYTES, TIME_HEADER, helloV2, readCapped } from './http-json-wire.js';
import { MutantQueue, findMutant } from './mutants/index.js';
import { ReferenceQueue } from './reference.js';
import { OptionError, applyOptions, type NamedOptions } from '../model/options.js';

export interface ServeOptions {
  host?: string;
  port?: number;
  /** Serve a built-in mutant instead of the reference (for tests, and to see a catch over HTTP). */
  mutant?: string;
  /** Per delivery. Default 10 s. */
  deliveryTimeoutMs?: number;
  /** Run on the wall clock (`controlsClock: false`): the queue the fuzzer's real-time mode checks. */
  realTime?: boolean;
}

export interface Served {
  url: string;
  close(): Promise<void>;
}

export function serveReferenceOverHttp(opts: ServeOptions = {}): Promise<Served> {
  let queue: ReferenceQueue | MutantQueue = new ReferenceQueue();
  if (opts.mutant !== undefined) {
    const m = findMutant(opts.mutant);
    if (!m) throw new Error(`unknown mutant ${JSON.stringify(opts.mutant)}`);
    queue = m.create();
  }
  if (opts.realTime) queue.onWallClock();
  return serveQueueOverHttp(queue, opts);
}

type Body = Record<string, unknown>;

/** Serves any in-process QueueUnderTest over the protocol. */
export async function serveQueueOverHttp(queue: QueueUnderTest, opts: ServeOptions = {}): Promise<Served> {
  const timeout = opts.deliveryTimeoutMs ?? 10_000;
  const agent = new Agent({ connect: { timeout }, headersTimeout: timeout, bodyTimeout: timeout });
  const caps = await queue.describe();

  const deliver =
    (handlerUrl: string) =>
    async (req: PushRequest): Promise<PushAnswer> => {
      try {
        const res = await request(handlerUrl + req.url, {
          method: req.method as 'POST',
          dispatcher: agent,
          // On the wall clock the harness times deliveries itself: no virtual instant to send.
          headers: caps.controlsClock ? { ...req.headers, [TIME_HEADER]: String(req.atUs ?? 0) } : req.headers,
          body: Buffer.from(req.body ?? []),
        });
        await res.body.dump();
        const lat = Number(res.headers[LATENCY_HEADER.toLowerCase()] ?? 0);
        const status = res.statusCode;
        return { status, outcome: outcomeOfStatus(status), latencyUs: Number.isFinite(lat) ? lat : 0 };
      } catch {
        return { status: 0, outcome: 'net', latencyUs: 0 }; // reset or unreachable handler: HANDLER-2
      }
    };

  const routes: Record<string, (b: Body) => Promise<unknown>> = {
    'POST /reset': async (b) => {
      // SPEC §10 options by name, when given, are applied over the config's readings (unknown ones: 400).
      const given = b.config as ResolvedConfig;
      const config = isNamedOptions(b.options) ? { ...given, options: applyOptions(given.options, b.options) } : given;
      await queue.reset({
        config,
        seed: Number(b.seed),
        epochUs: Number(b.epochUs),
        handler: deliver(String(b.handlerUrl)),
        ...(typeof b.namespace === 'string' ? { namespace: b.namespace } : {}),
      });
      return { ok: true };
    },
    'POST /tasks': async (b) => ({ results: await queue.addTasks(String(b.queue), b.tasks as TaskSpec[]) }),
    'POST /delete': (b) => queue.deleteTask(String(b.queue), String(b.name)),
    'POST /pause': (b) => queue.pauseQueue(String(b.queue)),
    'POST /resume': (b) => queue.resumeQueue(String(b.queue)),
    'POST /lease': (b) => queue.leaseTasks(String(b.queue), b as unknown as LeaseSpec),
    'POST /modify': (b) =>
      queue.modifyLease(String(b.queue), String(b.name), Number(b.leaseUntilUs), Number(b.leaseSeconds)),
    'POST /advance': async (b) => {
      await queue.advance(Number(b.us));
      const events = caps.events ? await queue.takeEvents() : [];
      return { nowUs: queue instanceof ReferenceQueue || queue instanceof MutantQueue ? queue.nowUs : 0, events };
    },
    'POST /outage': async (b) => {
      await queue.setOutage(b.on === true);
      return { ok: true };
    },
  };

  // One request at a time: the queue is a state machine on one clock.
  let chain: Promise<void> = Promise.resolve();
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const read = await readCapped(req, MAX_ANSWER_BYTES, timeout);
    const key = `${req.method} ${(req.url ?? '/').split('?')[0]}`;
    const send = (status: number, v: unknown): void => {
      const text = JSON.stringify(v);
      res
        .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
        .end(text);
    };
    if (typeof read === 'string') return send(400, { error: read });
    // The protocol has no RunTask call (CT-4): whatever the queue behind it can do, it is not asked.
    if (key === 'GET /')
      return send(
        200,
        helloV2({ ...caps, lacks: [...new Set([...(caps.lacks ?? []), 'runTask' as const])] }, queue.name),
      );
    const route = routes[key];
    if (!route) return send(404, { error: `no such endpoint: ${key}` });
    let body: Body;
    try {
      body = read.length > 0 ? (JSON.parse(read.toString('utf8')) as Body) : {};
    } catch {
      return send(400, { error: 'the body is not JSON' });
    }
    const run = chain.then(async () => {
      try {
        send(200, await route(body));
      } catch (err) {
        send(err instanceof OptionError ? 400 : 500, { error: (err as Error).message });
      }
    });
    chain = run.catch(() => {});
    await run;
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await agent.close();
      await queue.close();
    },
  };
}

function isNamedOptions(v: unknown): v is NamedOptions {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
