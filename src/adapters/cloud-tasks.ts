/**
 * `cloud-tasks://HOST:PORT` (gRPC) and `cloud-tasks+rest://HOST:PORT` (REST): a Cloud Tasks service
 * (tasksim serve, or any emulator of the v2 API) driven through the official client
 * (@google-cloud/tasks, either transport: cloud-tasks-transport.ts), with no glue code.
 *
 *  - Each run gets fresh queues, named `t<campaign>-<run>-<queue>` (a service never frees a name):
 *    CreateQueue with the run's rate limits and retry config (CT-1); the previous run's are deleted.
 *  - Tasks are App Engine tasks (CT-2): the service delivers them to its App Engine host, where the
 *    harness's handler listens (cloud-tasks-listener.ts); the queue's name in X-AppEngine-QueueName
 *    is mapped back to the model's, and a delivery of an earlier run is answered and dropped.
 *  - Delete, pause, resume and RunTask (CT-4) are their API calls; refusals are outcomes (CT-6).
 *  - With a clock control address (`?clock=`) the harness moves the service's clock: a delivery is
 *    answered only inside `advance` (the contract: only advance delivers), its instant read from the
 *    clock, and its ETA header moved onto the run's own epoch. Without it, the wall clock.
 *
 * What a Cloud Tasks service lacks is declared, so the generators never ask for it: pull queues
 * (v2 has none), outages, its own trace (events), answers past the deadline (minutes of real time),
 * queue.yaml (queues come from CT-1's fields and the cloud-tasks profile) and, on its virtual clock,
 * time for an answer to take.
 *
 * Every call has a deadline. Before the first answer, a service that cannot be reached is
 * AdapterUnreachable (exit 3); after it, a lost service or an answer outside the API is an
 * AdapterProtocolError (a verdict).
 */
import * as grpc from '@grpc/grpc-js';
import { etaMicros } from '../fuzz/differences.js';
import { formatEpochSeconds, type Micros } from '../sim/time.js';
import {
  AdapterProtocolError,
  AdapterSetupError,
  AdapterUnreachable,
  type AddOutcome,
  type Capabilities,
  type Feature,
  type LeaseOutcome,
  type ModifyOutcome,
  type OpOutcome,
  type PushHandler,
  type PushRequest,
  type PushAnswer,
  type QueueUnderTest,
  type RunSetup,
  type TaskSpec,
} from './contract.js';
import { apiName, type CloudTasksAddress } from './cloud-tasks-address.js';
import { ClockCallFailed, ClockControlClient } from './cloud-tasks-clock.js';
import { withinDeadline } from './cloud-tasks-deadline.js';
import { DeliveryListener } from './cloud-tasks-listener.js';
import { GRPC, addRefusal, opRefusal, queueMessage, taskMessage, type GrpcFailure } from './cloud-tasks-messages.js';
import { callFailure, cloudTasksClient, type CloudTasksClient } from './cloud-tasks-transport.js';

export interface CloudTasksOptions {
  /** Per call (and per delivery body). Default 10 s. */
  timeoutMs?: number;
  /** A handler already listening where the service delivers (tests bind it first, on port 0). */
  listener?: DeliveryListener;
}

type Client = CloudTasksClient;
type Rpc<T> = { ok: true; value: T } | { ok: false; failure: GrpcFailure };

const NOT_PULL = 'the Cloud Tasks adapter has no pull queues (it declares it lacks them)';

export class CloudTasksQueue implements QueueUnderTest {
  readonly name: string;
  private readonly timeoutMs: number;
  private readonly virtual: boolean;
  private client: Client | undefined;
  private clock: ClockControlClient | undefined;
  private listener: DeliveryListener | undefined;
  private readonly ownsListener: boolean;
  private caps: Capabilities | undefined;
  /** The service has answered once: from then on, losing it is a verdict, not "unreachable". */
  private reached = false;
  /** Names this campaign's queues apart from every earlier one's. */
  private readonly campaign = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  private run = 0;
  /** The model's queue → the service's queue id, and back. */
  private ids = new Map<string, string>();
  private back = new Map<string, string>();
  private handler: PushHandler | undefined;
  /** The run's zero as the service's Unix µs, and as the harness's (ETA headers move from one to the other). */
  private zeroUs = 0;
  private epochUs = 0;
  /** Virtual clock: µs since the run's zero. */
  private nowUs = 0;
  /** Virtual clock: deliveries are answered only while an advance is in progress. */
  private advancing = false;
  private parked: (() => void)[] = [];

  constructor(
    readonly address: CloudTasksAddress,
    opts: CloudTasksOptions = {},
  ) {
    this.name = apiName(address);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.virtual = address.clockUrl !== undefined;
    this.listener = opts.listener;
    this.ownsListener = opts.listener === undefined;
  }

  private get parent(): string {
    return `projects/${this.address.project}/locations/${this.address.location}`;
  }

  private queuePath(id: string): string {
    return `${this.parent}/queues/${id}`;
  }

  async describe(): Promise<Capabilities> {
    if (this.caps) return this.caps;
    this.listener ??= await DeliveryListener.listen(this.address.handlerHost, this.address.handlerPort, this.timeoutMs);
    this.listener.route = (req) => this.onDelivery(req);
    this.client ??= cloudTasksClient(this.address, this.timeoutMs);
    const client = this.client;
    const listed = await this.rpc('ListQueues', (o) =>
      client.listQueues({ parent: this.parent, pageSize: 1 }, { ...o, autoPaginate: false }),
    );
    if (!listed.ok)
      throw new AdapterProtocolError(`ListQueues ${this.parent} was refused: ${describeFailure(listed.failure)}`);
    if (this.address.clockUrl !== undefined) await this.checkClock(this.address.clockUrl);
    const lacking: Feature[] = ['pull', 'deadlines', 'queueYaml'];
    if (this.virtual) lacking.push('latency');
    this.caps = { controlsClock: this.virtual, outages: false, events: false, lacks: lacking };
    return this.caps;
  }

  private async checkClock(url: string): Promise<void> {
    this.clock = new ClockControlClient(url, this.timeoutMs);
    let reading;
    try {
      reading = await this.clock.now();
    } catch (err) {
      if (err instanceof ClockCallFailed && err.connect)
        throw new AdapterUnreachable(`cannot reach the clock control at ${url}: ${err.message}`);
      throw new AdapterProtocolError(`the clock control at ${url}: ${(err as Error).message}`);
    }
    if (reading.clock !== 'virtual') {
      throw new AdapterSetupError(
        `the clock at ${url} is ${reading.clock}: start tasksim serve with --clock virtual, or leave out ?clock= to fuzz on the wall clock`,
      );
    }
  }

  async reset(setup: RunSetup): Promise<void> {
    await this.describe();
    const previous = [...this.ids.values()];
    this.run++;
    this.releaseParked(); // deliveries of the run that ended are answered and dropped
    this.ids = new Map();
    this.back = new Map();
    this.handler = setup.handler;
    await this.dropQueues(previous);
    this.epochUs = setup.epochUs;
    this.nowUs = 0;
    if (this.virtual) this.zeroUs = await this.readClock();
    const prefix = `t${this.campaign}-${this.run}-`;
    await Promise.all(
      setup.config.queues.map(async (q) => {
        if (q.mode !== 'push') throw new AdapterProtocolError(`queue ${q.name}: ${NOT_PULL}`);
        const id = `${prefix}${q.name}`;
        const client = this.client!;
        const r = await this.rpc('CreateQueue', (o) =>
          client.createQueue(
            { parent: this.parent, queue: queueMessage(this.queuePath(id), q, setup.config.options) },
            o,
          ),
        );
        if (!r.ok)
          throw new AdapterProtocolError(
            `CreateQueue ${id} (the model's ${q.name}) was refused: ${describeFailure(r.failure)}`,
          );
        this.ids.set(q.name, id);
        this.back.set(id, q.name);
      }),
    );
    // Wall clock: the run starts when its reset is answered (the harness's zero too), not at its epoch.
    if (!this.virtual) this.zeroUs = unixNowUs();
  }

  async addTasks(queue: string, tasks: TaskSpec[]): Promise<AddOutcome[]> {
    const id = this.ids.get(queue);
    const out: AddOutcome[] = [];
    for (const spec of tasks) {
      if (id === undefined) {
        out.push({ ok: false, error: 'INVALID', message: `no queue ${queue} in this run` });
        continue;
      }
      const client = this.client!;
      const task = taskMessage(this.queuePath(id), queue, spec, this.scheduleOf(spec));
      const r = await this.rpc('CreateTask', (o) => client.createTask({ parent: this.queuePath(id), task }, o));
      if (r.ok) {
        const name = String(r.value[0].name ?? '');
        out.push({ ok: true, name: name.slice(name.lastIndexOf('/') + 1) });
        continue;
      }
      const refusal = addRefusal(r.failure);
      if (!refusal) throw new AdapterProtocolError(`CreateTask in ${id} failed: ${describeFailure(r.failure)}`);
      out.push(refusal);
    }
    return out;
  }

  /** PUSH-4: the ETA as the service's Unix µs; a countdown from its now (virtual) or the wall clock. */
  private scheduleOf(spec: TaskSpec): Micros | undefined {
    if (spec.etaUs !== undefined) return this.zeroUs + spec.etaUs;
    if (!spec.countdownUs) return undefined;
    const now = this.virtual ? this.zeroUs + this.nowUs : unixNowUs();
    return now + spec.countdownUs;
  }

  deleteTask(queue: string, name: string): Promise<OpOutcome> {
    return this.op('DeleteTask', queue, (c, path, o) => c.deleteTask({ name: `${path}/tasks/${name}` }, o));
  }

  pauseQueue(queue: string): Promise<OpOutcome> {
    return this.op('PauseQueue', queue, (c, path, o) => c.pauseQueue({ name: path }, o));
  }

  resumeQueue(queue: string): Promise<OpOutcome> {
    return this.op('ResumeQueue', queue, (c, path, o) => c.resumeQueue({ name: path }, o));
  }

  runTask(queue: string, name: string): Promise<OpOutcome> {
    return this.op('RunTask', queue, (c, path, o) => c.runTask({ name: `${path}/tasks/${name}` }, o));
  }

  private async op(
    what: string,
    queue: string,
    call: (c: Client, path: string, o: CallOpts) => Promise<unknown>,
  ): Promise<OpOutcome> {
    const id = this.ids.get(queue);
    if (id === undefined) return { ok: false, error: 'NOT_FOUND', message: `no queue ${queue} in this run` };
    const client = this.client!;
    const r = await this.rpc(what, (o) => call(client, this.queuePath(id), o));
    if (r.ok) return { ok: true };
    const refusal = opRefusal(r.failure);
    if (!refusal) throw new AdapterProtocolError(`${what} in ${id} failed: ${describeFailure(r.failure)}`);
    return refusal;
  }

  async leaseTasks(): Promise<LeaseOutcome> {
    return { ok: false, error: 'INVALID', message: NOT_PULL };
  }

  async modifyLease(): Promise<ModifyOutcome> {
    return { ok: false, error: 'INVALID', message: NOT_PULL };
  }

  /** Virtual clock: moves the service's clock; its deliveries are answered while it moves. Wall clock: nothing to do. */
  async advance(by: Micros): Promise<void> {
    this.takeFault();
    if (!this.virtual) return;
    const us = Math.round(by);
    this.advancing = true;
    this.releaseParked();
    try {
      await this.clockCall(() => this.clock!.advance(us, this.timeoutMs * 6));
    } finally {
      this.advancing = false;
    }
    this.nowUs += us;
    this.takeFault();
  }

  async setOutage(): Promise<void> {
    throw new AdapterProtocolError('the Cloud Tasks adapter has no outages (it declares it lacks them)');
  }

  async takeEvents(): Promise<[]> {
    return [];
  }

  async close(): Promise<void> {
    const last = [...this.ids.values()];
    this.run++;
    this.handler = undefined;
    this.releaseParked();
    // The last run's queues go too, so the service stops delivering to a handler that is gone.
    if (this.client && this.reached) await this.dropQueues(last).catch(() => {});
    await this.client?.close().catch(() => {});
    await this.clock?.close().catch(() => {});
    if (this.ownsListener) await this.listener?.close();
  }

  // ---- deliveries -------------------------------------------------------------------------------

  private async onDelivery(req: PushRequest): Promise<PushAnswer | undefined> {
    const qn = req.headers['x-appengine-queuename'];
    const model = qn === undefined ? undefined : this.back.get(qn);
    const handler = this.handler;
    if (model === undefined || handler === undefined) return undefined; // an earlier run's, or nobody's
    const run = this.run;
    if (this.virtual && !this.advancing) await new Promise<void>((r) => this.parked.push(r));
    if (run !== this.run) return undefined;
    const headers: Record<string, string> = { ...req.headers, 'x-appengine-queuename': model };
    const eta = headers['x-appengine-tasketa'];
    const etaUs = etaMicros(eta);
    if (!Number.isNaN(etaUs)) headers['x-appengine-tasketa'] = formatEpochSeconds(etaUs - this.zeroUs + this.epochUs);
    // Virtual clock: the service is held at the dispatch's instant until this delivery is answered.
    const atUs = this.virtual ? (await this.clockCall(() => this.clock!.now())).nowUs - this.zeroUs : undefined;
    return handler({ ...req, headers, ...(atUs !== undefined ? { atUs } : {}) });
  }

  private releaseParked(): void {
    for (const r of this.parked.splice(0)) r();
  }

  private takeFault(): void {
    const fault = this.listener?.fault;
    if (fault === undefined) return;
    this.listener!.fault = undefined;
    throw new AdapterProtocolError(fault);
  }

  // ---- calls ------------------------------------------------------------------------------------

  private async readClock(): Promise<Micros> {
    return (await this.clockCall(() => this.clock!.now())).nowUs;
  }

  private async clockCall<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new AdapterProtocolError(`the clock control: ${(err as Error).message}`);
    }
  }

  /**
   * One API call with a deadline and no retries: its value, a refusal (a gRPC status), or a thrown
   * adapter error. The deadline is the adapter's own (cloud-tasks-deadline.ts), on either transport;
   * the client's `timeout` stays as the gRPC call's deadline, which the service sees too.
   */
  private async rpc<T>(what: string, fn: (o: CallOpts) => Promise<T>): Promise<Rpc<T>> {
    this.takeFault();
    try {
      const value = await withinDeadline(this.timeoutMs, () => fn({ timeout: this.timeoutMs, retry: null }));
      this.reached = true;
      return { ok: true, value };
    } catch (err) {
      const f = callFailure(err);
      const where = `${this.address.host}:${this.address.port}`;
      if (f === undefined) throw new AdapterProtocolError(`${what} failed: ${(err as Error).message}`);
      if (f.code === GRPC.UNAVAILABLE || f.code === GRPC.DEADLINE_EXCEEDED) {
        if (!this.reached)
          throw new AdapterUnreachable(`cannot reach the Cloud Tasks API at ${where} (${what}): ${describeFailure(f)}`);
        throw new AdapterProtocolError(`connection lost mid-run: ${what} failed (${describeFailure(f)})`);
      }
      this.reached = true;
      return { ok: false, failure: f };
    }
  }

  /** Best effort: a queue of an ended run that cannot be deleted is left behind, not a verdict. */
  private async dropQueues(ids: string[]): Promise<void> {
    const client = this.client!;
    await Promise.all(
      ids.map((id) => this.rpc('DeleteQueue', (o) => client.deleteQueue({ name: this.queuePath(id) }, o))),
    );
  }
}

interface CallOpts {
  timeout: number;
  retry: null;
}

const CODE_NAMES = Object.fromEntries(
  Object.entries(grpc.status)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => [v, k]),
) as Record<number, string>;

function describeFailure(f: GrpcFailure): string {
  return `${CODE_NAMES[f.code] ?? `code ${f.code}`}: ${f.details}`;
}

/** The wall clock as Unix µs, on the clock the harness's epoch is read from (clock.ts). */
function unixNowUs(): Micros {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}
