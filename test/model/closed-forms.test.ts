/**
 * The model's numbers against closed-form results: a token bucket drains at its rate (PUSH-2), a
 * push queue with a concurrency cap is an M/M/c queue (PUSH-3), retries follow the truncated
 * geometric law (RETRY-1), and backoff delays are RETRY-4's exactly.
 */
import { describe, expect, test } from 'vitest';
import { Engine } from '../../src/model/engine.js';
import { parseQueueYaml } from '../../src/model/queue-yaml.js';
import { backoffDelay } from '../../src/model/backoff.js';
import { UNLIMITED_SERVICE, type ServiceModel } from '../../src/model/types.js';
import type { TraceEvent } from '../../src/sim/events.js';
import type { FieldSink, TraceSink } from '../../src/sim/trace.js';
import { US_PER_S } from '../../src/sim/time.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run.js';

function engineFor(queueYaml: string, service: Partial<ServiceModel>, sinks: TraceSink[], seed = 1): Engine {
  return new Engine({ config: parseQueueYaml(queueYaml), seed, service: { ...UNLIMITED_SERVICE, ...service }, sinks });
}

function addBurst(engine: Engine, queue: string, n: number): void {
  for (let left = n; left > 0; left -= 100)
    engine.addTasks(
      queue,
      Array.from({ length: Math.min(100, left) }, () => ({})),
    );
}

type FieldHooks = Partial<Pick<FieldSink, 'onAdd' | 'onDispatch'>>;

/**
 * A sink of adds and dispatches taken as their fields (FieldSink): the engine then makes no event
 * objects (a million-arrival run alone: 3.5 CPU-s instead of 5). An add or dispatch given as an
 * object (when another sink wants objects) goes to the same hooks, its ETA left out (none reads it).
 */
function fieldSink(hooks: FieldHooks): FieldSink {
  const none = (): void => {};
  const onAdd: FieldSink['onAdd'] = hooks.onAdd ?? none;
  const onDispatch: FieldSink['onDispatch'] = hooks.onDispatch ?? none;
  return {
    onAdd,
    onDispatch,
    onResponse: none,
    onRetry: none,
    onSuccess: none,
    onExhaust: none,
    onEvent(ev: TraceEvent) {
      if (ev.e === 'add') onAdd(ev.t, ev.id, ev.q, ev.name, ev.eta, ev.size, ev.tag, ev.ff, ev.dl);
      else if (ev.e === 'dispatch')
        onDispatch(ev.t, ev.id, ev.q, ev.n, ev.h.tn, ev.h.rc, ev.h.ec, Number.NaN, ev.h.pr, ev.h.rr, ev.h.ff, ev.dup);
    },
  };
}

/** Erlang C: the probability that an arrival waits in an M/M/c queue with offered load a = λ/μ. */
function erlangC(c: number, a: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const last = (term * a) / c / (1 - a / c);
  return last / (sum + last);
}

describe('token bucket against its closed form (PUSH-2)', () => {
  test('a burst of N drains in (N − bucket)/rate, and steady throughput equals the rate', () => {
    const dispatches: number[] = [];
    const sink: TraceSink = { onEvent: (ev) => void (ev.e === 'dispatch' && dispatches.push(ev.t)) };
    const engine = engineFor(
      'queue:\n- name: q\n  rate: 40/s\n  bucket_size: 25\n',
      { serviceTime: { dist: 'constant', us: 1000 } },
      [sink],
    );
    const n = 2025;
    addBurst(engine, 'q', n);
    expect(engine.run()).toBe('idle');
    expect(dispatches).toHaveLength(n);
    expect(dispatches.slice(0, 25).every((t) => t === 0)).toBe(true); // the bucket is the burst
    const drainSeconds = dispatches[n - 1] / US_PER_S;
    expect(drainSeconds).toBeCloseTo((n - 25) / 40, 4);
    // Steady state: over the second half, dispatches per second equal the rate.
    const half = dispatches.slice(n / 2);
    const rate = (half.length - 1) / ((half[half.length - 1] - half[0]) / US_PER_S);
    expect(rate).toBeCloseTo(40, 3);
  });
});

describe('M/M/c against Erlang C (PUSH-3)', () => {
  test('mean wait with Poisson arrivals, exponential service and c in flight matches within 3%', () => {
    const lambda = 70; // arrivals per second
    const meanServiceS = 0.1; // μ = 10/s per server
    const c = 10;
    const added = new Map<number, number>();
    let waitSum = 0;
    let waited = 0;
    const sink = fieldSink({
      onAdd: (t, id) => void added.set(id, t),
      onDispatch(t, id, _q, n) {
        if (n !== 1) return;
        waitSum += t - added.get(id)!;
        waited++;
        added.delete(id);
      },
    });
    // Tokens never limit (rate ≫ λ, a deep bucket): only max_concurrent_requests queues tasks.
    const engine = engineFor(
      `queue:\n- name: q\n  rate: 100000/s\n  bucket_size: 10000\n  max_concurrent_requests: ${c}\n`,
      { serviceTime: { dist: 'exponential', meanUs: meanServiceS * US_PER_S } },
      [sink],
      20261121,
    );
    const arrivals = 1_000_000; // the estimate of the mean wait settles to about ±1% here
    let made = 0;
    const arrive = (e: Engine): void => {
      e.addTasks('q', [{}]);
      if (++made < arrivals) e.at(e.now + Math.max(1, Math.round(e.rng.exponential(US_PER_S / lambda))), arrive);
    };
    engine.at(0, arrive);
    expect(engine.run()).toBe('idle');
    const a = lambda * meanServiceS;
    const expectedWaitS = erlangC(c, a) / (c / meanServiceS - lambda);
    const meanWaitS = waitSum / waited / US_PER_S;
    expect(waited).toBe(arrivals);
    expect(Math.abs(meanWaitS - expectedWaitS) / expectedWaitS).toBeLessThan(0.03);
  }, 180_000); // a long simulation: bounded by its own size, not by the machine's load
});

describe('attempts per task (RETRY-1)', () => {
  test('with failure probability p and task_retry_limit L the mean is (1 − p^(L+1)) / (1 − p)', () => {
    let attempts = 0;
    const sink = fieldSink({ onDispatch: () => void attempts++ });
    const engine = engineFor(
      'queue:\n- name: q\n  rate: 500/s\n  bucket_size: 500\n  retry_parameters:\n    task_retry_limit: 4\n    min_backoff_seconds: 0\n',
      {
        serviceTime: { dist: 'constant', us: 1000 },
        statuses: [
          { status: 200, weight: 60 },
          { status: 500, weight: 40 },
        ],
      },
      [sink],
      7,
    );
    const tasks = 100_000;
    addBurst(engine, 'q', tasks);
    expect(engine.run()).toBe('idle');
    const p = 0.4;
    const expected = (1 - p ** 5) / (1 - p);
    expect(Math.abs(attempts / tasks - expected) / expected).toBeLessThan(0.01);
  });
});

describe('backoff in the trace (RETRY-4)', () => {
  test('every retry ETA is the failed response time plus delay(n), exactly', async () => {
    const scenario = await loadScenario(new URL('../../scenarios/retry-backoff.yaml', import.meta.url).pathname);
    const lastResponse = new Map<number, number>();
    const queueOf = new Map<number, string>();
    let retries = 0;
    const mismatches: string[] = [];
    const sink: TraceSink = {
      onEvent(ev: TraceEvent) {
        if (ev.e === 'add') queueOf.set(ev.id, ev.q);
        else if (ev.e === 'response') lastResponse.set(ev.id, ev.t);
        else if (ev.e === 'retry') {
          retries++;
          const q = scenario.config.queues.find((x) => x.name === queueOf.get(ev.id))!;
          const want = lastResponse.get(ev.id)! + backoffDelay(ev.n - 1, q.retry);
          if (ev.eta !== want) mismatches.push(`task ${ev.id} retry ${ev.n - 1}: eta ${ev.eta}, want ${want}`);
        }
      },
    };
    await runScenario(scenario, { sinks: [sink], checkInvariants: false });
    expect(retries).toBeGreaterThan(1000);
    expect(mismatches).toEqual([]);
  });

  test("the SPEC's example sequence: min 10, max 300, max_doublings 3", () => {
    const retry = { minBackoffUs: 10 * US_PER_S, maxBackoffUs: 300 * US_PER_S, maxDoublings: 3 };
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, retry) / US_PER_S)).toEqual([
      10, 20, 40, 80, 160, 240, 300, 300,
    ]);
    expect([1, 2, 3].map((n) => backoffDelay(n, { ...retry, maxDoublings: 0 }) / US_PER_S)).toEqual([10, 20, 30]);
  });
});
