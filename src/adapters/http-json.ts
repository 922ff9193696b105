/**
 * `http://host:port`: a queue in any language, driven through the HTTP/JSON protocol
 * (HTTP-JSON-PROTOCOL.md). The harness side of it: every call is one JSON request with a timeout,
 * and the harness hosts the handler the queue delivers to (a plain HTTP server on `handlerHost`,
 * port 0), answering with the statuses the fuzzer chooses, or by resetting the connection.
 *
 * Failures are sorted for the CLI: cannot connect → AdapterUnreachable (exit 3); anything the
 * protocol does not allow (non-JSON, wrong shape, HTTP error, no answer in time) → AdapterProtocolError.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import type { TraceEvent } from '../sim/events.js';
import type { Micros } from '../sim/time.js';
import {
  AdapterProtocolError, AdapterUnreachable, type AddOutcome, type Capabilities, type LeaseOutcome, type LeaseSpec,
  type ModifyOutcome, type OpOutcome, type PushHandler, type QueueUnderTest, type RunSetup, type TaskSpec,
} from './contract.js';
import {
  LATENCY_HEADER, TIME_HEADER, readAddResults, readAdvance, readCapabilities, readLease, readModify, readOk, readOp, shown,
} from './http-json-wire.js';
import { renderQueueYaml } from './queue-yaml-text.js';
import { optionsByName } from '../model/options.js';

export interface HttpJsonOptions {
  /** Per request, connect included. Default 10 s. */
  timeoutMs?: number;
  /** Where the harness's handler listens (the queue must reach it). Default 127.0.0.1. */
  handlerHost?: string;
}

/** Handler paths are `/r<run><task URL>`: the run tells a late delivery of an earlier run apart. */
const RUN_PREFIX = 'r';

const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);

export class HttpJsonQueue implements QueueUnderTest {
  readonly name: string;
  private readonly timeoutMs: number;
  private readonly handlerHost: string;
  private readonly agent: Agent;
  private caps: Capabilities | undefined;
  private handler: PushHandler | undefined;
  private server: Server | undefined;
  private handlerUrl = '';
  /** Each reset gets its own path prefix on the handler, so a late delivery of an earlier run is dropped. */
  private run = 0;
  private events: TraceEvent[] = [];
  private reached = false;

  constructor(readonly baseUrl: string, opts: HttpJsonOptions = {}) {
    this.name = baseUrl;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.handlerHost = opts.handlerHost ?? '127.0.0.1';
    this.agent = new Agent({ connect: { timeout: this.timeoutMs }, headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs });
  }

  async describe(): Promise<Capabilities> {
    this.caps ??= readCapabilities(await this.call('GET', '/'));
    return this.caps;
  }

  async reset(setup: RunSetup): Promise<void> {
    await this.describe();
    this.handler = setup.handler;
    this.events = [];
    await this.listen();
    this.run++;
    readOk(
      await this.call('POST', '/reset', {
        config: setup.config,
        queueYaml: renderQueueYaml(setup.config),
        options: optionsByName(setup.config.options), // SPEC §10 by name: the readings config.options holds
        seed: setup.seed,
        epochUs: setup.epochUs,
        handlerUrl: `${this.handlerUrl}/${RUN_PREFIX}${this.run}`,
      }),
      'POST /reset',
    );
  }

  async addTasks(queue: string, tasks: TaskSpec[]): Promise<AddOutcome[]> {
    return readAddResults(await this.call('POST', '/tasks', { queue, tasks }), tasks.length);
  }

  async deleteTask(queue: string, name: string): Promise<OpOutcome> {
    return readOp(await this.call('POST', '/delete', { queue, name }), 'POST /delete');
  }

  async pauseQueue(queue: string): Promise<OpOutcome> {
    return readOp(await this.call('POST', '/pause', { queue }), 'POST /pause');
  }

  async resumeQueue(queue: string): Promise<OpOutcome> {
    return readOp(await this.call('POST', '/resume', { queue }), 'POST /resume');
  }

  async leaseTasks(queue: string, spec: LeaseSpec): Promise<LeaseOutcome> {
    return readLease(await this.call('POST', '/lease', { queue, ...spec }));
  }

  async modifyLease(queue: string, name: string, heldUntilUs: Micros, seconds: number): Promise<ModifyOutcome> {
    return readModify(await this.call('POST', '/modify', { queue, name, leaseUntilUs: heldUntilUs, leaseSeconds: seconds }));
  }

  async advance(ms: number): Promise<void> {
    const r = readAdvance(await this.call('POST', '/advance', { us: Math.round(ms * 1000) }), this.caps?.events === true);
    this.events.push(...r.events);
  }

  async setOutage(on: boolean): Promise<void> {
    readOk(await this.call('POST', '/outage', { on }), 'POST /outage');
  }

  async takeEvents(): Promise<TraceEvent[]> {
    const out = this.events;
    this.events = [];
    return out;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
    await this.agent.close();
  }

  // ---- the harness's handler ---------------------------------------------------------------------

  private async listen(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => void this.onDelivery(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, this.handlerHost, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    this.server = server;
    this.handlerUrl = `http://${this.handlerHost.includes(':') ? `[${this.handlerHost}]` : this.handlerHost}:${port}`;
  }

  private async onDelivery(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
    const time = headers[TIME_HEADER.toLowerCase()];
    const handler = this.handler;
    const m = /^\/r(\d+)(\/.*)?$/.exec(req.url ?? '');
    if (!handler || !m || Number(m[1]) !== this.run) {
      // Not for this run (a late delivery of an earlier one): acknowledged and dropped.
      res.writeHead(handler ? 200 : 503, { 'Content-Length': '0' }).end();
      return;
    }
    const answer = await handler({
      method: req.method ?? 'POST',
      url: m[2] ?? '/',
      headers,
      body: Buffer.concat(chunks),
      ...(time !== undefined && /^\d+$/.test(time) ? { atUs: Number(time) } : {}),
    });
    if (answer.outcome === 'net') {
      req.socket.destroy(); // HANDLER-2: a connection failure
      return;
    }
    // A latency past the deadline means the request missed it (DEADLINE-2), whatever the status.
    res.writeHead(answer.status || 200, { [LATENCY_HEADER]: String(answer.latencyUs), 'Content-Length': '0' }).end();
  }

  // ---- requests ---------------------------------------------------------------------------------

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const what = `${method} ${path}`;
    let status: number;
    let text: string;
    try {
      const res = await request(this.baseUrl + path, {
        method,
        dispatcher: this.agent,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      const code = (err as { code?: string; cause?: { code?: string } }).code ?? (err as { cause?: { code?: string } }).cause?.code ?? '';
      const why = `${code || (err as Error).name}${(err as Error).message ? `: ${(err as Error).message}` : ''}`;
      if (!this.reached || CONNECT_ERRORS.has(code)) {
        throw new AdapterUnreachable(`cannot reach the queue adapter at ${this.baseUrl} (${what}): ${why}`);
      }
      if ((err as Error).name === 'TimeoutError' || code.includes('TIMEOUT')) {
        throw new AdapterProtocolError(`${what} did not answer within ${this.timeoutMs} ms`);
      }
      throw new AdapterProtocolError(`${what} failed: ${why}`);
    }
    this.reached = true;
    if (status < 200 || status > 299) throw new AdapterProtocolError(`${what} answered HTTP ${status}: ${shown(text.slice(0, 200))}`);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new AdapterProtocolError(`${what} answered something that is not JSON: ${shown(text.slice(0, 200))}`);
    }
  }
}
