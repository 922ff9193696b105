/**
 * `http://host:port`: a queue in any language, driven through the HTTP/JSON protocol
 * (HTTP-JSON-PROTOCOL.md). The harness side of it: every call is one JSON request with a timeout,
 * and the harness hosts the handler the queue delivers to (a plain HTTP server on `handlerHost`,
 * port 0), answering with the statuses the fuzzer chooses, or by resetting the connection.
 *
 * Failures are sorted for the CLI: cannot connect before the campaign → AdapterUnreachable (exit 3);
 * a handler host that cannot be bound → AdapterSetupError (bad input, exit 2); anything the protocol
 * does not allow (non-JSON, wrong shape, HTTP error, no answer in time, an answer or a delivery past
 * its size cap, a delivery aborted mid-body, the connection lost mid-run) → AdapterProtocolError, a
 * verdict on the queue. Every read is capped in size and bounded in time.
 *
 * It speaks `tasksim-queue/2` to a queue that answers with it (a namespace per run, what the queue
 * lacks, queue names mapped back from its headers), and /1 to a queue that answers with /1.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import type { TraceEvent } from '../sim/events.js';
import type { Micros } from '../sim/time.js';
import {
  AdapterProtocolError,
  AdapterSetupError,
  AdapterUnreachable,
  type AddOutcome,
  type Capabilities,
  type LeaseOutcome,
  type LeaseSpec,
  type ModifyOutcome,
  type OpOutcome,
  type PushHandler,
  type QueueUnderTest,
  type RunSetup,
  type TaskSpec,
} from './contract.js';
import {
  LATENCY_HEADER,
  MAX_ANSWER_BYTES,
  MAX_DELIVERY_BYTES,
  PROTOCOL,
  PROTOCOL_V1,
  TIME_HEADER,
  readAddResults,
  readAdvance,
  readHello,
  readLease,
  exchange,
  readCapped,
  readModify,
  readOk,
  readOp,
  readReset,
  shown,
  type ProtocolVersion,
} from './http-json-wire.js';
import { renderQueueYaml } from './queue-yaml-text.js';
import { optionsByName } from '../model/options.js';

export interface HttpJsonOptions {
  /** Per request, connect included, and per delivery body. Default 10 s (TIMEOUT_RANGE_MS). */
  timeoutMs?: number;
  /** Where the harness's handler listens (the queue must reach it). Default 127.0.0.1. */
  handlerHost?: string;
}

/** The timeouts a user may give (--timeout): a zero or a day-long wait is a mistake. */
export const TIMEOUT_RANGE_MS = { min: 1, max: 600_000 } as const;

/** Handler paths are `/r<run><task URL>`: the run tells a late delivery of an earlier run apart. */
const RUN_PREFIX = 'r';

const CONNECT_ERRORS = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

export class HttpJsonQueue implements QueueUnderTest {
  readonly name: string;
  private readonly timeoutMs: number;
  private readonly handlerHost: string;
  private readonly agent: Agent;
  private caps: Capabilities | undefined;
  private version: ProtocolVersion = PROTOCOL_V1;
  /** /2: the queue's names for the model's queues (its headers), mapped back. */
  private queueNamesBack = new Map<string, string>();
  /** What went wrong with a delivery of the current run; the next call reports it as a verdict. */
  private deliveryFault: string | undefined;
  private handler: PushHandler | undefined;
  private server: Server | undefined;
  private handlerUrl = '';
  /** Each reset gets its own path prefix on the handler, so a late delivery of an earlier run is dropped. */
  private run = 0;
  /** Names this campaign apart from earlier ones (a real service never frees a namespace). */
  private readonly campaign = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  private events: TraceEvent[] = [];
  private reached = false;

  constructor(
    readonly baseUrl: string,
    opts: HttpJsonOptions = {},
  ) {
    this.name = baseUrl;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.handlerHost = opts.handlerHost ?? '127.0.0.1';
    this.agent = new Agent({
      connect: { timeout: this.timeoutMs },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
  }

  /** Binds the harness's handler first (a bad --handler-host is the user's, not the queue's), then asks. */
  async describe(): Promise<Capabilities> {
    if (this.caps) return this.caps;
    await this.listen();
    const hello = readHello(await this.call('GET', '/'));
    this.version = hello.version;
    this.caps = hello.caps;
    return this.caps;
  }

  async reset(setup: RunSetup): Promise<void> {
    await this.describe();
    this.handler = setup.handler;
    this.events = [];
    this.run++;
    this.deliveryFault = undefined;
    const body: Record<string, unknown> = {
      config: setup.config,
      queueYaml: renderQueueYaml(setup.config),
      options: optionsByName(setup.config.options), // SPEC §10 by name: the readings config.options holds
      seed: setup.seed,
      epochUs: setup.epochUs,
      handlerUrl: `${this.handlerUrl}/${RUN_PREFIX}${this.run}`,
    };
    if (this.version === PROTOCOL) body.namespace = setup.namespace ?? `t${this.campaign}-${RUN_PREFIX}${this.run}`;
    const answer = await this.call('POST', '/reset', body);
    if (this.version === PROTOCOL_V1) return readOk(answer, 'POST /reset');
    const names = readReset(answer).queueNames ?? {};
    this.queueNamesBack = new Map(Object.entries(names).map(([model, theirs]) => [theirs, model]));
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
    return readModify(
      await this.call('POST', '/modify', { queue, name, leaseUntilUs: heldUntilUs, leaseSeconds: seconds }),
    );
  }

  async advance(us: Micros): Promise<void> {
    const r = readAdvance(await this.call('POST', '/advance', { us: Math.round(us) }), this.caps?.events === true);
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
    const server = createServer((req, res) => {
      this.onDelivery(req, res).catch((err: unknown) =>
        this.deliveryFailed(req, res, `the delivery failed: ${(err as Error).message}`),
      );
    });
    server.on('clientError', (_err, socket) => socket.destroy());
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, this.handlerHost, () => resolve());
      });
    } catch (err) {
      throw new AdapterSetupError(
        `cannot listen for deliveries on --handler-host ${this.handlerHost}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} (give an address of this machine the queue can reach, e.g. 127.0.0.1)`,
      );
    }
    const port = (server.address() as AddressInfo).port;
    this.server = server;
    this.handlerUrl = `http://${this.handlerHost.includes(':') ? `[${this.handlerHost}]` : this.handlerHost}:${port}`;
  }

  private async onDelivery(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const handler = this.handler;
    const m = /^\/r(\d+)(\/.*)?$/.exec(req.url ?? '');
    const current = handler !== undefined && m !== null && Number(m[1]) === this.run;
    const body = await readCapped(req, MAX_DELIVERY_BYTES, this.timeoutMs);
    if (typeof body === 'string') {
      // Aborted mid-body, too large, or too slow: a verdict on this run (the next call reports it).
      if (current) this.deliveryFault = `a delivery to ${m![2] ?? '/'} ${body}`;
      res.destroy(); // the response's end holds the connection: destroying it closes the connection
      return;
    }
    if (!current) {
      // Not for this run (a late delivery of an earlier one): acknowledged and dropped.
      res.writeHead(handler ? 200 : 503, { 'Content-Length': '0' }).end();
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
    const qn = headers['x-appengine-queuename'];
    if (qn !== undefined && this.queueNamesBack.has(qn))
      headers['x-appengine-queuename'] = this.queueNamesBack.get(qn)!;
    const time = headers[TIME_HEADER.toLowerCase()];
    const answer = await handler({
      method: req.method ?? 'POST',
      url: m[2] ?? '/',
      headers,
      body,
      ...(time !== undefined && /^\d+$/.test(time) ? { atUs: Number(time) } : {}),
    });
    if (answer.outcome === 'net') {
      req.socket?.destroy(); // HANDLER-2: a connection failure
      return;
    }
    // A latency past the deadline means the request missed it (DEADLINE-2), whatever the status.
    res.writeHead(answer.status || 200, { [LATENCY_HEADER]: String(answer.latencyUs), 'Content-Length': '0' }).end();
  }

  private deliveryFailed(req: IncomingMessage, res: ServerResponse, why: string): void {
    const m = /^\/r(\d+)/.exec(req.url ?? '');
    if (m && Number(m[1]) === this.run) this.deliveryFault ??= why;
    res.destroy();
  }

  // ---- requests ---------------------------------------------------------------------------------

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const what = `${method} ${path}`;
    if (this.deliveryFault !== undefined) {
      const fault = this.deliveryFault;
      this.deliveryFault = undefined;
      throw new AdapterProtocolError(fault);
    }
    const r = await exchange(this.agent, this.baseUrl + path, {
      method,
      body,
      timeoutMs: this.timeoutMs,
      cap: MAX_ANSWER_BYTES,
    });
    if (!r.ok) {
      if ('badBody' in r)
        throw new AdapterProtocolError(`${what} answered a body that ${r.badBody.replace(/^the body /, '')}`);
      const { code, error } = r;
      const why = `${code || error.name}${error.message ? `: ${error.message}` : ''}`;
      if (!this.reached)
        throw new AdapterUnreachable(`cannot reach the queue adapter at ${this.baseUrl} (${what}): ${why}`);
      if (r.timedOut) throw new AdapterProtocolError(`${what} did not answer within ${this.timeoutMs} ms`);
      // It answered before: losing it now is a violation of the protocol, not "unreachable".
      if (CONNECT_ERRORS.has(code)) throw new AdapterProtocolError(`connection lost mid-run: ${what} failed (${why})`);
      throw new AdapterProtocolError(`${what} failed: ${why}`);
    }
    const { status, text } = r;
    this.reached = true;
    if (status < 200 || status > 299)
      throw new AdapterProtocolError(`${what} answered HTTP ${status}: ${shown(text.slice(0, 200))}`);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new AdapterProtocolError(`${what} answered something that is not JSON: ${shown(text.slice(0, 200))}`);
    }
  }
}
