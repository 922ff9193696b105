/**
 * How the harness's handler answers. A behaviour is a weighted mix of answer kinds; which kind a
 * delivery gets is a pure function of (run seed, behaviour, task, how many times the harness has seen
 * that task), never of arrival order or wall time. So the model and the queue under test get the
 * same answers for the same deliveries, and a difference in what they deliver is a real difference.
 */
import { lacks, type Capabilities, type PushAnswer } from '../adapters/contract.js';
import { US_PER_MS, type Micros } from '../sim/time.js';

export type AnswerKind = 'ok' | 'error' | 'unavailable' | 'redirect' | 'slow' | 'reset' | 'timeout';

export interface Behaviour {
  name: string;
  mix: readonly (readonly [AnswerKind, number])[];
}

/** The behaviours the fuzzer switches between (HANDLER-1…3, PUSH-6, DEADLINE-2). */
export const BEHAVIOURS: readonly Behaviour[] = [
  { name: 'healthy', mix: [['ok', 1]] },
  { name: 'failing', mix: [['error', 1]] },
  { name: 'unavailable', mix: [['unavailable', 1]] },
  {
    name: 'flaky',
    mix: [
      ['ok', 2],
      ['error', 1],
      ['unavailable', 1],
      ['redirect', 1],
      ['reset', 1],
    ],
  },
  {
    name: 'slow',
    mix: [
      ['slow', 3],
      ['ok', 1],
    ],
  },
  {
    name: 'timeouts',
    mix: [
      ['timeout', 1],
      ['error', 1],
    ],
  },
  {
    name: 'mixed',
    mix: [
      ['ok', 1],
      ['error', 1],
      ['unavailable', 1],
      ['redirect', 1],
      ['slow', 1],
      ['reset', 1],
      ['timeout', 1],
    ],
  },
];

export const HEALTHY = BEHAVIOURS[0];

/**
 * The behaviours played on the wall clock: no deadline-length answers (a 10-minute deadline is not a
 * test), and no 503s: HANDLER-3/INST-2 throttling halves the dispatch rate per 503, and the order in
 * which two queues see 503s and 2xx decides by how much, so its timing compounds past any stated
 * tolerance. Throttling is judged in virtual time. Redirects and resets stay (PUSH-6, HANDLER-2).
 */
export const WALL_CLOCK_BEHAVIOURS: readonly Behaviour[] = [
  BEHAVIOURS[0],
  BEHAVIOURS[1],
  {
    name: 'flaky-without-503',
    mix: [
      ['ok', 2],
      ['error', 1],
      ['redirect', 1],
      ['reset', 1],
    ],
  },
];

/** Virtual latencies: long enough that attempts overlap (PUSH-3), short of the deadline except `timeout`. */
const LATENCY_US: Record<AnswerKind, Micros> = {
  ok: 20 * US_PER_MS,
  error: 20 * US_PER_MS,
  unavailable: 5 * US_PER_MS,
  redirect: 10 * US_PER_MS,
  slow: 1500 * US_PER_MS,
  reset: 0,
  timeout: 0, // replaced by deadline + 1 s
};

/** On the wall clock (queues that do not control their clock) answers stay short: see tolerance.ts. */
export const REAL_LATENCY_CAP_US = 20 * US_PER_MS;

export function answerFor(kind: AnswerKind, deadlineUs: Micros, realTime: boolean): PushAnswer {
  const lat = realTime ? Math.min(LATENCY_US[kind], REAL_LATENCY_CAP_US) : LATENCY_US[kind];
  switch (kind) {
    case 'ok':
    case 'slow':
      return { status: 200, outcome: 'ok', latencyUs: lat };
    case 'error':
      return { status: 500, outcome: 'error', latencyUs: lat };
    case 'unavailable':
      return { status: 503, outcome: 'error', latencyUs: lat }; // HANDLER-3
    case 'redirect':
      return { status: 302, outcome: 'error', latencyUs: lat }; // PUSH-6: not followed, a failure
    case 'reset':
      return { status: 0, outcome: 'net', latencyUs: lat }; // HANDLER-2
    case 'timeout':
      return { status: 0, outcome: 'deadline', latencyUs: deadlineUs + 1_000_000 }; // DEADLINE-2
  }
}

/** The kind of answer for the `nth` (1-based) delivery of task `key` the harness sees. */
export function chooseKind(b: Behaviour, seed: number, key: number, nth: number): AnswerKind {
  if (b.mix.length === 1) return b.mix[0][0];
  let total = 0;
  for (const [, w] of b.mix) total += w;
  let x = (hash3(seed, key, nth) / 0x1_0000_0000) * total;
  for (const [kind, w] of b.mix) {
    x -= w;
    if (x < 0) return kind;
  }
  return b.mix[b.mix.length - 1][0];
}

/** A 32-bit mix of three integers (murmur3's finalizer over a running combination). */
function hash3(a: number, b: number, c: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ b, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ Math.imul(c, 0x27d4eb2f), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Behaviours that can be played on the wall clock (see WALL_CLOCK_BEHAVIOURS). */
export function usableOnWallClock(b: Behaviour): boolean {
  return b.mix.every(([k]) => k !== 'timeout' && k !== 'unavailable');
}

/**
 * The behaviour as a queue lacking 503 throttling or deadline answers gets it: those kinds are taken
 * out of the mix (a mix left empty answers with a plain failure). The draw is the same, so a seed
 * keeps its sequence for any queue.
 */
export function fitBehaviour(b: Behaviour, caps: Capabilities): Behaviour {
  const drop = new Set<AnswerKind>();
  if (lacks(caps, '503')) drop.add('unavailable');
  if (lacks(caps, 'deadlines')) drop.add('timeout');
  if (drop.size === 0 || b.mix.every(([k]) => !drop.has(k))) return b;
  const mix = b.mix.filter(([k]) => !drop.has(k));
  return { name: `${b.name} (without ${[...drop].join(', ')})`, mix: mix.length > 0 ? mix : [['error', 1]] };
}
