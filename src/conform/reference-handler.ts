/**
 * A compliant reference task handler (node:http on 127.0.0.1, an ephemeral port): what the
 * conformance suite is checked against, and what `tasksim conform --reference` runs on.
 * - refuses requests without X-AppEngine-QueueName / X-AppEngine-TaskName (or, from an HTTP target's
 *   queue, X-CloudTasks-QueueName / X-CloudTasks-TaskName, CT-2) with 403 (HANDLER-8);
 * - is idempotent by task name: a second delivery of a done task is answered 200 and does nothing (HANDLER-4);
 * - reads the whole body (any Content-Type, empty or binary, up to 1 MiB; HANDLER-6, TASK-3) and answers 200.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReferenceHandler {
  url: string;
  /** Task names completed so far and how often each was delivered. */
  readonly seen: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

export async function startReferenceHandler(opts: { path?: string } = {}): Promise<ReferenceHandler> {
  const path = opts.path ?? '/tasks/handler';
  const seen = new Map<string, number>();
  const server = createServer((req, res) => handle(req, res, seen));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function handle(req: IncomingMessage, res: ServerResponse, seen: Map<string, number>): void {
  const queue = req.headers['x-appengine-queuename'] ?? req.headers['x-cloudtasks-queuename'];
  const task = req.headers['x-appengine-taskname'] ?? req.headers['x-cloudtasks-taskname'];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY && !res.headersSent) {
      res.writeHead(413).end('payload too large');
      req.destroy();
    }
  });
  req.on('error', () => {});
  req.on('end', () => {
    if (res.headersSent) return;
    if (typeof queue !== 'string' || typeof task !== 'string' || !queue || !task) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('not from the task queue\n');
      return;
    }
    // The "work" happens once per task name; later deliveries are acknowledged without repeating it.
    seen.set(task, (seen.get(task) ?? 0) + 1);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
  });
}
