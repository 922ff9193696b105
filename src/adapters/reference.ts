/**
 * `reference`: the engine itself behind the adapter contract. It runs in external mode, so every
 * push delivery goes to the harness's handler and the handler's answer (status, outcome, latency)
 * comes back through `Engine.complete`. We chose that over scripted outcomes because the same code
 * then serves as the fuzzer's model, the in-process reference, the HTTP reference server, and the
 * base class of every mutant: the harness alone decides what the handler says, for all of them.
 *
 * Mutants override the protected hooks (config, service model, task, request, answer, events).
 */
import type { ResolvedConfig } from '../model/config.js';
import { Engine } from '../model/engine.js';
import { TaskQueueError } from '../model/errors.js';
import type { Delivery, DeliveryResult, NewTask, ServiceModel } from '../model/types.js';
import { UNLIMITED_SERVICE } from '../model/types.js';
import type { TraceEvent } from '../sim/events.js';
import type { Micros } from '../sim/time.js';
import { US_PER_MS } from '../sim/time.js';
import type {
  AddError, AddOutcome, Capabilities, HandlerAnswer, LeaseOutcome, LeaseSpec, ModifyError, ModifyOutcome, OpOutcome,
  PushHandler, PushRequest, QueueUnderTest, RunSetup, TaskSpec,
} from './contract.js';

const EMPTY = new Uint8Array(0);

export class ReferenceQueue implements QueueUnderTest {
  protected engine!: Engine;
  protected handler!: PushHandler;
  /** The configuration the harness asked for (mutants may run the engine on another). */
  protected config!: ResolvedConfig;
  private events: TraceEvent[] = [];
  /** Extra requests a mutant wants sent after the engine's own (see `sendLater`). */
  private extra: PushRequest[] = [];

  constructor(readonly name: string = 'reference') {}

  async describe(): Promise<Capabilities> {
    return { controlsClock: true, outages: true, events: true };
  }

  async reset(setup: RunSetup): Promise<void> {
    this.config = setup.config;
    this.handler = setup.handler;
    this.events = [];
    this.extra = [];
    this.engine = new Engine({
      config: this.engineConfig(setup.config),
      seed: setup.seed,
      epochUs: setup.epochUs,
      external: true,
      service: this.serviceModel(),
      sinks: [{ onEvent: (ev) => this.observe(ev) }],
    });
  }

  /** The clock, µs since the run's zero. */
  get nowUs(): Micros {
    return this.engine.now;
  }

  // ---- hooks for mutants ------------------------------------------------------------------------

  protected engineConfig(config: ResolvedConfig): ResolvedConfig {
    return config;
  }

  protected serviceModel(): ServiceModel {
    return UNLIMITED_SERVICE;
  }

  protected toNewTask(spec: TaskSpec): NewTask {
    const t: NewTask = {};
    if (spec.name !== undefined) t.name = spec.name;
    if (spec.etaUs !== undefined) t.etaUs = spec.etaUs;
    if (spec.countdownUs !== undefined) t.countdownUs = spec.countdownUs;
    if (spec.payload !== undefined) t.payload = spec.payload;
    if (spec.method !== undefined) t.method = spec.method;
    if (spec.url !== undefined) t.url = spec.url;
    if (spec.tag !== undefined) t.tag = spec.tag;
    return t;
  }

  /** The HTTP request a delivery becomes (PUSH-1, HDR-1…8). */
  protected request(d: Delivery): PushRequest {
    return { method: d.method, url: d.url, headers: d.headers, body: d.body ?? EMPTY, atUs: this.engine.now };
  }

  /** What the engine is told about the handler's answer. */
  protected toResult(answer: HandlerAnswer, _d: Delivery): DeliveryResult {
    return { status: answer.status, outcome: answer.outcome, latencyUs: answer.latencyUs };
  }

  /** Every event the engine emits, in order. */
  protected observe(ev: TraceEvent): void {
    this.events.push(ev);
  }

  /** Lets a mutant send a request of its own to the handler once the engine's are answered. */
  protected sendLater(req: PushRequest): void {
    this.extra.push(req);
  }

  // ---- the contract -----------------------------------------------------------------------------

  async addTasks(queue: string, tasks: TaskSpec[]): Promise<AddOutcome[]> {
    let results;
    try {
      results = this.engine.addTasks(queue, tasks.map((t) => this.toNewTask(t)));
    } catch (err) {
      return tasks.map(() => refusal(err));
    }
    return results.map((r): AddOutcome =>
      r.ok ? { ok: true, name: r.name! } : { ok: false, error: addErrorKind(r.rule, r.error), rule: r.rule, message: r.error },
    );
  }

  async deleteTask(queue: string, name: string): Promise<OpOutcome> {
    return this.op(() => this.engine.deleteTask(queue, name));
  }

  async pauseQueue(queue: string): Promise<OpOutcome> {
    return this.op(() => this.engine.pauseQueue(queue));
  }

  async resumeQueue(queue: string): Promise<OpOutcome> {
    return this.op(() => this.engine.resumeQueue(queue));
  }

  async leaseTasks(queue: string, spec: LeaseSpec): Promise<LeaseOutcome> {
    let out: LeaseOutcome;
    try {
      const r = this.engine.leaseTasks(queue, spec);
      out = r.ok
        ? { ok: true, tasks: r.tasks.map((t) => ({ name: t.name, leaseUntilUs: t.leaseUntilUs })), capped: r.capped }
        : { ok: false, error: r.error, message: r.rule };
    } catch (err) {
      out = { ok: false, error: errorCode(err), message: (err as Error).message };
    }
    return out;
  }

  async modifyLease(queue: string, name: string, heldUntilUs: Micros, seconds: number): Promise<ModifyOutcome> {
    let out: ModifyOutcome;
    try {
      out = { ok: true, leaseUntilUs: this.engine.modifyLease(queue, name, heldUntilUs, seconds) };
    } catch (err) {
      out = { ok: false, error: modifyErrorKind(err), message: (err as Error).message };
    }
    return out;
  }

  async advance(ms: number): Promise<void> {
    await this.driveTo(this.engine.now + Math.round(ms * US_PER_MS));
  }

  async setOutage(on: boolean): Promise<void> {
    this.engine.setOutage(on);
  }

  async takeEvents(): Promise<TraceEvent[]> {
    return this.takeEventsNow();
  }

  takeEventsNow(): TraceEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  async close(): Promise<void> {
    if (this.engine) await this.engine.end('stopped');
  }

  // ---- driving the engine -----------------------------------------------------------------------

  private async op(fn: () => void): Promise<OpOutcome> {
    let out: OpOutcome = { ok: true };
    try {
      fn();
    } catch (err) {
      out = { ok: false, error: errorCode(err) === 'NOT_FOUND' ? 'NOT_FOUND' : 'INVALID', message: (err as Error).message };
    }
    return out;
  }

  /** Runs the engine to `t`, handing each delivery to the handler and its answer back to the engine. */
  protected async driveTo(t: Micros): Promise<void> {
    for (;;) {
      const r = this.engine.advanceTo(t);
      await this.deliverOutbox();
      if (r !== 'blocked') return;
    }
  }

  /**
   * Runs until nothing is left to do (or `limitUs`), for the harness's drain. Returns the time of the
   * last thing that happened, and whether the engine went idle.
   */
  async runToIdle(limitUs: Micros): Promise<{ atUs: Micros; idle: boolean }> {
    for (;;) {
      const r = this.engine.run({ untilUs: limitUs });
      await this.deliverOutbox();
      if (r === 'blocked') continue;
      return { atUs: this.engine.now, idle: r === 'idle' };
    }
  }

  private async deliverOutbox(): Promise<void> {
    const out = this.engine.takeDeliveries();
    for (const d of out) {
      const answer = await this.handler(this.request(d));
      this.engine.complete(d.key, this.toResult(answer, d));
    }
    while (this.extra.length > 0) await this.handler(this.extra.shift()!);
  }
}

function errorCode(err: unknown): string {
  if (err instanceof TaskQueueError) return err.code;
  throw err;
}

function refusal(err: unknown): AddOutcome {
  const e = err as TaskQueueError;
  return { ok: false, error: 'INVALID', rule: e.rule, message: (errorCode(err), e.message) };
}

/** TASK-2's two refusals are told apart by the engine's message; everything else is INVALID. */
function addErrorKind(rule: string | undefined, message: string | undefined): AddError {
  if (rule !== 'TASK-2') return 'INVALID';
  return /tombstoned/i.test(message ?? '') ? 'TOMBSTONED' : 'ALREADY_EXISTS';
}

function modifyErrorKind(err: unknown): ModifyError {
  const code = errorCode(err);
  return code === 'LEASE_EXPIRED' || code === 'LEASE_MISMATCH' || code === 'NOT_FOUND' ? code : 'INVALID';
}
