/**
 * Handlers and misbehaving servers for the conformance tests, all on 127.0.0.1 with port 0:
 * broken handlers (each breaking one rule) and servers that are not proper HTTP at all.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface Running {
  url: string;
  port: number;
  /** Requests seen (HTTP servers only): method, url, headers. */
  requests: { method: string; url: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;

async function listen(server: Server | ReturnType<typeof createHttpServer>, sockets: Set<Socket>): Promise<number> {
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function closer(server: Server | ReturnType<typeof createHttpServer>, sockets: Set<Socket>): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

/** An HTTP handler that reads the whole body, then lets `handler` answer. */
export async function httpHandler(handler: Handler, path = '/task'): Promise<Running> {
  const requests: Running['requests'] = [];
  const sockets = new Set<Socket>();
  const server = createHttpServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  });
  const port = await listen(server, sockets);
  return { url: `http://127.0.0.1:${port}${path}`, port, requests, close: closer(server, sockets) };
}

const fromQueue = (req: IncomingMessage): boolean =>
  Boolean(req.headers['x-appengine-taskname'] && req.headers['x-appengine-queuename']);

/** Compliant except for one thing each. */
export const BROKEN: Record<string, () => Promise<Running>> = {
  always500: () => httpHandler((_req, _body, res) => void res.writeHead(500).end('boom')),
  always503: () => httpHandler((_req, _body, res) => void res.writeHead(503).end('try later')),
  rejectsRetries: () =>
    httpHandler((req, _body, res) => {
      if (!fromQueue(req)) return void res.writeHead(403).end();
      res.writeHead(req.headers['x-appengine-taskretrycount'] === '0' ? 200 : 400).end();
    }),
  chokesOnBinary: () =>
    httpHandler((req, body, res) => {
      if (!fromQueue(req)) return void res.writeHead(403).end();
      if (body.length > 64 * 1024) return void res.writeHead(413).end('too large');
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(body);
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end('not text');
      }
    }),
  redirects: () => httpHandler((_req, _body, res) => void res.writeHead(302, { location: '/elsewhere' }).end()),
  slow: () =>
    httpHandler((req, _body, res) => {
      if (!fromQueue(req)) return void res.writeHead(403).end();
      setTimeout(() => res.writeHead(200).end(), 600);
    }),
  failsDuplicates: () => {
    const done = new Set<string>();
    return httpHandler((req, _body, res) => {
      if (!fromQueue(req)) return void res.writeHead(403).end();
      const name = String(req.headers['x-appengine-taskname']);
      if (done.has(name)) return void res.writeHead(409).end('already done');
      done.add(name);
      res.writeHead(200).end();
    });
  },
  acceptsWithoutHeaders: () => httpHandler((_req, _body, res) => void res.writeHead(200).end('ok')),
};

/** A raw TCP server whose connections `onSocket` handles. */
async function tcpServer(onSocket: (s: Socket) => void, path = '/task'): Promise<Running> {
  const sockets = new Set<Socket>();
  const server = createNetServer((s) => {
    s.on('error', () => {});
    onSocket(s);
  });
  const port = await listen(server, sockets);
  return { url: `http://127.0.0.1:${port}${path}`, port, requests: [], close: closer(server, sockets) };
}

export const MISBEHAVING = {
  /** Accepts connections, reads, never answers. */
  silent: () => tcpServer((s) => s.resume()),
  /** Answers every request with bytes that are not HTTP. */
  garbage: () => tcpServer((s) => s.once('data', () => s.write('SSH-2.0-OpenSSH_9.6\r\nthis is not http\r\n\r\n'))),
  /** Resets the connection as soon as a request arrives. */
  reset: () => tcpServer((s) => s.once('data', () => s.resetAndDestroy())),
  /** Answers 200 with a 50 MB body. */
  hugeBody: () =>
    httpHandler((_req, _body, res) => {
      const total = 50 * 1024 * 1024;
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      res.writeHead(200, { 'content-length': String(total) });
      let sent = 0;
      const pump = (): void => {
        while (sent < total) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (sent = total));
      pump();
    }),
};

/** A port with nothing listening on it (bound, then released). */
export async function freePort(): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createNetServer();
  const port = await listen(server, sockets);
  await closer(server, sockets)();
  return port;
}

/**
 * A compliant handler that closes every idle keep-alive connection 20–50 ms after its last answer,
 * while still advertising `Keep-Alive: timeout=5` (as proxies and some servers do): a client that
 * reuses a connection the moment it closes sees it close before any response byte.
 */
export async function keepAliveCloser(path = '/task'): Promise<Running> {
  const requests: Running['requests'] = [];
  const sockets = new Set<Socket>();
  const idle = new Map<Socket, ReturnType<typeof setTimeout>>();
  const server = createHttpServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    clearTimeout(idle.get(req.socket));
    req.resume();
    req.on('end', () => {
      res.writeHead(fromQueue(req) ? 200 : 403).end('ok');
      idle.set(
        req.socket,
        setTimeout(() => req.socket.end(), 20 + Math.random() * 30),
      );
    });
  });
  server.keepAliveTimeout = 5_000;
  const port = await listen(server, sockets);
  const close = closer(server, sockets);
  return {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    requests,
    close: () => {
      for (const t of idle.values()) clearTimeout(t);
      return close();
    },
  };
}

/** Answers 200 at once, then a body that never ends (64 KiB chunks as fast as the client reads). */
export function endlessBody(): Promise<Running> {
  return httpHandler((_req, _body, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let open = true;
    res.on('close', () => (open = false));
    const pump = (): void => {
      while (open && res.write(chunk));
      if (open) res.once('drain', pump);
    };
    pump();
  });
}

/**
 * A compliant handler (queue headers required, 200 otherwise) with one extra refusal of its own:
 * `refuse` returns a status for the requests it turns away. The refusals are the kinds of bug that
 * official samples and real handlers have.
 */
export function compliantExcept(refuse: (req: IncomingMessage) => number | undefined): Promise<Running> {
  return httpHandler((req, _body, res) => {
    const taskName = req.headers['x-appengine-taskname'] ?? req.headers['x-cloudtasks-taskname'];
    const queueName = req.headers['x-appengine-queuename'] ?? req.headers['x-cloudtasks-queuename'];
    if (!taskName || !queueName) return void res.writeHead(403).end('not from the queue');
    const status = refuse(req);
    res.writeHead(status ?? 200).end(status ? 'refused' : 'ok');
  });
}

const header = (req: IncomingMessage, name: string): string => String(req.headers[name] ?? '');

export const PICKY = {
  /** PHP's `if (empty($_SERVER['HTTP_X_APPENGINE_TASKNAME']))`: empty("0") is true, so the task named 0 is refused. */
  refusesNameZero: () => compliantExcept((req) => (header(req, 'x-appengine-taskname') === '0' ? 400 : undefined)),
  /** Checks task names as identifiers (a letter first): narrower than TASK-1, which allows `0`, `-x`, `_1`. */
  narrowNames: () =>
    compliantExcept((req) => (/^[a-zA-Z][a-zA-Z0-9_-]*$/.test(header(req, 'x-appengine-taskname')) ? undefined : 400)),
  /** Parses the ETA as exactly six fractional digits (the Java stub's form only). */
  sixDigitEta: () =>
    compliantExcept((req) => (/^[0-9]+\.[0-9]{6}$/.test(header(req, 'x-appengine-tasketa')) ? undefined : 400)),
  /** Serves POST only, as most apps do: GET gets 405. */
  postOnly: () => compliantExcept((req) => (req.method === 'POST' ? undefined : 405)),
  /** Accepts only the X-CloudTasks-* names (an HTTP target's handler, CT-2). */
  cloudTasksOnly: () =>
    httpHandler((req, _body, res) => {
      const ok =
        req.headers['x-cloudtasks-taskname'] &&
        req.headers['x-cloudtasks-queuename'] &&
        !req.headers['x-appengine-taskname'];
      res.writeHead(ok ? 200 : 403).end();
    }),
  /** 404 for every request: the wrong path. */
  notFound: () => httpHandler((_req, _body, res) => void res.writeHead(404).end('Not Found')),
};
