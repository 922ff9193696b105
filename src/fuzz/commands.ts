/**
 * The fast-check commands of a fuzz run. Each refers to queues, tasks and leases by index (resolved
 * at run time against the configuration and what exists), so any sequence is valid for any
 * configuration and shrinking can drop commands freely. Names come from a tiny pool so adds collide
 * (TASK-2); one invalid name and one oversized payload probe TASK-1/TASK-3.
 */
import fc from 'fast-check';
import { QuickArbitrary, RECORD_PROTOTYPE_DRAW, pick, skipPrototypeDraw } from './record-draw.js';
import type { LeaseSpec, TaskSpec } from '../adapters/contract.js';
import { US_PER_MS, formatDuration } from '../sim/time.js';
import { lacks, type Capabilities } from '../adapters/contract.js';
import { BEHAVIOURS, WALL_CLOCK_BEHAVIOURS, fitBehaviour, type Behaviour } from './behaviour.js';
import type { Lockstep } from './lockstep.js';
import type { TaskEntry } from './task-book.js';

/** What `check` may look at: the run's shape, known before the commands. */
export interface FuzzModel {
  pull: boolean;
  outages: boolean;
}

type Cmd = fc.AsyncCommand<FuzzModel, Lockstep>;

/**
 * Every command logs itself as run, with queues and tasks resolved, for the counterexample: as a
 * function that prints the line, called only when a failure reads the log.
 */
abstract class Base implements Cmd {
  check(_m: Readonly<FuzzModel>): boolean {
    return true;
  }
  /** Not async where it only hands on Lockstep's promise: one promise a command, not two. */
  abstract run(m: FuzzModel, r: Lockstep): Promise<void>;
  abstract toString(): string;
}

interface TaskArgs {
  name: string | undefined;
  /** ms; how the ETA is given. */
  delayMs: number;
  eta: 'countdown' | 'absolute' | 'past';
  method: 'POST' | 'PUT';
  payload: string;
  tag: string | undefined;
  url: string | undefined;
}

const OVERSIZED = 'x'.repeat(100 * 1024 + 1); // TASK-3: one byte past a push task's limit

class AddCommand extends Base {
  constructor(
    readonly pull: boolean,
    readonly queue: number,
    readonly tasks: TaskArgs[],
  ) {
    super();
  }
  override check(m: Readonly<FuzzModel>): boolean {
    return !this.pull || m.pull;
  }
  run(_m: FuzzModel, r: Lockstep): Promise<void> {
    const list = this.pull ? r.pullQueues : r.pushQueues;
    const q = list[this.queue % list.length];
    const specs = this.tasks.map((t) => toSpec(t, r.now, this.pull));
    r.note(() => `add to ${q}: ${this.tasks.map(describeTask).join('; ')}`);
    return r.add(q, specs, this.pull ? 'pull' : 'push');
  }
  toString(): string {
    return `add(${this.pull ? 'pull' : 'push'}#${this.queue}, ${this.tasks.map(describeTask).join('; ')})`;
  }
}

function toSpec(t: TaskArgs, now: number, pull: boolean): TaskSpec {
  const spec: TaskSpec = {};
  if (t.name !== undefined) spec.name = t.name;
  const d = t.delayMs * US_PER_MS;
  if (t.eta === 'countdown') spec.countdownUs = d;
  else if (t.eta === 'absolute') spec.etaUs = now + d;
  else spec.etaUs = Math.max(0, now - d);
  if (t.payload !== '') spec.payload = t.payload;
  if (!pull) {
    spec.method = t.method;
    if (t.url !== undefined) spec.url = t.url;
  } else if (t.tag !== undefined) {
    spec.tag = t.tag;
  }
  return spec;
}

/** One task of an add, as the counterexample prints it. */
function describeTask(t: TaskArgs): string {
  let text = t.name === undefined ? '(unnamed)' : JSON.stringify(t.name);
  if (t.delayMs > 0 || t.eta !== 'countdown')
    text +=
      t.eta === 'past' ? ` eta ${t.delayMs}ms ago` : ` ${t.eta === 'countdown' ? 'countdown' : 'eta +'}${t.delayMs}ms`;
  if (t.payload === OVERSIZED) text += ' payload 100KiB+1';
  else if (t.payload !== '') text += ` payload ${JSON.stringify(t.payload)}`;
  if (t.method !== 'POST') text += ` ${t.method}`;
  if (t.url !== undefined) text += ` url ${t.url}`;
  if (t.tag !== undefined) text += ` tag ${t.tag}`;
  return text;
}

class LeaseCommand extends Base {
  constructor(
    readonly queue: number,
    readonly spec: LeaseSpec,
  ) {
    super();
  }
  override check(m: Readonly<FuzzModel>): boolean {
    return m.pull;
  }
  run(_m: FuzzModel, r: Lockstep): Promise<void> {
    const q = r.pullQueues[this.queue % r.pullQueues.length];
    r.note(() => `${this.toString()} on ${q}`);
    return r.lease(q, this.spec);
  }
  toString(): string {
    const s = this.spec;
    const how =
      s.tag !== undefined
        ? `lease_tasks_by_tag(tag ${s.tag}, `
        : s.byTag
          ? 'lease_tasks_by_tag(oldest tag, '
          : 'lease_tasks(';
    return `${s.worker}: ${how}${s.leaseSeconds}s, max ${s.maxTasks})`;
  }
}

/** Targets a pull task by name, or by its ordinal among unnamed adds to the queue (stable while shrinking). */
class ModifyCommand extends Base {
  constructor(
    readonly name: string | undefined,
    readonly ordinal: number,
    readonly seconds: number,
  ) {
    super();
  }
  override check(m: Readonly<FuzzModel>): boolean {
    return m.pull;
  }
  async run(_m: FuzzModel, r: Lockstep): Promise<void> {
    const q = r.pullQueues[0];
    const e = this.name !== undefined ? r.book.findByName(q, this.name) : r.book.unnamedIn(q, this.ordinal);
    const leased = e !== undefined && r.held.some((h) => h.key === e.key);
    r.note(() =>
      leased
        ? `modify_task_lease(${r.book.label(e!.key)}, ${this.seconds}s)${this.seconds === 0 ? ' (release)' : ''}`
        : `${this.toString()} (never leased: nothing to do)`,
    );
    if (leased) await r.modify(e!.key, this.seconds);
  }
  toString(): string {
    return `modify_task_lease(${this.name !== undefined ? JSON.stringify(this.name) : `unnamed #${this.ordinal}`}, ${this.seconds}s)`;
  }
}

/** Deletes by name (stable while shrinking: removing other adds does not change the target), or the index-th task. */
class DeleteCommand extends Base {
  constructor(
    readonly pull: boolean,
    readonly queue: number,
    readonly name: string | undefined,
    readonly task: number,
  ) {
    super();
  }
  override check(m: Readonly<FuzzModel>): boolean {
    return !this.pull || m.pull;
  }
  async run(_m: FuzzModel, r: Lockstep): Promise<void> {
    if (this.name !== undefined) {
      const list = this.pull ? r.pullQueues : r.pushQueues;
      const q = list[this.queue % list.length];
      r.note(() => `delete ${q}/${this.name}`);
      return r.deleteNamed(q, this.name);
    }
    const list = this.pull ? r.pullQueues : r.pushQueues;
    const q = list[this.queue % list.length];
    const e = r.book.unnamedIn(q, this.task);
    r.note(() => (e ? `delete ${r.book.label(e.key)}` : `${this.toString()} (no unnamed task in ${q}: nothing to do)`));
    await r.deleteUnnamed(q, this.task);
  }
  toString(): string {
    return `delete(${this.pull ? 'pull' : 'push'}#${this.queue}/${this.name !== undefined ? this.name : `unnamed #${this.task}`})`;
  }
}

/**
 * Which push tasks a RunTask aims at (CT-4): `waiting`, held by the model with its ETA ahead (a
 * countdown, or a backoff after a failure), where RunTask changes the most; `due`, held with its ETA
 * come (in flight, or held back by a pause, the rate, an outage); `any`, every task added, finished and
 * deleted ones too (RunTask is refused NOT_FOUND).
 */
export type RunTaskAim = 'waiting' | 'due' | 'any';
const RUN_TASK_AIMS = ['waiting', 'due', 'any'] as const;

/** What a RunTask's target is resolved against: the book, the model's view of each task, and now. */
export type RunTaskScene = Pick<Lockstep, 'book' | 'modelState' | 'now'>;

/**
 * The task a RunTask runs, resolved when it runs: the `pick`-th (mod their count) of the push tasks
 * its aim names, in the order they were added, or else of the first of `waiting`, `due`, `any` that
 * has one. A sequence drawn blind (before any task exists) still runs a task that exists, and
 * shrinking, which drops adds, moves the target to another task rather than to none. Undefined only
 * when no push task was added.
 */
export function runTaskTarget(scene: RunTaskScene, aim: RunTaskAim, pick: number): TaskEntry | undefined {
  const sets: Record<RunTaskAim, TaskEntry[]> = { waiting: [], due: [], any: [] };
  const phase = scene.modelState.phase;
  const eta = scene.modelState.eta;
  for (const e of scene.book.tasks) {
    if (e.mode !== 'push') continue;
    // A name added again names its latest task only: an earlier one is not there to run.
    if (e.named && scene.book.findByName(e.q, e.names.model ?? e.names.sut!)?.key !== e.key) continue;
    sets.any.push(e);
    // A task the model never reported (its add unsure on the wall clock) counts as held, as added.
    if ((phase.get(e.key) ?? 'live') !== 'live') continue;
    sets[(eta.get(e.key) ?? e.eta) > scene.now ? 'waiting' : 'due'].push(e);
  }
  const from = sets[aim].length > 0 ? sets[aim] : RUN_TASK_AIMS.map((a) => sets[a]).find((list) => list.length > 0);
  return from === undefined ? undefined : from[pick % from.length];
}

/** CT-4 RunTask on a push task the harness added, chosen when it runs (runTaskTarget). */
class RunTaskCommand extends Base {
  constructor(
    readonly aim: RunTaskAim,
    readonly pick: number,
  ) {
    super();
  }
  async run(_m: FuzzModel, r: Lockstep): Promise<void> {
    const e = runTaskTarget(r, this.aim, this.pick);
    if (e === undefined) {
      r.note(() => `${this.toString()} (no push task added: nothing to do)`);
      return;
    }
    r.note(() => `run_task ${r.book.label(e.key)}`);
    await r.runTaskOf(e);
  }
  toString(): string {
    return `run_task(${this.aim} #${this.pick})`;
  }
}

class AdvanceCommand extends Base {
  constructor(readonly ms: number) {
    super();
  }
  run(_m: FuzzModel, r: Lockstep): Promise<void> {
    r.note(() => this.toString());
    return r.advance(this.ms * US_PER_MS);
  }
  toString(): string {
    return `advance ${formatDuration(this.ms * US_PER_MS)}`;
  }
}

class HandlerCommand extends Base {
  constructor(readonly behaviour: Behaviour) {
    super();
  }
  run(_m: FuzzModel, r: Lockstep): Promise<void> {
    r.note(() => this.toString());
    return r.setBehaviour(this.behaviour);
  }
  toString(): string {
    const b = this.behaviour;
    return `handler answers ${b.name} (${b.mix.map(([k, w]) => (w === 1 && b.mix.length === 1 ? k : `${k}×${w}`)).join(' ')})`;
  }
}

class OutageCommand extends Base {
  constructor(readonly on: boolean) {
    super();
  }
  override check(m: Readonly<FuzzModel>): boolean {
    return m.outages;
  }
  async run(_m: FuzzModel, r: Lockstep): Promise<void> {
    const already = r.outage === this.on;
    r.note(() => (already ? `${this.toString()} (already so: nothing to do)` : this.toString()));
    await r.setOutage(this.on);
  }
  toString(): string {
    return this.on ? 'outage starts (no instance available)' : 'outage ends';
  }
}

/** What a pause or resume's queue is resolved against: the queues, the book, the model's view of each task. */
export type PauseScene = Pick<Lockstep, 'config' | 'pushQueues' | 'book' | 'modelState'>;

/**
 * The push queue a pause or resume acts on (PUSH-8), resolved when it runs: the `pick`-th (mod their
 * count, in the configuration's order) of the queues where it changes the most. A resume aims at the
 * paused queues that hold a task (the dispatches it owes them), then at any paused one; a pause at
 * the running queues that hold a task, then at any running one; else at every push queue. A task is
 * held while the model has not finished it. A resume drawn blind thus resumes a queue an earlier
 * pause stopped, whichever that was, and shrinking (which drops adds and pauses) moves it to another
 * queue rather than to none. A queue of rate 0 is neither paused nor running: neither changes it.
 */
export function pauseTarget(scene: PauseScene, paused: boolean, pick: number): string {
  const queues = scene.pushQueues;
  const stopped = scene.modelState.paused;
  const holding: string[] = [];
  const rest: string[] = [];
  let holds: Set<string> | undefined;
  for (const q of queues) {
    const rate = scene.config.queues.find((c) => c.name === q)?.ratePerSec ?? 0;
    const changes = paused ? !stopped.has(q) : stopped.has(q);
    if (rate === 0 || !changes) continue;
    holds ??= queuesHoldingTasks(scene);
    (holds.has(q) ? holding : rest).push(q);
  }
  const from = holding.length > 0 ? holding : rest.length > 0 ? rest : queues;
  return from[pick % from.length];
}

/** The push queues holding a task the model has not finished (one not reported counts as held, as added). */
function queuesHoldingTasks(scene: PauseScene): Set<string> {
  const out = new Set<string>();
  const phase = scene.modelState.phase;
  for (const e of scene.book.tasks) if (e.mode === 'push' && (phase.get(e.key) ?? 'live') === 'live') out.add(e.q);
  return out;
}

/** PUSH-8 pause or resume of a push queue chosen when it runs (pauseTarget). */
class PauseCommand extends Base {
  constructor(
    readonly queue: number,
    readonly paused: boolean,
  ) {
    super();
  }
  run(_m: FuzzModel, r: Lockstep): Promise<void> {
    const q = pauseTarget(r, this.paused, this.queue);
    r.note(() => `${this.paused ? 'pause' : 'resume'} ${q}`);
    return r.pause(q, this.paused);
  }
  toString(): string {
    return `${this.paused ? 'pause' : 'resume'}(push#${this.queue})`;
  }
}

// ---- arbitraries --------------------------------------------------------------------------------

const nameArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'c') },
  { weight: 1, arbitrary: fc.constant('bad name!') }, // TASK-1
);

const payloadArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('', 'hello', '{"n":1}') },
  { weight: 1, arbitrary: fc.constant(OVERSIZED) }, // TASK-3
);

const DELAYS_MS = [0, 0, 100, 1000, 5000] as const;
const REAL_TIME_DELAYS_MS = [0, 0, 50, 100, 200] as const;
const ETAS = ['countdown', 'countdown', 'absolute', 'past'] as const;
const METHODS = ['POST', 'POST', 'PUT'] as const;
const PULL_TAGS = [undefined, 'red', 'blue'] as const;
const PUSH_URLS = [undefined, undefined, undefined, '/work?x=1'] as const;
const NONE = [undefined] as const;

/** A task's arguments: fc.record's draws (record-draw.ts), drawn directly, shrunk through the tuple. */
const taskArb = (pull: boolean, realTime = false): fc.Arbitrary<TaskArgs> => {
  const delays = realTime ? REAL_TIME_DELAYS_MS : DELAYS_MS;
  const tags = pull ? PULL_TAGS : NONE;
  const urls = pull ? NONE : PUSH_URLS;
  const exact = fc
    .tuple(
      nameArb,
      fc.constantFrom(...delays),
      fc.constantFrom(...ETAS),
      fc.constantFrom(...METHODS),
      payloadArb,
      fc.constantFrom(...tags),
      fc.constantFrom(...urls),
      RECORD_PROTOTYPE_DRAW,
    )
    .map(
      ([name, delayMs, eta, method, payload, tag, url]): TaskArgs => ({
        name,
        delayMs,
        eta,
        method,
        payload,
        tag,
        url,
      }),
    );
  return new QuickArbitrary(exact, (mrng, bias): TaskArgs => {
    // The tuple's order: each field's draw, then the prototype's.
    const name = nameArb.generate(mrng, bias).value;
    const delayMs = pick(mrng, delays);
    const eta = pick(mrng, ETAS);
    const method = pick(mrng, METHODS);
    const payload = payloadArb.generate(mrng, bias).value;
    const tag = pick(mrng, tags);
    const url = pick(mrng, urls);
    skipPrototypeDraw(mrng);
    return { name, delayMs, eta, method, payload, tag, url };
  });
};

const leaseSpecArb = (realTime: boolean): fc.Arbitrary<LeaseSpec> =>
  fc
    .tuple(
      fc.constantFrom('w1', 'w2'),
      // Wall clock: leases of 0.2–1 s, so they end within a run.
      realTime ? fc.constantFrom(0.2, 0.5, 1) : fc.constantFrom(1, 5, 30),
      fc.integer({ min: 1, max: 3 }),
      fc.constantFrom<'none' | 'red' | 'blue' | 'oldest'>('none', 'none', 'red', 'blue', 'oldest'),
      RECORD_PROTOTYPE_DRAW,
    )
    .map(([worker, leaseSeconds, maxTasks, tag]) => {
      const spec: LeaseSpec = { worker, leaseSeconds, maxTasks };
      if (tag === 'oldest') spec.byTag = true;
      else if (tag !== 'none') spec.tag = tag;
      return spec;
    });

export interface CommandOptions {
  /** Outage commands only for adapters that support them. */
  outages: boolean;
  /**
   * Wall-clock adapters: real waits of 10–200 ms for advances, ETAs ≤ 200 ms, leases of 0.2–1 s,
   * the behaviours of WALL_CLOCK_BEHAVIOURS, no outages (an outage's edge races every delivery).
   */
  realTime: boolean;
  /** What the queue lacks (503s, deadline answers) is never played to it. */
  caps?: Capabilities;
}

export function commandArbs(opts: CommandOptions): fc.Arbitrary<Cmd>[] {
  const rt = opts.realTime;
  const advances = rt ? [10, 20, 50, 100, 200] : [1, 50, 100, 500, 1000, 3000, 10_000, 60_000];
  const add = fc
    .tuple(
      fc.boolean(),
      fc.nat(2),
      fc.array(taskArb(false, rt), { minLength: 1, maxLength: 3 }),
      fc.array(taskArb(true, rt), { minLength: 1, maxLength: 3 }),
    )
    .map(([pull, q, push, pulls]) => new AddCommand(pull, q, pull ? pulls : push));
  const advance = fc.constantFrom(...advances).map((ms) => new AdvanceCommand(ms));
  // Virtual time draws an index into BEHAVIOURS exactly as before (seeds keep their counterexamples).
  const fit = (b: Behaviour): Behaviour => (opts.caps ? fitBehaviour(b, opts.caps) : b);
  const handler = rt
    ? fc.constantFrom(...WALL_CLOCK_BEHAVIOURS).map((b) => new HandlerCommand(fit(b)))
    : fc.constantFrom(...BEHAVIOURS.map((_, i) => i)).map((i) => new HandlerCommand(fit(BEHAVIOURS[i])));
  const lease = fc.tuple(fc.nat(1), leaseSpecArb(rt)).map(([q, spec]) => new LeaseCommand(q, spec));
  const modifySeconds = rt ? [0, 0.3, 1] : [0, 1, 10];
  const modify = fc
    .tuple(fc.constantFrom(undefined, 'a', 'b', 'c'), fc.nat(3), fc.constantFrom(...modifySeconds))
    .map(([n, i, s]) => new ModifyCommand(n, i, s));
  const del = fc
    .tuple(fc.boolean(), fc.nat(2), fc.constantFrom(undefined, 'a', 'b', 'c'), fc.nat(3))
    .map(([pull, q, name, i]) => new DeleteCommand(pull, q, name, i));
  // Drawn blind, as ever (an index, pause or resume): pauseTarget aims it when it runs, so seeds draw what they drew.
  const pause = fc.tuple(fc.nat(2), fc.boolean()).map(([q, p]) => new PauseCommand(q, p));
  // fc.commands picks uniformly among these: repeats are weights (adds, advances, answers matter most).
  // On the wall clock time passes by itself (every call takes real time, the drain waits), and a run
  // has at most 12 commands: fewer waits, more adds and leases.
  const arbs: fc.Arbitrary<Cmd>[] = rt
    ? [add, add, add, add, advance, advance, handler, handler, lease, lease, lease, modify, del, pause]
    : [add, add, add, advance, advance, advance, handler, handler, lease, lease, modify, del, pause];
  if (opts.outages && !rt) arbs.push(fc.boolean().map((on) => new OutageCommand(on)));
  // CT-4, last: a queue lacking RunTask draws exactly the sequences it drew before RunTask existed.
  // Three in the list, as many as adds: a RunTask shows a broken queue only after an add, while the
  // task is still held, so it is drawn often enough that about half the runs of 30 commands have a
  // push add and a RunTask after it (the floor in test/fuzz/run-task.test.ts).
  if (opts.caps && !lacks(opts.caps, 'runTask')) {
    const runTask = fc
      .tuple(fc.constantFrom<RunTaskAim>('waiting', 'waiting', 'due', 'any'), fc.nat(7))
      .map(([aim, pick]) => new RunTaskCommand(aim, pick));
    arbs.push(runTask, runTask, runTask);
  }
  return arbs;
}
