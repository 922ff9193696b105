/**
 * Runs every checker over a trace as it streams by (a TraceSink): one switch per event picks the
 * hooks that care, then the shared TraceState applies the event.
 */
import type { TraceEvent } from '../sim/events.js';
import type { TraceSink } from '../sim/trace.js';
import { AloChecker } from './alo.js';
import { DeadlineChecker } from './deadline.js';
import { EtaChecker } from './eta.js';
import { HeaderChecker } from './hdr.js';
import { LeaseChecker } from './lease.js';
import { LimitsChecker } from './limits.js';
import { NoDupChecker } from './nodup.js';
import { OutcomeChecker } from './outcome.js';
import { RateChecker } from './rate.js';
import { TraceState } from './trace-state.js';
import { INVARIANT_IDS, type Checker, type InvariantResult } from './types.js';

type Hook = (ev: never) => void;
type HookName = Exclude<keyof Checker, 'inv' | 'result'>;

export class InvariantSuite implements TraceSink {
  private st: TraceState | undefined;
  private checkers: Checker[] = [];
  private ignored = 0;
  // Bound hooks per event kind: calling a bound function avoids a megamorphic method lookup.
  private add: Hook[] = [];
  private dispatch: Hook[] = [];
  private response: Hook[] = [];
  private retry: Hook[] = [];
  private success: Hook[] = [];
  private exhaust: Hook[] = [];
  private del: Hook[] = [];
  private rate: Hook[] = [];
  private pause: Hook[] = [];
  private leaseCall: Hook[] = [];
  private lease: Hook[] = [];
  private modify: Hook[] = [];
  private expire: Hook[] = [];
  private end: Hook[] = [];

  onEvent(ev: TraceEvent, _line?: string): void {
    const st = this.st;
    if (st === undefined) {
      if (ev.e === 'config') this.begin(new TraceState(ev));
      else this.ignored++;
      return;
    }
    switch (ev.e) {
      case 'add':
        call(this.add, ev);
        st.afterAdd(ev);
        break;
      case 'dispatch':
        call(this.dispatch, ev);
        st.afterDispatch(ev);
        break;
      case 'response':
        call(this.response, ev);
        st.afterResponse(ev);
        break;
      case 'retry':
        call(this.retry, ev);
        st.afterRetry(ev);
        break;
      case 'success':
        call(this.success, ev);
        st.afterSuccess(ev.id);
        break;
      case 'exhaust':
        call(this.exhaust, ev);
        st.afterExhaust(ev.id);
        break;
      case 'delete':
        call(this.del, ev);
        st.afterDelete(ev.id);
        break;
      case 'rate':
        call(this.rate, ev);
        break;
      case 'pause':
      case 'resume':
        call(this.pause, ev);
        st.afterPause(ev);
        break;
      case 'lease-call':
        call(this.leaseCall, ev);
        break;
      case 'lease':
        call(this.lease, ev);
        break;
      case 'modify':
        call(this.modify, ev);
        break;
      case 'expire':
        call(this.expire, ev);
        break;
      case 'end':
        call(this.end, ev);
        break;
      case 'run':
        st.afterRun(ev);
        break;
      case 'config':
        st.afterConfig(ev);
        break;
      default:
        break; // reject, outage, instance: nothing to judge
    }
  }

  private begin(st: TraceState): void {
    this.st = st;
    this.checkers = [
      new AloChecker(st),
      new NoDupChecker(st),
      new HeaderChecker(st),
      new EtaChecker(st),
      new RateChecker(st),
      new OutcomeChecker(st),
      new LimitsChecker(st),
      new LeaseChecker(st),
      new DeadlineChecker(st),
    ];
    this.add = this.hooks('onAdd');
    this.dispatch = this.hooks('onDispatch');
    this.response = this.hooks('onResponse');
    this.retry = this.hooks('onRetry');
    this.success = this.hooks('onSuccess');
    this.exhaust = this.hooks('onExhaust');
    this.del = this.hooks('onDelete');
    this.rate = this.hooks('onRate');
    this.pause = this.hooks('onPause');
    this.leaseCall = this.hooks('onLeaseCall');
    this.lease = this.hooks('onLease');
    this.modify = this.hooks('onModify');
    this.expire = this.hooks('onExpire');
    this.end = this.hooks('onEnd');
  }

  private hooks(name: HookName): Hook[] {
    const out: Hook[] = [];
    for (const c of this.checkers) {
      const f = c[name] as ((ev: never) => void) | undefined;
      if (typeof f === 'function') out.push(f.bind(c));
    }
    return out;
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

function call(hooks: Hook[], ev: TraceEvent): void {
  for (let i = 0; i < hooks.length; i++) (hooks[i] as (ev: TraceEvent) => void)(ev);
}

/** Checks a whole trace, from memory or streamed (e.g. readNdjson). */
export async function checkTrace(events: Iterable<TraceEvent> | AsyncIterable<TraceEvent>): Promise<InvariantResult[]> {
  const suite = new InvariantSuite();
  if (Symbol.asyncIterator in events) for await (const ev of events) suite.onEvent(ev);
  else for (const ev of events) suite.onEvent(ev);
  return suite.results();
}
