/**
 * A hostile queue for tests: speaks tasksim-queue/2 well enough to start runs (virtual time, lacks
 * everything it can), accepts every task, delivers nothing by itself, and misbehaves in one way the
 * test picks: its answers on the first /tasks call, its deliveries on the first /advance (the one
 * that follows the first /reset, before any command is compared). A real HTTP server on 127.0.0.1, port 0.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export type Hostility =
  /** Sends a delivery that promises 1000 bytes, writes 10 and aborts the connection. */
  | 'abort-delivery-mid-body'
  /** Sends a delivery with a 3 MiB body. */
  | 'huge-delivery'
  /** Answers /tasks with a 12 MiB body. */
  | 'huge-answer'
  /** Closes its server and every connection: the queue is gone mid-run. */
  | 'drop-connection';

export interface Hostile {
  url: string;
  close(): Promise<void>;
}

const LACKS = ['pull', 'outages', 'events', '503', 'deadlines', 'taskAgeLimit', 'runTask'];

export async function serveHostileQueue(hostility: Hostility): Promise<Hostile> {
  let handlerUrl = '';
  let names = 0;
  let struck = false;
  let delivered = false;
  const sockets = new Set<import('node:net').Socket>();

  /** One delivery to the harness's handler; resolves when the connection is done with, however. */
  const deliver = (
    url: string,
    headers: Record<string, string | number>,
    write: (req: ReturnType<typeof httpRequest>) => void,
  ): Promise<void> =>
    new Promise((resolve) => {
      const req = httpRequest(url, { method: 'POST', headers });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve());
        res.on('error', () => resolve());
      });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      write(req);
    });

  const strike = async (): Promise<void> => {
    const headers = {
      'x-appengine-queuename': 'default',
      'x-appengine-taskname': 'task-1',
      'x-appengine-taskretrycount': '0',
    };
    if (hostility === 'abort-delivery-mid-body') {
      await deliver(`${handlerUrl}/_ah/queue/default`, { ...headers, 'content-length': 1000 }, (req) => {
        req.flushHeaders();
        req.write('0123456789', () => req.destroy()); // abort once the 10 bytes are handed to the kernel
      });
      // A second request after the abort, to a path of no run (acknowledged and dropped): its answer
      // comes after the harness has taken in the abort (the connection's end came first).
      await deliver(`${handlerUrl.replace(/\/r\d+$/, '/r0')}/x`, { ...headers, 'content-length': 0 }, (req) =>
        req.end(),
      );
    } else if (hostility === 'huge-delivery') {
      const chunk = Buffer.alloc(64 * 1024, 120);
      await deliver(`${handlerUrl}/_ah/queue/default`, { ...headers, 'content-length': 48 * chunk.length }, (req) => {
        let n = 0;
        const more = (): void => {
          while (n < 48) {
            n++;
            if (!req.write(chunk)) return void req.once('drain', more);
          }
          req.end();
        };
        more();
      });
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let text = '';
    for await (const c of req) text += c;
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const send = (v: unknown): void => {
      const out = JSON.stringify(v);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) }).end(out);
    };
    const route = `${req.method} ${req.url}`;
    if (route === 'GET /') return send({ protocol: 'tasksim-queue/2', name: 'hostile', lacks: LACKS });
    if (route === 'POST /reset') {
      handlerUrl = String(body.handlerUrl);
      return send({ ok: true });
    }
    if (route === 'POST /tasks') {
      const tasks = body.tasks as { name?: string }[];
      const results = tasks.map((t) => ({ ok: true, name: t.name ?? `auto-${++names}` }));
      if (!struck) {
        struck = true;
        if (hostility === 'drop-connection') {
          server.close();
          for (const s of sockets) s.destroy();
          return;
        }
        if (hostility === 'huge-answer') {
          res.writeHead(200, { 'content-type': 'application/json' });
          const chunk = Buffer.alloc(1024 * 1024, 32);
          for (let i = 0; i < 12; i++) res.write(chunk);
          return void res.end(JSON.stringify({ results }));
        }
      }
      return send({ results });
    }
    if (route === 'POST /advance') {
      if (!delivered) {
        delivered = true;
        await strike();
      }
      return send({ nowUs: 0 });
    }
    return send({ ok: true });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        if (!server.listening) return r();
        server.close(() => r());
      }),
  };
}
