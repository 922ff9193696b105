/**
 * Compares what the handler saw of the queue under test with what it saw of the model, step by
 * step, and names the SPEC rule that best explains the first difference. The naming uses what the
 * model knows about the task at that moment: done already (HANDLER-1, RETRY-5, PULL-7), not yet due
 * (PUSH-4, RETRY-4), held back by pause, concurrency or rate (PUSH-8, PUSH-3, PUSH-2), or owed by
 * a resume the queue answered OK and did not take (PUSH-8).
 */
import type { ResolvedConfig } from '../model/config.js';
import type { DeliveryHeaders, TraceEvent } from '../sim/events.js';
import type { Micros } from '../sim/time.js';
import type { RuleId } from '../rules/index.js';
import type { SideState } from './model-state.js';
import type { Seen } from './side.js';
import type { TaskBook } from './task-book.js';
import { at, violation, type FuzzViolation } from './violation.js';

export interface DiffContext {
  book: TaskBook;
  /** The model's view, including this step (ask it about a time: phaseAtTime, etaAt). */
  model: SideState;
  /** The queue's own view, when it reports events (Capabilities.events). */
  sut?: SideState;
  /** Every model delivery so far (for in-flight counts). */
  modelLog: readonly Seen[];
  /** Every delivery of the queue under test so far (what it dispatched since a resume, PUSH-8). */
  sutLog?: readonly Seen[];
  /** Per push queue, how many deliveries `sutLog` held when the queue last answered a resume OK. */
  sutLogAtResume?: ReadonlyMap<string, number>;
  config: ResolvedConfig;
  epochUs: Micros;
  /**
   * How far the queue's time for this (model) delivery may be from the model's, and its ETA header
   * from the model's: TIME_TOLERANCE_US in virtual time, tolerance.ts on the wall clock.
   */
  tolerance?: (s: Seen) => Micros;
}

const HEADER_RULES: readonly [keyof DeliveryHeaders, RuleId, string][] = [
  ['qn', 'HDR-1', 'X-AppEngine-QueueName'],
  ['rc', 'HDR-3', 'X-AppEngine-TaskRetryCount'],
  ['ec', 'HDR-4', 'X-AppEngine-TaskExecutionCount'],
  ['eta', 'HDR-5', 'X-AppEngine-TaskETA'],
  ['pr', 'HDR-6', 'X-AppEngine-TaskPreviousResponse'],
  ['rr', 'HDR-7', 'X-AppEngine-TaskRetryReason'],
  ['ff', 'HDR-8', 'X-AppEngine-FailFast'],
];

const id = (s: Seen): string => `${s.key}:${s.nth}`;

/**
 * Dispatch instants are compared to the millisecond, not the µs: implementations round a token
 * bucket's next refill differently, and a µs is not a contract anyone can keep (PUSH-5). ETAs in
 * the headers (HDR-5) and every invariant are still judged exactly.
 */
export const TIME_TOLERANCE_US = 1000;

/** The first difference between the model's deliveries and the queue's in one step, or undefined. */
export function diffDeliveries(expected: Seen[], actual: Seen[], ctx: DiffContext): FuzzViolation | undefined {
  // By id, built at the first pair out of place (in a passing run every pair is in place).
  let exp: Map<string, Seen> | undefined;
  let act: Map<string, Seen> | undefined;
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    const e = expected[i];
    const a = actual[i];
    if (a !== undefined && a.key === undefined) return unknownTask(a);
    if (e !== undefined && a !== undefined && e.key === a.key && e.nth === a.nth) {
      const d = compareSame(e, a, ctx);
      if (d) return d;
      continue;
    }
    exp ??= new Map(expected.map((s) => [id(s), s]));
    act ??= new Map(actual.filter((s) => s.key !== undefined).map((s) => [id(s), s]));
    if (a !== undefined && !exp.has(id(a))) return extra(a, ctx);
    if (e !== undefined && !act.has(id(e))) return missing(e, ctx);
    // Both are delivered, at different places: their times differ.
    const d = (a && compareSame(exp.get(id(a))!, a, ctx)) ?? (e && compareSame(e, act.get(id(e))!, ctx));
    if (d) return d;
  }
  return undefined;
}

export function unknownTask(a: Seen): FuzzViolation {
  return violation(
    'HDR-2',
    a.t,
    'a delivery names a task that was never added',
    'X-AppEngine-QueueName/TaskName of an added task',
    `${JSON.stringify(a.h.qn)}/${JSON.stringify(a.h.tn)}`,
  );
}

/** The same attempt of the same task on both sides: when, and with which headers. */
export function compareSame(e: Seen, a: Seen, ctx: DiffContext): FuzzViolation | undefined {
  const tol = ctx.tolerance?.(e) ?? TIME_TOLERANCE_US;
  const sameTime = Math.abs(a.t - e.t) <= tol;
  // The common case, every delivery of a passing run: nothing differs, no message is built.
  if (
    sameTime &&
    sameEta(e.h.eta, a.h.eta, tol) &&
    sameHeaders(e.h, a.h) &&
    e.method === a.method &&
    e.body === a.body &&
    path(e.url) === path(a.url)
  )
    return undefined;
  const task = ctx.book.label(a.key);
  const what = `delivery ${a.nth} of ${task}`;
  if (!sameEta(e.h.eta, a.h.eta, tol) && (e.h.rc !== '0' || !sameTime)) {
    // The attempt was due at another time: the ETA (first attempt) or the backoff (retries) differs,
    // or, when the attempt counts differ too, a throttled model made fewer unseen attempts (INST-2).
    const first = e.h.rc === '0';
    if (e.h.rc !== a.h.rc && throttled(ctx, a)) return throttleViolation(a, e, ctx);
    return violation(
      first ? 'PUSH-4' : 'RETRY-4',
      a.t,
      `${what} was due at another time (${first ? 'ETA' : 'backoff'})`,
      `X-AppEngine-TaskETA ${e.h.eta}, delivered ${at(e.t)}`,
      `X-AppEngine-TaskETA ${a.h.eta}, delivered ${at(a.t)}`,
      task,
    );
  }
  if (!sameTime && a.t < e.t) return early(a, e, ctx);
  if (!sameTime)
    return violation(
      'PUSH-5',
      a.t,
      `${what} came later than the model dispatches it`,
      `at ${at(e.t)}`,
      `at ${at(a.t)}`,
      task,
    );
  for (const [k, rule, header] of HEADER_RULES) {
    const same = k === 'eta' ? sameEta(e.h[k], a.h[k], tol) : e.h[k] === a.h[k];
    if (!same) return violation(rule, a.t, `${what} ${header}`, shown(e.h[k]), shown(a.h[k]), task);
  }
  if (e.method !== a.method) return violation('PUSH-1', a.t, `${what} method`, e.method, a.method, task);
  if (path(e.url) !== path(a.url)) return violation('PUSH-1', a.t, `${what} URL`, e.url, a.url, task);
  if (e.body !== a.body) return violation('HANDLER-6', a.t, `${what} body`, shown(e.body), shown(a.body), task);
  return undefined;
}

/** Every header HEADER_RULES compares but the ETA (compared within the tolerance) is the same. */
function sameHeaders(e: DeliveryHeaders, a: DeliveryHeaders): boolean {
  for (const [k] of HEADER_RULES) if (k !== 'eta' && e[k] !== a[k]) return false;
  return true;
}

/** Delivered before the model would: not due yet, or held back by pause, concurrency or rate. */
function early(a: Seen, e: Seen | undefined, ctx: DiffContext): FuzzViolation {
  const task = ctx.book.label(a.key);
  const entry = ctx.book.get(a.key!)!;
  const etaUs = e ? etaOf(e.h.eta, ctx.epochUs) : (ctx.model.etaAt(a.key!, a.t) ?? entry.eta);
  const first = e ? e.h.rc === '0' : a.nth === 1;
  const when = e ? `at ${at(e.t)}` : 'not in this step';
  const what = `delivery ${a.nth} of ${task} came before the model dispatches it`;
  if (a.t < etaUs) {
    return violation(
      first ? 'PUSH-4' : 'RETRY-4',
      a.t,
      `${what} (${first ? 'ETA' : 'backoff'} ${at(etaUs)})`,
      when,
      `at ${at(a.t)}`,
      task,
    );
  }
  const q = ctx.config.queues.find((c) => c.name === entry.q);
  if (ctx.model.paused.has(entry.q) || q?.ratePerSec === 0) {
    return violation('PUSH-8', a.t, `${what} (queue ${entry.q} is paused)`, when, `at ${at(a.t)}`, task);
  }
  if (throttled(ctx, a)) return throttleViolation(a, e, ctx);
  const cap = q?.maxConcurrentRequests;
  if (cap !== undefined && inFlight(ctx.modelLog, entry.q, a.t, ctx.book, ctx.config.deadlineUs) >= cap) {
    return violation(
      'PUSH-3',
      a.t,
      `${what} (max_concurrent_requests ${cap} already in flight)`,
      when,
      `at ${at(a.t)}`,
      task,
    );
  }
  return violation(
    'PUSH-2',
    a.t,
    `${what} (no token in the bucket: rate ${q?.rate}, bucket_size ${q?.bucketSize})`,
    when,
    `at ${at(a.t)}`,
    task,
  );
}

/** Whether the model had slowed the task's queue below its rate at the delivery's time (INST-2). */
function throttled(ctx: DiffContext, a: Seen): boolean {
  const entry = ctx.book.get(a.key!)!;
  const q = ctx.config.queues.find((c) => c.name === entry.q);
  const rate = ctx.model.rateAt(entry.q, a.t);
  return q !== undefined && rate !== undefined && rate < q.ratePerSec;
}

function throttleViolation(a: Seen, e: Seen | undefined, ctx: DiffContext): FuzzViolation {
  const task = ctx.book.label(a.key);
  const entry = ctx.book.get(a.key!)!;
  return violation(
    'INST-2',
    a.t,
    `delivery ${a.nth} of ${task}: after no-instance or 503 failures the model slowed ${entry.q} to ${ctx.model.rateAt(entry.q, a.t)!.toFixed(3)}/s`,
    e ? `at ${at(e.t)} (RetryCount ${e.h.rc})` : 'not in this step',
    `at ${at(a.t)} (RetryCount ${a.h.rc})`,
    task,
  );
}

/** The queue delivered an attempt the model does not make in this step. */
export function extra(a: Seen, ctx: DiffContext): FuzzViolation {
  const key = a.key!;
  const task = ctx.book.label(key);
  const entry = ctx.book.get(key)!;
  const what = `delivery ${a.nth} of ${task}`;
  if (entry.mode === 'pull')
    return violation(
      'PULL-1',
      a.t,
      `${what}: a pull queue dispatches nothing`,
      'no delivery',
      `a delivery at ${at(a.t)}`,
      task,
    );
  switch (ctx.model.phaseAtTime(key, a.t)) {
    case 'succeeded':
      return violation(
        'HANDLER-1',
        a.t,
        `${what} after it succeeded (2xx)`,
        'no further delivery',
        `a delivery at ${at(a.t)}`,
        task,
      );
    case 'exhausted':
      return violation(
        'RETRY-5',
        a.t,
        `${what} after it exhausted its retry limits`,
        'no further delivery',
        `a delivery at ${at(a.t)}`,
        task,
      );
    case 'deleted':
      return violation(
        'INV-NODUP-AFTER-DELETE',
        a.t,
        `${what} after it was deleted`,
        'no further delivery',
        `a delivery at ${at(a.t)}`,
        task,
      );
    default:
      return early(a, undefined, ctx);
  }
}

/** The model delivered an attempt the queue did not make in this step. */
export function missing(e: Seen, ctx: DiffContext): FuzzViolation {
  const key = e.key!;
  const task = ctx.book.label(key);
  const what = `delivery ${e.nth} of ${task} (due ${at(e.t)})`;
  const prev = e.nth > 1 ? ctx.modelLog.filter((s) => s.key === key && s.nth === e.nth - 1).pop() : undefined;
  if (prev && prev.answer.outcome !== 'ok' && ctx.sut?.phase.get(key) === 'succeeded') {
    // The queue says the task succeeded on an answer that is a failure: a 3xx followed or taken as success (PUSH-6), or any other failure (HANDLER-2).
    const status = prev.answer.status;
    const rule = status >= 300 && status < 400 ? 'PUSH-6' : 'HANDLER-2';
    return violation(
      rule,
      e.t,
      `${what} was not made: the queue took attempt ${prev.nth}'s answer (status ${status}) as success`,
      `a retry at ${at(e.t)}`,
      'the task finished as succeeded',
      task,
    );
  }
  const q = ctx.book.get(key)!.q;
  const resumedAt = resumeNotTaken(q, e.t, ctx);
  if (resumedAt !== undefined)
    return violation(
      'PUSH-8',
      e.t,
      `${what} was not made: ${q} stayed paused after the resume it answered OK at ${at(resumedAt)}`,
      `a delivery at ${at(e.t)}`,
      'none',
      task,
    );
  const early = ctx.sut && dispatchedWhilePaused(key, q, ctx.model, ctx.sut);
  if (early)
    return violation(
      'PUSH-8',
      e.t,
      `${what} was not made: the queue had dispatched it at ${at(early.t)}, while ${q} was paused`,
      `a delivery at ${at(e.t)}`,
      'none',
      task,
    );
  if (throttled(ctx, e))
    return violation(
      'INST-2',
      e.t,
      `${what} was not made: the model, slowed after no-instance or 503 failures, makes its unseen attempts at another pace`,
      `a delivery at ${at(e.t)}`,
      'none',
      task,
    );
  const sutEta = ctx.sut?.eta.get(key);
  const modelEta = etaOf(e.h.eta, ctx.epochUs);
  if (e.nth > 1 && sutEta !== undefined && Math.abs(sutEta - modelEta) > (ctx.tolerance?.(e) ?? TIME_TOLERANCE_US)) {
    return violation(
      'RETRY-4',
      e.t,
      `${what}: the queue scheduled this retry for another time (backoff)`,
      `retry ETA ${at(modelEta)}`,
      `retry ETA ${at(sutEta)}`,
      task,
    );
  }
  if (e.nth === 1) return violation('PUSH-5', e.t, `${what} was not made`, `a delivery at ${at(e.t)}`, 'none', task);
  const status = prev?.answer.status ?? 0;
  const rule = status >= 300 && status < 400 ? 'PUSH-6' : status === 503 ? 'HANDLER-3' : 'HANDLER-2';
  return violation(
    rule,
    e.t,
    `${what}, the retry after a '${prev?.answer.outcome ?? '?'}' answer (status ${status}), was not made`,
    `a delivery at ${at(e.t)}`,
    'none',
    task,
  );
}

/** What resumeNotTaken reads: the book, both sides' views, and the queue's deliveries. */
export type ResumeScene = Pick<DiffContext, 'book' | 'model' | 'sut' | 'sutLog' | 'sutLogAtResume'>;

/**
 * PUSH-8: when the model dispatches a task of push queue `q` at `t` and the queue under test does
 * not, whether that is a resume the queue answered OK and did not take: the model's last word on `q`
 * by `t` is a resume (it emits one only for a paused queue), and the queue is still paused by its own
 * events or, when it reports none, has dispatched nothing of `q` since that resume. The time of that
 * resume, or undefined. Without such a resume the missing dispatch is the rule that owed it
 * (PUSH-5, a retry's rule, INST-2); a queue that reports its resume did take it.
 */
export function resumeNotTaken(q: string, t: Micros, scene: ResumeScene): Micros | undefined {
  const events = scene.model.events;
  let resumedAt: Micros | undefined;
  for (let i = events.length - 1; i >= 0; i--) {
    const ev = events[i].ev;
    if ((ev.e !== 'resume' && ev.e !== 'pause') || ev.q !== q || ev.t > t) continue;
    if (ev.e === 'resume') resumedAt = ev.t;
    break;
  }
  if (resumedAt === undefined) return undefined;
  if (scene.sut) return scene.sut.paused.has(q) ? resumedAt : undefined;
  // Without its events: what reached the handler after the queue answered the resume (by arrival, not
  // by time: a run's operations often share an instant).
  const log = scene.sutLog;
  const mark = scene.sutLogAtResume?.get(q);
  if (log === undefined || mark === undefined) return undefined;
  for (let i = mark; i < log.length; i++) {
    const k = log[i].key;
    if (k !== undefined && scene.book.get(k)?.q === q) return undefined;
  }
  return resumedAt;
}

/**
 * PUSH-8, by the queue's own events: a dispatch of task `key` it made during a step in which the
 * model held `q` paused (an attempt the handler may never have seen: no instance, a lost
 * connection), which leaves the queue without the attempt the model makes once it resumes.
 */
function dispatchedWhilePaused(key: number, q: string, model: SideState, sut: SideState): TraceEvent | undefined {
  // The model's pauses and resumes of q, by the step that reported them: a step's operation comes
  // before what it dispatches, so a queue paused in a step's operation is paused for that step.
  const changes: { step: number; paused: boolean }[] = [];
  for (const k of model.events)
    if ((k.ev.e === 'pause' || k.ev.e === 'resume') && k.ev.q === q)
      changes.push({ step: k.step, paused: k.ev.e === 'pause' });
  if (changes.length === 0) return undefined;
  for (const k of sut.events) {
    if (k.key !== key || k.ev.e !== 'dispatch') continue;
    let paused = false;
    for (const c of changes) if (c.step <= k.step) paused = c.paused;
    if (paused) return k.ev;
  }
  return undefined;
}

/** Model attempts of queue `q` dispatched at or before `t` whose answers land after `t`. */
function inFlight(log: readonly Seen[], q: string, t: Micros, book: TaskBook, deadlineUs: Micros): number {
  let n = 0;
  for (const s of log) {
    const lat = s.answer.outcome === 'deadline' ? deadlineUs : Math.min(s.answer.latencyUs, deadlineUs); // DEADLINE-2
    if (s.key !== undefined && s.t <= t && s.t + lat > t && book.get(s.key)?.q === q) n++;
  }
  return n;
}

export function etaOf(header: string | undefined, epochUs: Micros): Micros {
  return etaMicros(header) - epochUs;
}

/** HDR-5 is a decimal number of seconds: read to the µs without floating-point rounding. */
export function etaMicros(header: string | undefined): Micros {
  const m = /^(\d+)(?:\.(\d{0,6}))?$/.exec(header ?? '');
  if (!m) return NaN;
  return Number(m[1]) * 1_000_000 + Number((m[2] ?? '').padEnd(6, '0'));
}

/** Compared as numbers, not as text (`5.100000` and `5.1` are the same ETA), to `tol`. */
function sameEta(a: string | undefined, b: string | undefined, tol: Micros = TIME_TOLERANCE_US): boolean {
  if (a === b) return true;
  const x = etaMicros(a);
  return !Number.isNaN(x) && Math.abs(x - etaMicros(b)) <= tol;
}

/** A URL's path; most are one already (no scheme to strip). */
function path(url: string): string {
  return url.startsWith('/') ? url : url.replace(/^[a-z]+:\/\/[^/]+/i, '');
}

function shown(v: unknown): string {
  return v === undefined ? 'absent' : JSON.stringify(v);
}
