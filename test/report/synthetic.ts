/**
 * A plausible trace for report tests and screenshots, made without the engine: a tick loop with a
 * token bucket per push queue (PUSH-2), max_concurrent_requests (PUSH-3), retries with backoff
 * (RETRY-4), an outage whose no-instance failures throttle the queue (INST-2), and a pull queue with
 * leases, deletes and expiries. Seeded, so it is the same trace every time.
 */
import { Random } from '../../src/sim/random.js';
import type { Outcome } from '../../src/sim/events.js';
import { MS, S, TraceBuilder, pullQueue, pushQueue } from './trace-builder.js';

interface Pending {
  id: number;
  eta: number;
  n: number;
}

interface Flight {
  id: number;
  n: number;
  done: number;
  out: Outcome;
}

interface PushSim {
  name: string;
  rate: number;
  bucket: number;
  mcr: number | undefined;
  arrivalsPerSec: (t: number) => number;
  failP: number;
  limit: number;
  tokens: number;
  effective: number;
  ready: Pending[];
  flights: Flight[];
  nextArrival: number;
}

export function syntheticTrace(seed = 7, durationUs = 150 * S): TraceBuilder {
  const rnd = new Random(seed);
  const b = new TraceBuilder();
  const queues: PushSim[] = [
    {
      name: 'default',
      rate: 20,
      bucket: 10,
      mcr: 8,
      failP: 0.04,
      limit: 5,
      arrivalsPerSec: (t) => (t > 30 * S && t < 45 * S ? 45 : 14),
      tokens: 10,
      effective: 20,
      ready: [],
      flights: [],
      nextArrival: 0,
    },
    {
      name: 'emails',
      rate: 5,
      bucket: 5,
      mcr: undefined,
      failP: 0.12,
      limit: 3,
      arrivalsPerSec: (t) => (t < 100 * S ? 4 : 1),
      tokens: 5,
      effective: 5,
      ready: [],
      flights: [],
      nextArrival: 0,
    },
  ];
  b.config(
    [
      pushQueue('default', { rate: '20/s', ratePerSec: 20, bucketSize: 10, maxConcurrentRequests: 8 }),
      pushQueue('emails', { rate: '5/s', ratePerSec: 5, bucketSize: 5 }),
      pullQueue('batch'),
    ],
    seed,
  );
  const outage = [70 * S, 82 * S] as const;
  b.outage(outage[0], true).outage(outage[1], false);
  b.pause(110 * S, 'emails').resume(118 * S, 'emails');
  b.instances(0, 2);

  let nextId = 0;
  const tick = 10 * MS;
  for (let t = 0; t < durationUs; t += tick) {
    const inOutage = t >= outage[0] && t < outage[1];
    if (t % (5 * S) === 0) b.instances(t, inOutage ? 0 : 2 + Math.floor(rnd.float() * 3));
    for (const q of queues) {
      // Responses due this tick.
      q.flights = q.flights.filter((f) => {
        if (f.done > t) return true;
        b.response(f.done, f.id, q.name, f.n, f.out, f.out === 'ok' ? 200 : f.out === 'no-instance' ? 503 : 500);
        if (f.out === 'ok') {
          b.success(f.done, f.id, q.name, f.n);
          if (q.effective < q.rate) {
            q.effective = Math.min(q.rate, q.effective * 1.25);
            b.rate(f.done, Number(q.effective.toFixed(3)), q.name);
          }
        } else {
          if (f.out === 'no-instance' && q.effective > 1) {
            q.effective = Math.max(1, q.effective / 2);
            b.rate(f.done, Number(q.effective.toFixed(3)), q.name);
          }
          if (f.n > q.limit) b.exhaust(f.done, f.id, q.name, f.n);
          else {
            const eta = f.done + Math.min(10 * S, 100 * MS * 2 ** (f.n - 1));
            b.retry(f.done, f.id, q.name, f.n + 1, eta);
            q.ready.push({ id: f.id, eta, n: f.n + 1 });
          }
        }
        return false;
      });
      // Arrivals: a Poisson process (exponential gaps) at the queue's current arrival rate.
      while (q.nextArrival < t + tick) {
        const id = nextId++;
        const at = Math.max(t, Math.round(q.nextArrival));
        b.add(at, id, q.name);
        q.ready.push({ id, eta: at, n: 1 });
        q.nextArrival += rnd.exponential(S / q.arrivalsPerSec(t));
      }
      // Dispatch under the token bucket and the concurrency cap.
      const paused = q.name === 'emails' && t >= 110 * S && t < 118 * S;
      q.tokens = Math.min(q.bucket, q.tokens + (q.effective * tick) / S);
      q.ready.sort((a, c) => a.eta - c.eta || a.id - c.id);
      while (
        !paused &&
        q.tokens >= 1 &&
        q.ready.length &&
        q.ready[0].eta <= t + tick &&
        (q.mcr === undefined || q.flights.length < q.mcr)
      ) {
        const p = q.ready.shift()!;
        q.tokens -= 1;
        const at = Math.max(t, p.eta);
        b.dispatch(at, p.id, q.name, p.n);
        const out: Outcome = inOutage
          ? 'no-instance'
          : rnd.chance(q.failP)
            ? rnd.chance(0.1)
              ? 'deadline'
              : 'error'
            : 'ok';
        const lat =
          out === 'no-instance' ? 2 * MS : Math.round(rnd.lognormal(out === 'deadline' ? 2 * S : 120 * MS, 0.6));
        q.flights.push({ id: p.id, n: p.n, done: at + lat, out });
      }
    }
  }
  pullTraffic(b, rnd, nextId, durationUs);
  b.end(durationUs, 'idle');
  return b;
}

/** A pull queue: tasks added steadily, two workers leasing batches every second; most tasks are
 *  deleted after a few seconds of work, some leases expire and the task is leased again. */
function pullTraffic(b: TraceBuilder, rnd: Random, firstId: number, durationUs: number): void {
  const q = 'batch';
  let id = firstId;
  const available: number[] = [];
  const leaseCount = new Map<number, number>();
  const pending: Array<{ id: number; at: number; kind: 'delete' | 'expire' }> = [];
  for (let t = 0; t < durationUs - 20 * S; t += 250 * MS) {
    for (let i = 0; i < 2; i++) {
      b.add(t + i, id, q);
      available.push(id++);
    }
    // Each worker polls about once a second, at its own moments.
    for (const w of [0, 1]) {
      if (!rnd.chance(0.25)) continue;
      const call = t + w * 1000 + rnd.int(0, 200 * MS);
      const capped = rnd.chance(0.05);
      const transient = !capped && rnd.chance(0.03);
      const got = capped || transient ? 0 : Math.min(available.length, 5);
      b.leaseCall(call, q, got, capped ? 'capped' : transient ? 'transient' : 'ok');
      for (let k = 0; k < got; k++) {
        const task = available.shift()!;
        const n = (leaseCount.get(task) ?? 0) + 1;
        leaseCount.set(task, n);
        b.lease(call, task, q, call + 30 * S, n);
        const expires = rnd.chance(0.08);
        const work = Math.min(29 * S, Math.round(rnd.lognormal(4 * S, 0.7)));
        pending.push(
          expires ? { id: task, at: call + 30 * S, kind: 'expire' } : { id: task, at: call + work, kind: 'delete' },
        );
      }
    }
    // Settle what is due by now (ordered by time so an expired task becomes available again).
    pending.sort((a, c) => a.at - c.at);
    while (pending.length && pending[0].at <= t) {
      const p = pending.shift()!;
      if (p.kind === 'delete') b.delete(p.at, p.id, q);
      else {
        b.expire(p.at, p.id, q);
        available.push(p.id);
      }
    }
  }
}
