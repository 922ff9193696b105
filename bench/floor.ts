/**
 * The hardware floor for throughput-1m: the same workload as the engine runs it, written as a bare
 * discrete-event loop over typed arrays, with no object per task, per event or per job. It is the
 * yardstick the engine is measured against (engine time / floor time), not a second simulator: it
 * knows only this one scenario's shape and refuses any other (`floorWorkload`).
 *
 * What it keeps of the engine, so that the two do the same work:
 * - the same arrivals: every task added at t=0, in add order;
 * - PUSH-2's token bucket (same float arithmetic as token-bucket.ts), PUSH-3's concurrency cap;
 * - the same (time, seq) order for jobs and waiting tasks, one seq counter shared by both, and the
 *   same pump wake-ups (a pump job per earlier wake-up, stale ones included), so ties break alike;
 * - the status of each attempt drawn from the same xoroshiro128+ stream (pure-rand's, inlined), one
 *   float per attempt, so its counts of attempts, successes and exhaustions equal the engine's;
 * - RETRY-4's backoff and RETRY-1's limit (SPEC §10 'retries' reading, as the appengine profile);
 * - a SHA-256 over every event's own fields (kind, t, id, attempt, status, latency, ETA, counts),
 *   written into one reusable 64 KiB buffer.
 * Run alone: npx tsx bench/floor.ts
 */
import { createHash } from 'node:crypto';
import type { Scenario } from '../src/scenario/types.js';

/** The numbers of the workload, read from the scenario (throughput-1m's shape only). */
export interface FloorWorkload {
  tasks: number;
  ratePerSec: number;
  bucketSize: number;
  maxConcurrent: number;
  serviceUs: number;
  /** Weight of 2xx, weight of 5xx (non-503): the statuses of throughput-1m. */
  okWeight: number;
  failWeight: number;
  failStatus: number;
  minBackoffUs: number;
  maxBackoffUs: number;
  maxDoublings: number;
  retryLimit: number;
  deadlineUs: number;
}

export interface FloorResult {
  events: number;
  attempts: number;
  succeeded: number;
  exhausted: number;
  virtualUs: number;
  hash: string;
}

/** Reads the floor's numbers from the scenario, refusing anything the bare loop does not model. */
export function floorWorkload(s: Scenario): FloorWorkload {
  const fail = (why: string): never => {
    throw new Error(`the floor loop models throughput-1m's shape only: ${why}`);
  };
  if (s.workload.length !== 1 || s.workload[0].kind !== 'burst' || s.workload[0].startUs !== 0)
    fail('one burst at t=0');
  const w = s.workload[0];
  if (
    w.payloadBytes.max !== 0 ||
    w.etaOffsetUs.max !== 0 ||
    w.namePrefix !== undefined ||
    w.tags.length > 0 ||
    w.failFast
  )
    fail('plain tasks');
  const q = s.config.queues.find((c) => c.name === w.queue)!;
  if (q.mode !== 'push' || q.retry.taskRetryLimit === undefined || q.retry.taskAgeLimitUs !== undefined)
    fail('a push queue with a retry limit only');
  const sv = s.service;
  if (sv.serviceTime.dist !== 'constant' || sv.coldStartUs !== 0 || sv.outages.length > 0 || sv.duplicateRate !== 0)
    fail('a constant, always-available service');
  if ((sv.maxInstances ?? Infinity) !== Infinity || (sv.concurrencyPerInstance ?? Infinity) !== Infinity)
    fail('unbounded instances');
  const st = sv.statuses;
  if (st.length !== 2 || st[0].status < 200 || st[0].status > 299 || st[1].status < 500 || st[1].status === 503)
    fail('a 2xx and a non-503 5xx');
  const o = s.config.options;
  if (o.retryLimitMeans !== 'retries' || o.backoffLinearStep !== 'double' || !o.handler503Counts)
    fail('the appengine profile');
  const serviceUs = sv.serviceTime.dist === 'constant' ? sv.serviceTime.us : fail('a constant service time');
  if (s.stop.untilUs !== undefined || s.config.deadlineUs <= serviceUs) fail('no time limit, no missed deadline');
  return {
    tasks: w.count,
    ratePerSec: q.ratePerSec,
    bucketSize: q.bucketSize,
    maxConcurrent: q.maxConcurrentRequests ?? Infinity,
    serviceUs,
    okWeight: st[0].weight,
    failWeight: st[1].weight,
    failStatus: st[1].status,
    minBackoffUs: q.retry.minBackoffUs,
    maxBackoffUs: q.retry.maxBackoffUs,
    maxDoublings: q.retry.maxDoublings,
    retryLimit: q.retry.taskRetryLimit!,
    deadlineUs: s.config.deadlineUs,
  };
}

const JOB_PUMP = 0;
const JOB_RESPOND = 1;
const EV_ADD = 1,
  EV_DISPATCH = 2,
  EV_RESPONSE = 3,
  EV_RETRY = 4,
  EV_SUCCESS = 5,
  EV_EXHAUST = 6;
const TOKEN_EPSILON = 1e-9;

/**
 * A (t, seq) min-heap over typed arrays carrying one integer payload; it grows by doubling.
 * `t`/`seq` are float64: µs and counters stay exact integers far past 2^32.
 */
class FlatHeap {
  t: Float64Array;
  seq: Float64Array;
  val: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.t = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.val = new Int32Array(capacity);
  }

  push(t: number, seq: number, val: number): void {
    if (this.size === this.t.length) this.grow();
    const ts = this.t,
      ss = this.seq,
      vs = this.val;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (ts[p] < t || (ts[p] === t && ss[p] < seq)) break;
      ts[i] = ts[p];
      ss[i] = ss[p];
      vs[i] = vs[p];
      i = p;
    }
    ts[i] = t;
    ss[i] = seq;
    vs[i] = val;
  }

  /** Removes the top (read it first from t[0], seq[0], val[0]). */
  pop(): void {
    const ts = this.t,
      ss = this.seq,
      vs = this.val;
    const n = --this.size;
    if (n === 0) return;
    const lt = ts[n],
      ls = ss[n],
      lv = vs[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (ts[r] < ts[c] || (ts[r] === ts[c] && ss[r] < ss[c]))) c = r;
      if (lt < ts[c] || (lt === ts[c] && ls < ss[c])) break;
      ts[i] = ts[c];
      ss[i] = ss[c];
      vs[i] = vs[c];
      i = c;
    }
    ts[i] = lt;
    ss[i] = ls;
    vs[i] = lv;
  }

  private grow(): void {
    const t = new Float64Array(this.t.length * 2);
    const seq = new Float64Array(this.t.length * 2);
    const val = new Int32Array(this.t.length * 2);
    t.set(this.t);
    seq.set(this.seq);
    val.set(this.val);
    this.t = t;
    this.seq = seq;
    this.val = val;
  }
}

/** One run of the workload; `seed` feeds the same xoroshiro128+ the engine's Random uses. */
export function runFloor(w: FloorWorkload, seed: number): FloorResult {
  const n = w.tasks;
  // The task table, struct-of-arrays; index = task id (1-based, as the engine numbers them).
  const taskT = new Float64Array(n + 1); // ETA of the next attempt
  const taskSeq = new Float64Array(n + 1);
  const attempts = new Int32Array(n + 1);
  const executions = new Int32Array(n + 1);
  const prevStatus = new Int32Array(n + 1);
  const dispatchedAt = new Float64Array(n + 1);
  const pendingStatus = new Int32Array(n + 1);

  const jobs = new FlatHeap(4096);
  const future = new FlatHeap(4096); // retries waiting for their ETA (the ready queue's heap)
  let fifoHead = 1; // fresh tasks, due at t=0, in add order (the ready queue's FIFO)
  let seqNo = 0;

  // xoroshiro128+ as pure-rand seeds and steps it; uniformFloat64 from two draws.
  let s01 = -1,
    s00 = ~(seed | 0),
    s11 = seed | 0,
    s10 = 0;
  const next = (): number => {
    const out = (s00 + s10) | 0;
    const a0 = s10 ^ s00,
      a1 = s11 ^ s01;
    const o00 = s00,
      o01 = s01;
    s00 = (o00 << 24) ^ (o01 >>> 8) ^ a0 ^ (a0 << 16);
    s01 = (o01 << 24) ^ (o00 >>> 8) ^ a1 ^ ((a1 << 16) | (a0 >>> 16));
    s10 = (a1 << 5) ^ (a0 >>> 27);
    s11 = (a0 << 5) ^ (a1 >>> 27);
    return out;
  };
  const uniform = (): number =>
    (next() & 67108863) * 1.4901161193847656e-8 + (next() & 134217727) * 1.1102230246251565e-16;
  const weightTotal = w.okWeight + w.failWeight;

  // The trace hash: every event's fields as float64s into one reusable buffer.
  const hash = createHash('sha256');
  const CHUNK = 8192; // float64s: 64 KiB
  const out = new Float64Array(CHUNK);
  const outBytes = new Uint8Array(out.buffer);
  let pos = 0;
  let events = 0;
  const flush = (): void => {
    hash.update(outBytes.subarray(0, pos * 8));
    pos = 0;
  };

  // PUSH-2's bucket, with token-bucket.ts's arithmetic.
  const perUs = w.ratePerSec / 1e6;
  let tokens = w.bucketSize;
  let last = 0;
  let inFlight = 0;
  let pumpAt = Infinity;
  let now = 0;
  let succeeded = 0,
    exhausted = 0,
    attemptCount = 0;

  const wakeAt = (t: number): void => {
    const at = t > now ? t : now;
    if (at >= pumpAt) return;
    pumpAt = at;
    jobs.push(at, seqNo++, JOB_PUMP);
  };

  // config event (the engine's first, before any seq is used) and the burst job (seq 0).
  events++;
  seqNo++;
  // The burst: n adds at t=0, each enqueued (seq) with a wake-up for the first.
  for (let id = 1; id <= n; id++) {
    taskSeq[id] = seqNo++;
    if (pos > CHUNK - 16) flush();
    out[pos++] = EV_ADD;
    out[pos++] = 0;
    out[pos++] = id;
    out[pos++] = 0;
    events++;
    wakeAt(0);
  }

  const dispatch = (id: number): void => {
    const a = ++attempts[id];
    attemptCount++;
    if (pos > CHUNK - 16) flush();
    // HDR-1…6's inputs: attempt, execution count, the attempt's ETA, the previous status.
    out[pos++] = EV_DISPATCH;
    out[pos++] = now;
    out[pos++] = id;
    out[pos++] = a;
    out[pos++] = executions[id];
    out[pos++] = taskT[id];
    out[pos++] = prevStatus[id];
    events++;
    inFlight++;
    dispatchedAt[id] = now;
    // The weighted draw of rng.weighted([ok, fail], total).
    pendingStatus[id] = uniform() * weightTotal - w.okWeight < 0 ? 200 : w.failStatus;
    jobs.push(now + w.serviceUs, seqNo++, id);
  };

  const pump = (): void => {
    for (;;) {
      // The earlier of the FIFO head and the retry heap's top, by (t, seq).
      let id: number;
      let fromFifo: boolean;
      if (fifoHead <= n) {
        if (
          future.size > 0 &&
          (future.t[0] < taskT[fifoHead] || (future.t[0] === taskT[fifoHead] && future.seq[0] < taskSeq[fifoHead]))
        ) {
          id = future.val[0];
          fromFifo = false;
        } else {
          id = fifoHead;
          fromFifo = true;
        }
      } else if (future.size > 0) {
        id = future.val[0];
        fromFifo = false;
      } else return;
      const t = taskT[id];
      if (t > now) return wakeAt(t);
      if (inFlight >= w.maxConcurrent) return;
      if (now > last) {
        tokens = Math.min(w.bucketSize, tokens + (now - last) * perUs);
        last = now;
      }
      if (tokens < 1 - TOKEN_EPSILON) return wakeAt(now + Math.ceil((1 - tokens) / perUs));
      tokens = Math.max(0, tokens - 1);
      if (fromFifo) fifoHead++;
      else future.pop();
      dispatch(id);
    }
  };

  const respond = (id: number): void => {
    inFlight--;
    const a = attempts[id];
    const status = pendingStatus[id];
    if (pos > CHUNK - 16) flush();
    out[pos++] = EV_RESPONSE;
    out[pos++] = now;
    out[pos++] = id;
    out[pos++] = a;
    out[pos++] = status;
    out[pos++] = now - dispatchedAt[id];
    events++;
    if (status === 200) {
      out[pos++] = EV_SUCCESS;
      out[pos++] = now;
      out[pos++] = id;
      out[pos++] = a;
      events++;
      succeeded++;
    } else if (a > w.retryLimit) {
      // RETRY-1 (SPEC §10 'retries'): limit N allows N retries, N+1 attempts.
      executions[id]++;
      out[pos++] = EV_EXHAUST;
      out[pos++] = now;
      out[pos++] = id;
      out[pos++] = a;
      events++;
      exhausted++;
    } else {
      executions[id]++;
      prevStatus[id] = status;
      // RETRY-4: min · 2^min(n−1, D) · max(1, n − D), capped at max.
      const doubled = w.minBackoffUs * 2 ** Math.min(a - 1, w.maxDoublings);
      const raw = doubled * (Math.max(0, a - 1 - w.maxDoublings) + 1);
      const eta = now + Math.round(Math.max(w.minBackoffUs, Math.min(w.maxBackoffUs, raw)));
      taskT[id] = eta;
      out[pos++] = EV_RETRY;
      out[pos++] = now;
      out[pos++] = id;
      out[pos++] = a + 1;
      out[pos++] = eta;
      events++;
      const s = seqNo++;
      taskSeq[id] = s;
      future.push(eta, s, id);
      wakeAt(eta);
    }
    pump();
  };

  for (;;) {
    if (jobs.size === 0) break;
    now = jobs.t[0];
    const job = jobs.val[0];
    const jobT = jobs.t[0];
    jobs.pop();
    if (job === JOB_PUMP) {
      if (pumpAt === jobT) pumpAt = Infinity;
      pump();
    } else if (job >= JOB_RESPOND) {
      respond(job);
    }
  }
  events++; // end
  if (pos > CHUNK - 16) flush();
  out[pos++] = 0;
  out[pos++] = now;
  flush();
  return { events, attempts: attemptCount, succeeded, exhausted, virtualUs: now, hash: hash.digest('hex') };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { throughputScenario } = await import('./throughput.js');
  const s = await throughputScenario(Number(process.argv[2] ?? 1_000_000));
  const started = performance.now();
  const r = runFloor(floorWorkload(s), s.seed);
  const ms = performance.now() - started;
  console.log(JSON.stringify({ ...r, ms: Math.round(ms), eventsPerSecond: Math.round(r.events / (ms / 1000)) }));
}
