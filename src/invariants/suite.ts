/**
 * Runs every checker over a trace as it streams by (a TraceSink): one switch per event picks the
 * hooks that care, then the shared TraceState applies the event.
 */
import type {
  AddEvent,
  DispatchEvent,
  ExhaustEvent,
  ResponseEvent,
  RetryEvent,
  SuccessEvent,
  TraceEvent,
} from '../sim/events.js';
import type { DecodedEventSink } from '../sim/trace-decoder.js';
import type { TraceSink } from '../sim/trace.js';
import { AloChecker } from './alo.js';
import { DeadlineChecker } from './deadline.js';
import { EtaChecker } from './eta.js';
import { nameHash, taskNameKey } from './format.js';
import { HeaderChecker } from './hdr.js';
import { LeaseChecker } from './lease.js';
import { LimitsChecker } from './limits.js';
import { NoDupChecker } from './nodup.js';
import { OutcomeChecker } from './outcome.js';
import { RateChecker } from './rate.js';
import { TraceState } from './trace-state.js';
import { INVARIANT_IDS, type Checker, type InvariantResult } from './types.js';

type HookName = Exclude<keyof Checker, 'inv' | 'result'>;

/**
 * The hooks each checker implements, which the suite calls by name below: a direct call per hook
 * lets the compiler inline it, where a list of bound hooks made every call an indirect one. The
 * suite checks this table against the checkers it builds, so a hook added later cannot go uncalled.
 */
const WIRED: Record<keyof Checkers, readonly HookName[]> = {
  alo: ['onEnd'],
  nodup: ['onDispatch', 'onLease'],
  hdr: ['onAdd', 'onDispatch', 'onResponse'],
  eta: ['onDispatch', 'onRetry'],
  rate: ['onDispatch', 'onResponse', 'onRate'],
  outcome: ['onAdd', 'onResponse', 'onLeaseCall', 'onLease', 'onModify', 'onExpire', 'onEnd'],
  limits: ['onAdd', 'onDispatch', 'onResponse', 'onRetry', 'onSuccess', 'onExhaust'],
  lease: ['onDispatch', 'onLeaseCall', 'onLease', 'onModify', 'onExpire', 'onExhaust'],
  deadline: ['onResponse'],
};

const HOOK_NAMES: readonly HookName[] = [
  'onAdd',
  'onDispatch',
  'onResponse',
  'onRetry',
  'onSuccess',
  'onExhaust',
  'onDelete',
  'onRate',
  'onPause',
  'onLeaseCall',
  'onLease',
  'onModify',
  'onExpire',
  'onEnd',
];

interface Checkers {
  alo: AloChecker;
  nodup: NoDupChecker;
  hdr: HeaderChecker;
  eta: EtaChecker;
  rate: RateChecker;
  outcome: OutcomeChecker;
  limits: LimitsChecker;
  lease: LeaseChecker;
  deadline: DeadlineChecker;
}

export class InvariantSuite implements TraceSink, DecodedEventSink {
  /**
   * No checker keeps an event of the six busiest types past its hook: the decoder may lend them, and
   * hand task names as hashes (DecodedEventSink).
   */
  readonly borrowsEvents = true;
  private st: TraceState | undefined;
  private c: Checkers | undefined;
  private checkers: Checker[] = [];
  private ignored = 0;

  onEvent(ev: TraceEvent, _line?: string): void {
    switch (ev.e) {
      case 'add':
        return this.add(ev);
      case 'dispatch':
        return this.dispatch(ev);
      case 'response':
        return this.response(ev);
      case 'retry':
        return this.retry(ev);
      case 'success':
        return this.success(ev);
      case 'exhaust':
        return this.exhaust(ev);
      default:
        return this.other(ev);
    }
  }

  // Each event goes to the checkers that implement its hook, in the order of INVARIANT_IDS, then to
  // the shared state (WIRED lists the hooks). The six busiest types have a method each, which the
  // checker thread's decoder calls directly (DecodedEventSink), without a second look at the type.
  // A task name comes as its hash (HDR-2): from that decoder, over the bytes, or else from the string.

  add(ev: AddEvent, name = nameHash(String(ev.name))): void {
    const c = this.c;
    if (c === undefined) return void this.ignored++;
    c.hdr.onAdd(ev, name);
    c.outcome.onAdd(ev);
    c.limits.onAdd(ev);
    this.st!.afterAdd(ev);
  }

  dispatch(ev: DispatchEvent, tn = taskNameKey(ev.h)): void {
    const c = this.c;
    if (c === undefined) return void this.ignored++;
    c.nodup.onDispatch(ev);
    c.hdr.onDispatch(ev, tn);
    c.eta.onDispatch(ev);
    c.rate.onDispatch(ev);
    c.limits.onDispatch(ev);
    c.lease.onDispatch(ev);
    this.st!.afterDispatch(ev);
  }

  response(ev: ResponseEvent): void {
    const c = this.c;
    if (c === undefined) return void this.ignored++;
    c.hdr.onResponse(ev);
    c.rate.onResponse(ev);
    c.outcome.onResponse(ev);
    c.limits.onResponse(ev);
    c.deadline.onResponse(ev);
    this.st!.afterResponse(ev);
  }

  retry(ev: RetryEvent): void {
    const c = this.c;
    if (c === undefined) return void this.ignored++;
    c.eta.onRetry(ev);
    c.limits.onRetry(ev);
    this.st!.afterRetry(ev);
  }

  success(ev: SuccessEvent): void {
    const c = this.c;
    if (c === undefined) return void this.ignored++;
    c.limits.onSuccess(ev);
    this.st!.afterSuccess(ev.id);
  }

  exhaust(ev: ExhaustEvent): void {
    const c = this.c;
    if (c === undefined) return void this.ignored++;
    c.limits.onExhaust(ev);
    c.lease.onExhaust(ev);
    this.st!.afterExhaust(ev.id);
  }

  /** Every other type: a `config` first starts the judging. */
  other(ev: TraceEvent): void {
    const st = this.st;
    const c = this.c;
    if (st === undefined || c === undefined) {
      if (ev.e === 'config') this.begin(new TraceState(ev));
      else this.ignored++;
      return;
    }
    switch (ev.e) {
      case 'delete':
        st.afterDelete(ev.id);
        break;
      case 'rate':
        c.rate.onRate(ev);
        break;
      case 'pause':
      case 'resume':
        st.afterPause(ev);
        break;
      case 'lease-call':
        c.outcome.onLeaseCall(ev);
        c.lease.onLeaseCall(ev);
        break;
      case 'lease':
        c.nodup.onLease(ev);
        c.outcome.onLease(ev);
        c.lease.onLease(ev);
        break;
      case 'modify':
        c.outcome.onModify(ev);
        c.lease.onModify(ev);
        break;
      case 'expire':
        c.outcome.onExpire(ev);
        c.lease.onExpire(ev);
        break;
      case 'end':
        c.alo.onEnd(ev);
        c.outcome.onEnd(ev);
        break;
      case 'run':
        st.afterRun(ev);
        break;
      case 'config':
        st.afterConfig(ev);
        break;
      default:
        break; // reject, outage, instance: nothing to judge; the six types above never come here
    }
  }

  private begin(st: TraceState): void {
    this.st = st;
    const c: Checkers = {
      alo: new AloChecker(st),
      nodup: new NoDupChecker(st),
      hdr: new HeaderChecker(st),
      eta: new EtaChecker(st),
      rate: new RateChecker(st),
      outcome: new OutcomeChecker(st),
      limits: new LimitsChecker(st),
      lease: new LeaseChecker(st),
      deadline: new DeadlineChecker(st),
    };
    this.checkers = [c.alo, c.nodup, c.hdr, c.eta, c.rate, c.outcome, c.limits, c.lease, c.deadline];
    for (const [key, checker] of Object.entries(c) as [keyof Checkers, Checker][]) {
      const has = HOOK_NAMES.filter((h) => typeof checker[h] === 'function');
      const wired = WIRED[key];
      if (has.length !== wired.length || has.some((h) => !wired.includes(h)))
        throw new Error(`${checker.inv} implements ${has.join(', ')}, the suite calls ${wired.join(', ')}`);
    }
    this.c = c;
  }

  /** One result per invariant, in the order of INVARIANT_IDS. */
  results(): InvariantResult[] {
    if (this.st === undefined) {
      const note = `the trace has no config event${this.ignored > 0 ? ` (${this.ignored} events ignored)` : ''}`;
      return INVARIANT_IDS.map((id) => ({
        id,
        status: 'skip' as const,
        checked: 0,
        violations: 0,
        examples: [],
        note,
      }));
    }
    const byId = new Map(this.checkers.map((c) => [c.inv, c.result()] as const));
    return INVARIANT_IDS.map((id) => byId.get(id)!);
  }

  ok(): boolean {
    return this.results().every((r) => r.status !== 'fail');
  }
}

/** Checks a whole trace, from memory or streamed (e.g. readNdjson). */
export async function checkTrace(events: Iterable<TraceEvent> | AsyncIterable<TraceEvent>): Promise<InvariantResult[]> {
  const suite = new InvariantSuite();
  if (Symbol.asyncIterator in events) for await (const ev of events) suite.onEvent(ev);
  else for (const ev of events) suite.onEvent(ev);
  return suite.results();
}
