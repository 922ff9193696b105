/**
 * tasksim serve driven by the official @google-cloud/tasks v2 client over gRPC, against real handlers
 * on 127.0.0.1. Expected values are computed here from SPEC (CT-1…6, HDR-1…6, RETRY-4), by hand.
 * Anything about time runs on the virtual clock; on the real clock the tests wait for events.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { PARENT, codeOf, etaHeader, startHandler, startServe, tsUs, type Handler, type Serve } from './harness.js';

const S = 1e6;
let serve: Serve | undefined;
let handler: Handler | undefined;

afterEach(async () => {
  await serve?.close();
  await handler?.close();
  serve = handler = undefined;
});

/** Polls `probe` until it returns true: a wait for a state, bounded by a count, not by a margin. */
async function until(probe: () => Promise<boolean>, tries = 3000): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('state not reached');
}

const retrying = {
  rateLimits: { maxDispatchesPerSecond: 10, maxConcurrentDispatches: 3 },
  retryConfig: { maxAttempts: 5, minBackoff: { seconds: 10 }, maxBackoff: { seconds: 300 }, maxDoublings: 3 },
};

describe('queues (CT-1)', () => {
  it('CreateQueue keeps rate and retry config, derives maxBurstSize, reads proto3 zeros as unset', async () => {
    serve = await startServe({ clock: 'virtual' });
    const [q] = await serve.v2.createQueue({ parent: PARENT, queue: { name: `${PARENT}/queues/rated`, ...retrying } });
    expect(q.state).toBe('RUNNING');
    expect(q.rateLimits).toMatchObject({ maxDispatchesPerSecond: 10, maxConcurrentDispatches: 3, maxBurstSize: 10 });
    expect(q.retryConfig).toMatchObject({ maxAttempts: 5, maxDoublings: 3 });
    expect(tsUs(q.retryConfig!.minBackoff)).toBe(10 * S);
    expect(tsUs(q.retryConfig!.maxBackoff)).toBe(300 * S);
    const [got] = await serve.v2.getQueue({ name: `${PARENT}/queues/rated` });
    expect(got.rateLimits).toEqual(q.rateLimits);

    // Zeros are "unspecified": Cloud Tasks' defaults (500/s, 1000 concurrent, 100 attempts, 16 doublings).
    const [d] = await serve.v2.createQueue({
      parent: PARENT,
      queue: {
        name: `${PARENT}/queues/defaults`,
        rateLimits: { maxDispatchesPerSecond: 0 },
        retryConfig: { maxAttempts: 0 },
      },
    });
    expect(d.rateLimits).toMatchObject({
      maxDispatchesPerSecond: 500,
      maxConcurrentDispatches: 1000,
      maxBurstSize: 100,
    });
    expect(d.retryConfig).toMatchObject({ maxAttempts: 100, maxDoublings: 16 });
    const [u] = await serve.v2.createQueue({
      parent: PARENT,
      queue: { name: `${PARENT}/queues/unlimited`, retryConfig: { maxAttempts: -1 } },
    });
    expect(u.retryConfig!.maxAttempts).toBe(-1);

    const [queues] = await serve.v2.listQueues({ parent: PARENT });
    expect(queues.map((x) => x.name!.split('/').pop()).sort()).toEqual(['default', 'defaults', 'rated', 'unlimited']);

    const tooFast = await codeOf(
      serve.v2.createQueue({
        parent: PARENT,
        queue: { name: `${PARENT}/queues/fast`, rateLimits: { maxDispatchesPerSecond: 501 } },
      }),
    );
    expect(tooFast.code).toBe(status.INVALID_ARGUMENT);
    expect(tooFast.details).toContain('CT-1');
    expect(
      (await codeOf(serve.v2.createQueue({ parent: PARENT, queue: { name: `${PARENT}/queues/rated` } }))).code,
    ).toBe(status.ALREADY_EXISTS);
    expect(
      (await codeOf(serve.v2.createQueue({ parent: PARENT, queue: { name: `${PARENT}/queues/bad_name` } }))).code,
    ).toBe(status.INVALID_ARGUMENT);
  });

  it('UpdateQueue changes only the fields in its mask', async () => {
    serve = await startServe({ clock: 'virtual' });
    const name = `${PARENT}/queues/upd`;
    await serve.v2.createQueue({ parent: PARENT, queue: { name, ...retrying } });
    const [q] = await serve.v2.updateQueue({
      queue: {
        name,
        rateLimits: { maxDispatchesPerSecond: 2, maxConcurrentDispatches: 7 },
        retryConfig: { maxAttempts: 9 },
      },
      updateMask: { paths: ['rate_limits.max_dispatches_per_second'] },
    });
    expect(q.rateLimits).toMatchObject({ maxDispatchesPerSecond: 2, maxBurstSize: 2, maxConcurrentDispatches: 3 });
    expect(q.retryConfig!.maxAttempts).toBe(5);
  });
});

describe('push tasks to a real handler (CT-2, CT-3, HDR-1…6)', () => {
  it('a named App Engine task, failing twice then succeeding: headers on each attempt, counts, backoff in virtual time', async () => {
    handler = await startHandler([400, 400, 200]);
    serve = await startServe({ clock: 'virtual', appEngineHost: handler.origin });
    const queue = `${PARENT}/queues/work`;
    await serve.v2.createQueue({ parent: PARENT, queue: { name: queue, ...retrying } });
    const t0 = (await serve.clock.now()).nowUs;
    const [task] = await serve.v2.createTask({
      parent: queue,
      task: {
        name: `${queue}/tasks/order-17`,
        appEngineHttpRequest: {
          relativeUri: '/tasks/work?x=1',
          body: Buffer.from('payload-1'),
          headers: { 'X-Mine': 'yes' },
        },
      },
    });
    expect(task.name).toBe(`${queue}/tasks/order-17`);
    expect(tsUs(task.scheduleTime)).toBe(t0);

    await handler.received(1);
    await serve.clock.advance('0s'); // a barrier: the answer has been applied
    const [after1] = await serve.v2.getTask({ name: task.name, responseView: 'FULL' });
    expect(after1.dispatchCount).toBe(1);
    expect(after1.responseCount).toBe(1);
    expect(tsUs(after1.firstAttempt!.dispatchTime)).toBe(t0);
    expect(after1.lastAttempt!.responseStatus!.code).toBe(status.INVALID_ARGUMENT); // HTTP 400
    expect(tsUs(after1.scheduleTime)).toBe(t0 + 10 * S); // RETRY-4: delay(1) = 10 s
    expect(Buffer.from(after1.appEngineHttpRequest!.body as Uint8Array).toString()).toBe('payload-1');
    const [basic] = await serve.v2.getTask({ name: task.name });
    expect(basic.appEngineHttpRequest!.body?.length ?? 0).toBe(0); // BASIC leaves the body out (CT-3)

    await serve.clock.advance('9s');
    expect(handler.seen).toHaveLength(1); // not before its ETA (PUSH-4)
    await serve.clock.advance('1s');
    expect(handler.seen).toHaveLength(2);
    await serve.clock.advance('20s'); // delay(2) = 20 s
    expect(handler.seen).toHaveLength(3);

    const etas = [t0, t0 + 10 * S, t0 + 30 * S];
    handler.seen.forEach((req, i) => {
      expect(req.method).toBe('POST');
      expect(req.url).toBe('/tasks/work?x=1');
      expect(req.body).toBe('payload-1');
      expect(req.headers['x-mine']).toBe('yes');
      expect(req.headers['content-type']).toBe('application/octet-stream'); // HANDLER-6
      expect(req.headers['x-appengine-queuename']).toBe('work'); // HDR-1
      expect(req.headers['x-appengine-taskname']).toBe('order-17'); // HDR-2
      expect(req.headers['x-appengine-taskretrycount']).toBe(String(i)); // HDR-3
      expect(req.headers['x-appengine-taskexecutioncount']).toBe(String(i)); // HDR-4: 400s reached the handler
      expect(req.headers['x-appengine-tasketa']).toBe(etaHeader(etas[i])); // HDR-5: the retry's ETA
      expect(req.headers['x-appengine-taskpreviousresponse']).toBe(i === 0 ? undefined : '400'); // HDR-6
    });

    // Done: the task is gone (HANDLER-1), and its name stays taken (CT-6 tombstone).
    expect((await codeOf(serve.v2.getTask({ name: task.name }))).code).toBe(status.NOT_FOUND);
    const dup = await codeOf(
      serve.v2.createTask({ parent: queue, task: { name: task.name, appEngineHttpRequest: {} } }),
    );
    expect(dup.code).toBe(status.ALREADY_EXISTS);
    expect(dup.details).toContain('TASK-2');
  });

  it('an unnamed HTTP task on the real clock: X-CloudTasks-* headers on each attempt, a system name, its own method and URL', async () => {
    handler = await startHandler([409, 409, 204]);
    serve = await startServe({ clock: 'real' });
    const queue = `${PARENT}/queues/http`;
    await serve.v2.createQueue({
      parent: PARENT,
      queue: {
        name: queue,
        retryConfig: { maxAttempts: 3, minBackoff: { nanos: 100_000_000 }, maxBackoff: { nanos: 100_000_000 } },
      },
    });
    const [task] = await serve.v2.createTask({
      parent: queue,
      task: {
        httpRequest: {
          url: `${handler.origin}/hook/run?id=7`,
          httpMethod: 'PUT',
          body: Buffer.from('{"a":1}'),
          headers: { 'Content-Type': 'application/json' },
        },
      },
    });
    const shortName = task.name!.split('/').pop()!;
    expect(task.name).toBe(`${queue}/tasks/${shortName}`);
    const seen = await handler.received(3);
    const etas = seen.map((r) => Number(r.headers['x-cloudtasks-tasketa']));
    expect(seen[0].headers['x-cloudtasks-tasketa']).toBe(etaHeader(tsUs(task.scheduleTime)));
    seen.forEach((req, i) => {
      expect([req.method, req.url, req.body]).toEqual(['PUT', '/hook/run?id=7', '{"a":1}']);
      expect(req.headers['content-type']).toBe('application/json');
      expect(req.headers['x-cloudtasks-queuename']).toBe('http');
      expect(req.headers['x-cloudtasks-taskname']).toBe(shortName);
      expect(req.headers['x-cloudtasks-taskretrycount']).toBe(String(i));
      expect(req.headers['x-cloudtasks-taskexecutioncount']).toBe(String(i));
      expect(req.headers['x-cloudtasks-taskpreviousresponse']).toBe(i === 0 ? undefined : '409');
      expect(Object.keys(req.headers).filter((h) => h.startsWith('x-appengine-'))).toEqual([]);
      // RETRY-4: the retry's ETA is the failed response's time + 0.1 s, so at least 0.1 s after the last ETA.
      if (i > 0) expect(etas[i] - etas[i - 1]).toBeGreaterThanOrEqual(0.1);
    });
    await until(async () => (await codeOf(serve!.v2.getTask({ name: task.name }))).code === status.NOT_FOUND);
  });
});

describe('RunTask (CT-4)', () => {
  it('is one attempt now, replacing the pending one; a failed run is retried at response + backoff', async () => {
    handler = await startHandler([500, 200]);
    serve = await startServe({ clock: 'virtual', appEngineHost: handler.origin });
    const queue = `${PARENT}/queues/run`;
    await serve.v2.createQueue({ parent: PARENT, queue: { name: queue, ...retrying } });
    const t0 = (await serve.clock.now()).nowUs;
    const [task] = await serve.v2.createTask({
      parent: queue,
      task: {
        name: `${queue}/tasks/later`,
        scheduleTime: { seconds: Math.floor(t0 / S) + 3600 },
        appEngineHttpRequest: {},
      },
    });
    await serve.clock.advance('0s');
    expect(handler.seen).toHaveLength(0);

    await serve.v2.runTask({ name: task.name });
    await handler.received(1);
    await serve.clock.advance('0s');
    const [t] = await serve.v2.getTask({ name: task.name });
    expect([t.dispatchCount, t.responseCount]).toEqual([1, 1]);
    expect(tsUs(t.scheduleTime)).toBe(t0 + 10 * S); // RETRY-4: failed now, delay(1) = 10 s; the 1 h ETA is gone
    expect(handler.seen[0].headers['x-appengine-taskretrycount']).toBe('0');

    await serve.clock.advance('10s');
    expect(handler.seen).toHaveLength(2); // the retry, and nothing else
    await serve.clock.advance('2h');
    expect(handler.seen).toHaveLength(2); // no delivery at the old ETA
  });
});

describe('pause, resume, purge, delete (PUSH-8, CT-4)', () => {
  it('a paused queue dispatches nothing, resumes where it stopped, and pauses again', async () => {
    handler = await startHandler([200]);
    serve = await startServe({ clock: 'virtual', appEngineHost: handler.origin });
    const queue = `${PARENT}/queues/pausable`;
    await serve.v2.createQueue({ parent: PARENT, queue: { name: queue } });
    const [paused] = await serve.v2.pauseQueue({ name: queue });
    expect(paused.state).toBe('PAUSED');
    const [task] = await serve.v2.createTask({ parent: queue, task: { appEngineHttpRequest: {} } });
    await serve.clock.advance('1m');
    expect(handler.seen).toHaveLength(0);
    const refused = await codeOf(serve.v2.runTask({ name: task.name }));
    expect(refused.code).toBe(status.FAILED_PRECONDITION);

    const [resumed] = await serve.v2.resumeQueue({ name: queue });
    expect(resumed.state).toBe('RUNNING');
    await serve.clock.advance('0s');
    expect(handler.seen).toHaveLength(1);

    await serve.v2.pauseQueue({ name: queue });
    await serve.v2.createTask({ parent: queue, task: { appEngineHttpRequest: {} } });
    await serve.clock.advance('1m');
    expect(handler.seen).toHaveLength(1);
    await serve.v2.resumeQueue({ name: queue });
    await serve.clock.advance('0s');
    expect(handler.seen).toHaveLength(2);
  });

  it('PurgeQueue deletes every task; DeleteQueue deletes the queue and its tasks', async () => {
    handler = await startHandler([200]);
    serve = await startServe({ clock: 'virtual', appEngineHost: handler.origin });
    const queue = `${PARENT}/queues/purged`;
    await serve.v2.createQueue({ parent: PARENT, queue: { name: queue } });
    const t0 = (await serve.clock.now()).nowUs;
    const later = { seconds: Math.floor(t0 / S) + 600 };
    for (const id of ['a', 'b', 'c'])
      await serve.v2.createTask({
        parent: queue,
        task: { name: `${queue}/tasks/${id}`, scheduleTime: later, appEngineHttpRequest: {} },
      });
    const [listed] = await serve.v2.listTasks({ parent: queue });
    expect(listed.map((t) => t.name!.split('/').pop())).toEqual(['a', 'b', 'c']);
    const [purged] = await serve.v2.purgeQueue({ name: queue });
    expect(tsUs(purged.purgeTime)).toBe(t0);
    expect((await serve.v2.listTasks({ parent: queue }))[0]).toEqual([]);
    await serve.clock.advance('20m');
    expect(handler.seen).toHaveLength(0);

    await serve.v2.createTask({
      parent: queue,
      task: {
        name: `${queue}/tasks/d`,
        scheduleTime: { seconds: Math.floor(t0 / S) + 3600 },
        appEngineHttpRequest: {},
      },
    });
    await serve.v2.deleteQueue({ name: queue });
    expect((await codeOf(serve.v2.getQueue({ name: queue }))).code).toBe(status.NOT_FOUND);
    expect((await codeOf(serve.v2.createTask({ parent: queue, task: { appEngineHttpRequest: {} } }))).code).toBe(
      status.NOT_FOUND,
    );
    await serve.clock.advance('2h');
    expect(handler.seen).toHaveLength(0);
  });

  it('DeleteTask removes a task; a second delete is NOT_FOUND', async () => {
    serve = await startServe({ clock: 'virtual' });
    const queue = `${PARENT}/queues/del`;
    await serve.v2.createQueue({ parent: PARENT, queue: { name: queue } });
    await serve.v2.pauseQueue({ name: queue });
    const [task] = await serve.v2.createTask({ parent: queue, task: { appEngineHttpRequest: {} } });
    await serve.v2.deleteTask({ name: task.name });
    expect((await codeOf(serve.v2.deleteTask({ name: task.name }))).code).toBe(status.NOT_FOUND);
  });
});

describe('the virtual clock', () => {
  it('skips an hour of backoff at once: the retry comes when the clock is moved, with ETA exactly an hour on', async () => {
    handler = await startHandler([500, 200]);
    serve = await startServe({ clock: 'virtual', appEngineHost: handler.origin });
    const queue = `${PARENT}/queues/slow`;
    await serve.v2.createQueue({
      parent: PARENT,
      queue: { name: queue, retryConfig: { minBackoff: { seconds: 3600 }, maxBackoff: { seconds: 3600 } } },
    });
    const t0 = (await serve.clock.now()).nowUs;
    await serve.v2.createTask({ parent: queue, task: { appEngineHttpRequest: {} } });
    await handler.received(1);
    await serve.clock.advance('59m');
    expect(handler.seen).toHaveLength(1);
    const moved = await serve.clock.advance('1m');
    expect(moved.nowUs).toBe(t0 + 3600 * S);
    expect(handler.seen).toHaveLength(2);
    expect(handler.seen[1].headers['x-appengine-tasketa']).toBe(etaHeader(t0 + 3600 * S));
    const idle = await serve.clock.runUntilIdle();
    expect(idle).toMatchObject({ idle: true, nowUs: t0 + 3600 * S });
  });

  it('CT-5: a 429 with Retry-After puts the next attempt no sooner than it asks, past the backoff', async () => {
    handler = await startHandler([
      { status: 429, headers: { 'Retry-After': '120' } },
      { status: 503, headers: { 'Retry-After': '1' } },
      200,
    ]);
    serve = await startServe({ clock: 'virtual', appEngineHost: handler.origin });
    const queue = `${PARENT}/queues/polite`;
    await serve.v2.createQueue({
      parent: PARENT,
      queue: { name: queue, retryConfig: { minBackoff: { seconds: 10 }, maxBackoff: { seconds: 10 } } },
    });
    const t0 = (await serve.clock.now()).nowUs;
    await serve.v2.createTask({ parent: queue, task: { appEngineHttpRequest: {} } });
    await handler.received(1);
    await serve.clock.advance('119s');
    expect(handler.seen).toHaveLength(1); // the backoff (10 s) alone would have retried by now
    await serve.clock.advance('1s');
    expect(handler.seen).toHaveLength(2);
    expect(handler.seen[1].headers['x-appengine-tasketa']).toBe(etaHeader(t0 + 120 * S));
    await serve.clock.advance('10s'); // Retry-After 1 s is shorter than the backoff: the backoff wins
    expect(handler.seen).toHaveLength(3);
    expect(handler.seen[2].headers['x-appengine-tasketa']).toBe(etaHeader(t0 + 130 * S));
  });

  it('refuses bad moves with 400, and moves of the real clock with 409', async () => {
    serve = await startServe({ clock: 'virtual' });
    expect((await serve.clock.post('/clock/advance?by=soon')).status).toBe(400);
    expect((await serve.clock.post('/clock/advance?by=400d')).status).toBe(400);
    await serve.close();
    serve = await startServe({ clock: 'real' });
    expect((await serve.clock.post('/clock/advance?by=1s')).status).toBe(409);
    expect((await serve.clock.now()).clock).toBe('real');
  });
});
