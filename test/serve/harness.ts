/**
 * What the serve tests share: tasksim serve on 127.0.0.1 (port 0), the official Cloud Tasks clients
 * (v2 and v2beta2) talking gRPC to it, a real task handler on 127.0.0.1 that records every request
 * and answers from a script, and the clock control API. Waits are on events, never on sleeps.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { v2, v2beta2 } from '@google-cloud/tasks';
import { defaultConfig } from '../../src/model/queue-yaml.js';
import { startServer, type RunningServer } from '../../src/serve/index.js';

// The client must not look for a metadata server (no traffic to hosts nobody named).
process.env.METADATA_SERVER_DETECTION = 'none';

export const PROJECT = 'test-project';
export const LOCATION = 'us-central1';
export const PARENT = `projects/${PROJECT}/locations/${LOCATION}`;

export interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Handler {
  origin: string;
  seen: Seen[];
  /** Resolves once `n` requests have arrived. */
  received(n: number): Promise<Seen[]>;
  close(): Promise<void>;
}

export type Answer = number | { status: number; headers: Record<string, string> };

/** A handler answering `answers[i]` to the i-th request (the last one after that). */
export async function startHandler(answers: Answer[] = [200]): Promise<Handler> {
  const seen: Seen[] = [];
  const waiters: { n: number; resolve: (s: Seen[]) => void }[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      const a = answers[Math.min(seen.length, answers.length) - 1];
      if (typeof a === 'number') res.writeHead(a).end();
      else res.writeHead(a.status, a.headers).end();
      for (const w of waiters.filter((x) => seen.length >= x.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(seen.slice());
      }
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    seen,
    received: (n) =>
      seen.length >= n ? Promise.resolve(seen.slice()) : new Promise((resolve) => waiters.push({ n, resolve })),
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export interface Serve {
  server: RunningServer;
  v2: InstanceType<typeof v2.CloudTasksClient>;
  beta: InstanceType<typeof v2beta2.CloudTasksClient>;
  /** The clock control API. */
  clock: {
    now(): Promise<{ nowUs: number; now: string; clock: string }>;
    advance(by: string): Promise<{ nowUs: number }>;
    runUntilIdle(limit?: string): Promise<{ nowUs: number; idle: boolean }>;
    post(path: string): Promise<Response>;
  };
  close(): Promise<void>;
}

export async function startServe(opts: {
  clock: 'real' | 'virtual';
  appEngineHost?: string;
  traceFile?: string;
}): Promise<Serve> {
  const server = await startServer({
    config: defaultConfig({ profile: 'cloud-tasks' }),
    clock: opts.clock,
    appEngineHost: opts.appEngineHost,
    traceFile: opts.traceFile,
  });
  const clientOpts = {
    apiEndpoint: '127.0.0.1',
    port: server.port,
    sslCreds: grpc.credentials.createInsecure(),
    projectId: PROJECT,
  };
  const v2c = new v2.CloudTasksClient(clientOpts);
  const beta = new v2beta2.CloudTasksClient(clientOpts);
  const json = async (r: Response): Promise<any> => {
    // eslint-disable-line @typescript-eslint/no-explicit-any
    const body = await r.json();
    if (!r.ok) throw new Error(`clock control ${r.status}: ${JSON.stringify(body)}`);
    return body;
  };
  const post = (path: string): Promise<Response> =>
    fetch(server.controlUrl + path, { method: 'POST', signal: AbortSignal.timeout(20_000) });
  return {
    server,
    v2: v2c,
    beta,
    clock: {
      now: async () => json(await fetch(server.controlUrl + '/clock', { signal: AbortSignal.timeout(20_000) })),
      advance: async (by) => json(await post(`/clock/advance?by=${by}`)),
      runUntilIdle: async (limit) => json(await post(`/clock/run-until-idle${limit ? `?limit=${limit}` : ''}`)),
      post,
    },
    close: async () => {
      await v2c.close();
      await beta.close();
      await server.close();
    },
  };
}

/** A Timestamp message (seconds may come back as a string) → µs since the Unix epoch. */
export function tsUs(t: { seconds?: unknown; nanos?: unknown } | null | undefined): number {
  return Number(t?.seconds ?? 0) * 1e6 + Math.floor(Number(t?.nanos ?? 0) / 1000);
}

/** HDR-5 by hand: seconds since the epoch with six fractional digits. */
export function etaHeader(us: number): string {
  return `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}`;
}

/** The gRPC status code of a refused call. */
export async function codeOf(p: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code: number; details?: string; message: string };
    return { code: e.code, details: e.details ?? e.message };
  }
  throw new Error('the call was expected to be refused');
}
