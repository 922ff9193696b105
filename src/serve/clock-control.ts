/**
 * The clock control API: plain HTTP/JSON on its own port, so any test in any language can move the
 * virtual clock with one request (curl included).
 *
 *   GET  /clock                        → {"clock":"virtual","now":"2026-…Z","nowUs":…,"idle":…}
 *   POST /clock/advance?by=90m         moves the clock 90 minutes, delivering everything due on the way
 *   POST /clock/run?until=2026-…Z      moves it to an instant (RFC 3339, or seconds since the epoch)
 *   POST /clock/run-until-idle?limit=7d  runs until nothing is left to do, at most 7 days ahead (default 31d)
 *
 * Durations: `250ms`, `1.5s`, `2m`, `1h`, `9d`, or seconds. On the real clock only GET answers; the
 * others say 409. Every move is bounded (at most MAX_MOVE ahead) and every body is capped.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { US_PER_D, US_PER_MS, US_PER_S, parseDuration, type Micros } from '../sim/time.js';
import type { CloudTasksEmulator } from './emulator.js';

/** The longest single move of the clock: more than PUSH-4's 30 days, so any ETA can be reached. */
export const MAX_MOVE_US: Micros = 366 * US_PER_D;
const DEFAULT_IDLE_LIMIT_US: Micros = 31 * US_PER_D;

export interface ClockControl {
  url: string;
  close(): Promise<void>;
}

class BadRequest extends Error {}

function parseInstant(text: string): Micros {
  if (/^[0-9]+(\.[0-9]+)?$/.test(text)) return Math.round(Number(text) * US_PER_S);
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new BadRequest(`until=${JSON.stringify(text)} is not an RFC 3339 time or seconds since the epoch`);
  return ms * US_PER_MS;
}

function parseMove(name: string, text: string | null, dflt?: Micros): Micros {
  if (text === null) {
    if (dflt !== undefined) return dflt;
    throw new BadRequest(`${name}= is required (e.g. ${name}=90m)`);
  }
  const us = parseDuration(text);
  if (us === undefined)
    throw new BadRequest(`${name}=${JSON.stringify(text)} is not a duration such as 250ms, 1.5s, 2m, 1h, 9d`);
  if (us > MAX_MOVE_US) throw new BadRequest(`${name}=${text} is more than 366 days`);
  return us;
}

export async function serveClockControl(em: CloudTasksEmulator, host: string, port: number): Promise<ClockControl> {
  const now = (): Record<string, unknown> => {
    const us = em.nowEpochUs();
    return { clock: em.virtual ? 'virtual' : 'real', now: new Date(us / US_PER_MS).toISOString(), nowUs: us };
  };
  const routes: Record<string, (q: URLSearchParams) => Promise<Record<string, unknown>>> = {
    'GET /clock': async () => now(),
    'POST /clock/advance': async (q) => {
      await em.advanceBy(parseMove('by', q.get('by')));
      return now();
    },
    'POST /clock/run': async (q) => {
      const text = q.get('until');
      if (text === null) throw new BadRequest('until= is required (RFC 3339, or seconds since the epoch)');
      const until = parseInstant(text);
      const from = em.nowEpochUs();
      if (until - from > MAX_MOVE_US) throw new BadRequest(`until=${text} is more than 366 days ahead`);
      await em.runUntil(until);
      return now();
    },
    'POST /clock/run-until-idle': async (q) => {
      const limit = parseMove('limit', q.get('limit'), DEFAULT_IDLE_LIMIT_US);
      const idle = await em.runUntilIdle(em.nowEpochUs() + limit);
      return { ...now(), idle };
    },
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const send = (code: number, body: Record<string, unknown>): void => {
      const text = JSON.stringify(body) + '\n';
      res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
    };
    req.resume(); // no route reads a body: drain whatever comes, without keeping it
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = routes[`${req.method} ${url.pathname.replace(/\/+$/, '')}`];
    if (!route)
      return send(404, {
        error: `no such endpoint: ${req.method} ${url.pathname} (GET /clock, POST /clock/advance?by=, /clock/run?until=, /clock/run-until-idle)`,
      });
    if (req.method === 'POST' && !em.virtual)
      return send(409, { error: 'the clock is real: start tasksim serve with --clock virtual to move it' });
    try {
      send(200, await route(url.searchParams));
    } catch (err) {
      send(err instanceof BadRequest ? 400 : 500, { error: (err as Error).message });
    }
  };
  const server: Server = createServer((req, res) => void handle(req, res));
  server.requestTimeout = 0; // a long run-until-idle may take a while against a slow handler
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
