/** A tiny builder of hand-made traces for the report tests. Times are virtual µs. */
import type { QueueConfig, ResolvedConfig } from '../../src/model/config.js';
import type { Outcome, TraceEvent } from '../../src/sim/events.js';
import { serialize, type TraceSink } from '../../src/sim/trace.js';
import { SimulationStats, type SimulationStatsOptions } from '../../src/report/stats.js';
import type { SimulationSummary } from '../../src/report/summary.js';

export const MS = 1_000;
export const S = 1_000_000;

export function pushQueue(name: string, o: Partial<QueueConfig> = {}): QueueConfig {
  return {
    name,
    mode: 'push',
    ratePerSec: 5,
    rate: '5/s',
    bucketSize: 5,
    retry: { minBackoffUs: 100 * MS, maxBackoffUs: 3600 * S, maxDoublings: 16 },
    ...o,
  };
}

export function pullQueue(name: string, o: Partial<QueueConfig> = {}): QueueConfig {
  return pushQueue(name, { mode: 'pull', ratePerSec: 0, rate: '0', ...o });
}

export function resolvedConfig(queues: QueueConfig[]): ResolvedConfig {
  return {
    profile: 'appengine',
    options: {
      backoffLinearStep: 'double',
      handler503Counts: true,
      retryLimitMeans: 'retries',
      ageFrom: 'first-attempt',
      deadlineCountsAsExecution: false,
      executionCounts5xx: true,
      retryEtaHeader: 'retry',
      tombstoneUs: 9 * 86_400 * S,
    },
    queues,
    scaling: 'automatic',
    deadlineUs: 600 * S,
  };
}

const headers = (q: string, id: number, n: number) => ({
  qn: q,
  tn: `task-${id}`,
  rc: String(n - 1),
  ec: '0',
  eta: '0.000000',
});

export class TraceBuilder {
  readonly events: TraceEvent[] = [];

  config(queues: QueueConfig[], seed = 1, t = 0): this {
    this.events.push({ t, e: 'config', seed, epochUs: 1_767_225_600 * S, config: resolvedConfig(queues) });
    return this;
  }
  add(t: number, id: number, q = 'default', eta = t): this {
    this.events.push({ t, e: 'add', id, q, name: `task-${id}`, named: false, eta, size: 10 });
    return this;
  }
  reject(t: number, q = 'default'): this {
    this.events.push({ t, e: 'reject', q, reason: 'already exists', rule: 'TASK-2' });
    return this;
  }
  dispatch(t: number, id: number, q = 'default', n = 1, dup = false): this {
    this.events.push({ t, e: 'dispatch', id, q, n, h: headers(q, id, n), ...(dup ? { dup: true } : {}) });
    return this;
  }
  response(t: number, id: number, q = 'default', n = 1, out: Outcome = 'ok', status = out === 'ok' ? 200 : 500): this {
    this.events.push({ t, e: 'response', id, q, n, status, out, lat: 0 });
    return this;
  }
  retry(t: number, id: number, q = 'default', n = 2, eta = t): this {
    this.events.push({ t, e: 'retry', id, q, n, eta });
    return this;
  }
  success(t: number, id: number, q = 'default', n = 1): this {
    this.events.push({ t, e: 'success', id, q, n });
    return this;
  }
  exhaust(t: number, id: number, q = 'default', n = 1): this {
    this.events.push({ t, e: 'exhaust', id, q, n, rule: 'RETRY-1' });
    return this;
  }
  delete(t: number, id: number, q = 'default'): this {
    this.events.push({ t, e: 'delete', id, q });
    return this;
  }
  rate(t: number, rate: number, q = 'default'): this {
    this.events.push({ t, e: 'rate', q, rate });
    return this;
  }
  pause(t: number, q = 'default'): this {
    this.events.push({ t, e: 'pause', q });
    return this;
  }
  resume(t: number, q = 'default'): this {
    this.events.push({ t, e: 'resume', q });
    return this;
  }
  outage(t: number, on: boolean): this {
    this.events.push({ t, e: 'outage', on });
    return this;
  }
  instances(t: number, count: number): this {
    this.events.push({ t, e: 'instance', count });
    return this;
  }
  leaseCall(t: number, q: string, got: number, result: 'ok' | 'capped' | 'transient' = 'ok'): this {
    this.events.push({ t, e: 'lease-call', q, w: 'w1', max: 10, secs: 60, got, result });
    return this;
  }
  lease(t: number, id: number, q: string, until: number, n = 1): this {
    this.events.push({ t, e: 'lease', id, q, w: 'w1', until, n });
    return this;
  }
  modify(t: number, id: number, q: string, until: number): this {
    this.events.push({ t, e: 'modify', id, q, until });
    return this;
  }
  expire(t: number, id: number, q: string): this {
    this.events.push({ t, e: 'expire', id, q });
    return this;
  }
  end(t: number, reason: 'idle' | 'time-limit' | 'event-limit' | 'stopped' = 'idle'): this {
    this.events.push({ t, e: 'end', reason });
    return this;
  }

  /** One push task: added at `t`, then attempts of [dispatch time, latency, outcome]; ends in
   *  success if the last attempt is ok, otherwise exhausts. */
  task(q: string, id: number, t: number, attempts: Array<[at: number, lat: number, out: Outcome]>): this {
    this.add(t, id, q);
    attempts.forEach(([at, lat, out], k) => {
      const n = k + 1;
      this.dispatch(at, id, q, n).response(at + lat, id, q, n, out);
      if (out === 'ok') this.success(at + lat, id, q, n);
      else if (k === attempts.length - 1) this.exhaust(at + lat, id, q, n);
      else this.retry(at + lat, id, q, n + 1, attempts[k + 1][0]);
    });
    return this;
  }

  /** Events in time order (stable, so same-time events keep the order they were written in). */
  sorted(): TraceEvent[] {
    return this.events
      .map((ev, i) => ({ ev, i }))
      .sort((a, b) => a.ev.t - b.ev.t || a.i - b.i)
      .map((x) => x.ev);
  }

  feed(sink: TraceSink): void {
    for (const ev of this.sorted()) sink.onEvent(ev, serialize(ev));
  }

  summarize(options?: SimulationStatsOptions): SimulationSummary {
    const stats = new SimulationStats(options);
    this.feed(stats);
    return stats.toJSON();
  }
}
