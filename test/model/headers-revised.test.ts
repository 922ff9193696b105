/**
 * HDR-4/5/6 as SPEC words them, through the engine driven like a real target (external mode):
 * ExecutionCount counts only earlier attempts that reached the handler and got a non-2xx; a
 * connection failure, a missing instance and (by default) a missed deadline do not; the cloud-tasks
 * profile also leaves out 5xx answers (CT-5). PreviousResponse is 0 when there was no HTTP status.
 * The ETA header on a retry is the retry's ETA, or the original ETA under the Java stub's option.
 */
import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/model/types.js';
import type { PushAnswer } from '../../src/sim/exchange.js';
import { DEFAULT_EPOCH_US } from '../../src/sim/time.js';
import {
  S,
  driveExternal,
  expectInvariantsHold,
  makeEngine,
  pushQueue,
  type ConfigOptions,
} from '../helpers/engine.js';

const H = {
  rc: 'X-AppEngine-TaskRetryCount',
  ec: 'X-AppEngine-TaskExecutionCount',
  pr: 'X-AppEngine-TaskPreviousResponse',
  rr: 'X-AppEngine-TaskRetryReason',
  eta: 'X-AppEngine-TaskETA',
};

type Answer = number | PushAnswer;
const net: PushAnswer = { status: 0, outcome: 'net', latencyUs: 1000 };
/** A connection reset after the handler had set a status: the queue still got no HTTP answer. */
const netWithStatus: PushAnswer = { status: 502, outcome: 'net', latencyUs: 1000 };
const late: PushAnswer = { status: 200, outcome: 'ok', latencyUs: 11 * 60 * S }; // past the 10-minute deadline

/** Answers attempt n with script[n − 1] (then 200), and returns each delivery's headers. */
async function run(script: Answer[], config: ConfigOptions = {}, retry = {}) {
  const te = makeEngine({
    ...config,
    queues: [pushQueue('q', { retry: { minBackoffUs: S, maxBackoffUs: S, ...retry } })],
    external: true,
  });
  te.engine.addTasks('q', [{ countdownUs: 5 * S }]);
  const ds = await driveExternal(te, (d: Delivery) => script[d.attempt - 1] ?? 200);
  await expectInvariantsHold(te.events);
  return { te, headers: ds.map((d) => d.headers) };
}

const column = (hs: Record<string, string>[], h: string) => hs.map((x) => x[h]);

describe('HDR-4 ExecutionCount: earlier attempts that reached the handler and failed', () => {
  it('HDR-4 appengine: 500, connection failure, 302, 404 → 0, 1, 1, 2, 3 (the connection failure does not count)', async () => {
    const { headers } = await run([500, net, 302, 404]);
    expect(column(headers, H.rc)).toEqual(['0', '1', '2', '3', '4']);
    expect(column(headers, H.ec)).toEqual(['0', '1', '1', '2', '3']);
  });

  it('HDR-4 a missed deadline does not count by default; it does under deadline-execution=counted (SPEC §10)', async () => {
    expect(column((await run([late, 500])).headers, H.ec)).toEqual(['0', '0', '1']);
    expect(column((await run([late, 500], { options: { deadlineCountsAsExecution: true } })).headers, H.ec)).toEqual([
      '0',
      '1',
      '2',
    ]);
  });

  it('HDR-4 / CT-5 cloud-tasks leaves out every 5xx: 500, 503, 599, 404, 499, 302 → 0, 0, 0, 0, 1, 2, 3', async () => {
    // 499 and 302 are not 5xx: they count (a non-2xx from the handler).
    const { headers } = await run([500, 503, 599, 404, 499, 302], { profile: 'cloud-tasks' });
    expect(column(headers, H.ec)).toEqual(['0', '0', '0', '0', '1', '2', '3']);
    expect(column(headers, H.rc)).toEqual(['0', '1', '2', '3', '4', '5', '6']);
  });

  it('HDR-4 appengine counts the same answers every time they reached the handler: 0 … 6', async () => {
    const { headers } = await run([500, 503, 599, 404, 499, 302]);
    expect(column(headers, H.ec)).toEqual(['0', '1', '2', '3', '4', '5', '6']);
  });

  it('HDR-4 / CT-5 execution-count-5xx=counted under cloud-tasks counts them again; left-out under appengine leaves them out', async () => {
    expect(
      column((await run([500, 404], { profile: 'cloud-tasks', options: { executionCounts5xx: true } })).headers, H.ec),
    ).toEqual(['0', '1', '2']);
    expect(column((await run([500, 404], { options: { executionCounts5xx: false } })).headers, H.ec)).toEqual([
      '0',
      '0',
      '1',
    ]);
  });
});

describe('HDR-6 PreviousResponse (HDR-7 RetryReason beside it)', () => {
  it('HDR-6 the previous status, or 0 when the attempt got none: a connection failure, a missed deadline', async () => {
    const { headers } = await run([404, net, late, netWithStatus, 302]);
    expect(column(headers, H.pr)).toEqual([undefined, '404', '0', '0', '0', '302']);
    expect(column(headers, H.rr)).toEqual([
      undefined,
      'App Error',
      'Instance Unavailable',
      'Instance Unavailable',
      'Instance Unavailable',
      'App Error',
    ]);
  });
});

describe('HDR-5 the ETA header on a retry (SPEC §10)', () => {
  // The task's ETA is 5 s; a failure answered 1 ms after each dispatch is retried 1 s later.
  const etas = ['1767225605.000000', '1767225606.001000', '1767225607.002000'];

  it('HDR-5 default (Python stub): each retry carries its own ETA', async () => {
    expect(DEFAULT_EPOCH_US).toBe(1_767_225_600 * S);
    expect(column((await run([500, 500])).headers, H.eta)).toEqual(etas);
  });

  it('HDR-5 retry-eta-header=original (Java stub): every attempt carries the ETA given at add', async () => {
    const { te, headers } = await run([500, 500], { options: { retryEtaHeader: 'original' } });
    expect(column(headers, H.eta)).toEqual([etas[0], etas[0], etas[0]]);
    // The retries still go at their own ETA (RETRY-4); only the header differs.
    expect(te.of('dispatch').map((d) => d.t)).toEqual([5 * S, 6 * S + 1000, 7 * S + 2000]);
  });
});
