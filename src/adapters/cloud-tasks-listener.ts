/**
 * The harness's handler for a Cloud Tasks service: a plain HTTP server at the service's App Engine
 * host, where every delivery arrives. Each request is read (capped in size and time) and handed to
 * `route`, whose answer goes back as a status, or as a reset connection (HANDLER-2). A delivery no
 * run claims (`route` gives undefined: an earlier run's, or nobody's) gets a plain 200 so the service
 * is done with it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { AdapterSetupError, type PushAnswer, type PushRequest } from './contract.js';
import { MAX_DELIVERY_BYTES, readCapped } from './http-json-wire.js';

export type DeliveryRoute = (req: PushRequest) => Promise<PushAnswer | undefined>;

export class DeliveryListener {
  /** Set by the adapter: where deliveries go. */
  route: DeliveryRoute = async () => undefined;
  /** What went wrong with a delivery (read past its cap, aborted): the adapter reports it as a verdict. */
  fault: string | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    private readonly timeoutMs: number,
  ) {
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  /** Listens on host:port (0: the OS picks); a host or port that cannot be bound is a setup error (exit 2). */
  static async listen(host: string, port: number, timeoutMs: number): Promise<DeliveryListener> {
    let self: DeliveryListener | undefined;
    const server = createServer((req, res) => {
      void self?.onRequest(req, res);
    });
    server.on('clientError', (_err, socket) => socket.destroy());
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
    } catch (err) {
      throw new AdapterSetupError(
        `cannot listen for deliveries on ${host}:${port}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} ` +
          '(give the address the service delivers App Engine tasks to as handler=HOST:PORT, e.g. tasksim serve --appengine-host)',
      );
    }
    const addr = server.address() as AddressInfo;
    self = new DeliveryListener(server, `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`, timeoutMs);
    return self;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await readCapped(req, MAX_DELIVERY_BYTES, this.timeoutMs);
      if (typeof body === 'string') {
        this.fault ??= `a delivery to ${req.url ?? '/'}: ${body}`;
        res.destroy();
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
      const answer = await this.route({ method: req.method ?? 'POST', url: req.url ?? '/', headers, body });
      if (answer?.outcome === 'net') {
        req.socket.destroy(); // HANDLER-2: a connection failure
        return;
      }
      // One exchange per connection: a reset (above) then never looks like a kept-alive connection
      // closed while idle, which an HTTP client may rightly send again.
      res.writeHead(answer?.status || 200, { 'Content-Length': '0', Connection: 'close' }).end();
    } catch (err) {
      this.fault ??= `a delivery to ${req.url ?? '/'} failed: ${(err as Error).message}`;
      res.destroy();
    }
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
