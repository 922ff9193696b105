/**
 * tasksim serve's REST API (HTTP/1.1 + JSON, on the gRPC port) driven by the official
 * @google-cloud/tasks clients in REST mode, against a real handler on 127.0.0.1: every v2 method
 * through its google.api.http binding, v2beta2's lease methods, and refusals read back as the gRPC
 * codes CT-6 names. Expected values come from SPEC by hand; time moves only on the virtual clock.
 */
import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { PARENT, startHandler, tsUs, type Handler } from './harness.js';
import { recordConnections, startRestServe, type RestServe } from './rest-harness.js';

const S = 1e6;
let serve: RestServe | undefined;
let handler: Handler | undefined;

afterEach(async () => {
  await serve?.close();
  await handler?.close();
  serve = handler = undefined;
});

/** The gRPC code of a refused call and its message (REST errors carry no `details` string). */
async function codeOf(p: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code: number; message: string };
    return { code: e.code, details: e.message };
  }
  throw new Error('the call was expected to be refused');
}

const short = (name: string | null | undefined): string => name!.split('/').pop()!;

describe('queues over REST (CT-1, CT-4, CT-6)', () => {
  it('create, get, list, update, pause, resume, purge and delete, each through its HTTP binding', async () => {
    serve = await startRestServe({ clock: 'virtual' });
    const name = `${PARENT}/queues/rest-q`;
    // POST /v2/{parent}/queues, body: queue — Durations travel as "1.5s" and come back the same.
    const [q] = await serve.rest.createQueue({
      parent: PARENT,
      queue: {
        name,
        rateLimits: { maxDispatchesPerSecond: 4, maxConcurrentDispatches: 2 },
        retryConfig: { maxAttempts: 6, minBackoff: { seconds: 1, nanos: 500_000_000 }, maxBackoff: { seconds: 90 } },
      },
    });
    expect(q.name).toBe(name);
    expect(q.state).toBe('RUNNING');
    // CT-1: maxBurstSize is derived from the rate (a bucket of 4 for 4/s, as the gRPC wire says too).
    expect(q.rateLimits).toMatchObject({ maxDispatchesPerSecond: 4, maxConcurrentDispatches: 2, maxBurstSize: 4 });
    expect(tsUs(q.retryConfig!.minBackoff)).toBe(1.5 * S);
    expect(tsUs(q.retryConfig!.maxBackoff)).toBe(90 * S);

    // GET /v2/{name}: the same queue the gRPC wire sees.
    const [viaRest] = await serve.rest.getQueue({ name });
    const [viaGrpc] = await serve.v2.getQueue({ name });
    expect(viaRest.rateLimits).toEqual({ ...viaGrpc.rateLimits });
    expect(tsUs(viaRest.retryConfig!.minBackoff)).toBe(tsUs(viaGrpc.retryConfig!.minBackoff));

    // GET /v2/{parent}/queues, with pageSize in the query string.
    const [queues] = await serve.rest.listQueues({ parent: PARENT });
    expect(queues.map((x) => short(x.name)).sort()).toEqual(['default', 'rest-q']);
    const [page1, next] = await serve.rest.listQueues({ parent: PARENT, pageSize: 1 }, { autoPaginate: false });
    expect(page1).toHaveLength(1);
    expect(next?.pageToken).toBe('1');

    // PATCH /v2/{queue.name}, body: queue, updateMask in the query string ("rateLimits.maxDispatchesPerSecond").
    const [u] = await serve.rest.updateQueue({
      queue: { name, rateLimits: { maxDispatchesPerSecond: 2, maxConcurrentDispatches: 9 } },
      updateMask: { paths: ['rate_limits.max_dispatches_per_second'] },
    });
    expect(u.rateLimits).toMatchObject({ maxDispatchesPerSecond: 2, maxBurstSize: 2, maxConcurrentDispatches: 2 });

    // POST …:pause / :resume, body "*".
    expect((await serve.rest.pauseQueue({ name }))[0].state).toBe('PAUSED');
    expect((await serve.v2.getQueue({ name }))[0].state).toBe('PAUSED');
    expect((await serve.rest.resumeQueue({ name }))[0].state).toBe('RUNNING');

    // POST …:purge: every task goes (CT-4); purgeTime is the clock's now.
    await serve.rest.pauseQueue({ name });
    await serve.rest.createTask({ parent: name, task: { appEngineHttpRequest: {} } });
    const now = (await serve.clock.now()).nowUs;
    const [purged] = await serve.rest.purgeQueue({ name });
    expect(tsUs(purged.purgeTime)).toBe(now);
    expect((await serve.rest.listTasks({ parent: name }))[0]).toEqual([]);

    // DELETE /v2/{name}; then the queue is NOT_FOUND on either wire.
    await serve.rest.deleteQueue({ name });
    expect((await codeOf(serve.rest.getQueue({ name }))).code).toBe(status.NOT_FOUND);
    expect((await codeOf(serve.v2.getQueue({ name }))).code).toBe(status.NOT_FOUND);
  });

  it('refusals arrive as the gRPC codes CT-6 names: NOT_FOUND, ALREADY_EXISTS, INVALID_ARGUMENT, FAILED_PRECONDITION', async () => {
    serve = await startRestServe({ clock: 'virtual' });
    const missing = await codeOf(serve.rest.getQueue({ name: `${PARENT}/queues/nope` }));
    expect(missing.code).toBe(status.NOT_FOUND);
    expect(missing.details).toContain('CT-6');

    await serve.rest.createQueue({ parent: PARENT, queue: { name: `${PARENT}/queues/twice` } });
    const again = await codeOf(serve.rest.createQueue({ parent: PARENT, queue: { name: `${PARENT}/queues/twice` } }));
    expect(again.code).toBe(status.ALREADY_EXISTS);

    // TASK-1: an underscore is not in a queue id.
    const badName = await codeOf(
      serve.rest.createQueue({ parent: PARENT, queue: { name: `${PARENT}/queues/bad_name` } }),
    );
    expect(badName.code).toBe(status.INVALID_ARGUMENT);
    expect(badName.details).toContain('TASK-1');
    // CT-1: at most 500 dispatches a second.
    const tooFast = await codeOf(
      serve.rest.createQueue({
        parent: PARENT,
        queue: { name: `${PARENT}/queues/fast`, rateLimits: { maxDispatchesPerSecond: 501 } },
      }),
    );
    expect(tooFast.code).toBe(status.INVALID_ARGUMENT);
    expect(tooFast.details).toContain('CT-1');

    // CT-6: RunTask in a paused queue is FAILED_PRECONDITION.
    const paused = `${PARENT}/queues/twice`;
    await serve.rest.pauseQueue({ name: paused });
    const [t] = await serve.rest.createTask({ parent: paused, task: { appEngineHttpRequest: {} } });
    expect((await codeOf(serve.rest.runTask({ name: t.name }))).code).toBe(status.FAILED_PRECONDITION);
  });
});

describe('tasks over REST (CT-2, CT-3, CT-4)', () => {
  it('create (named, with an ETA to the microsecond and a body), get in both views, list, run, delete', async () => {
    handler = await startHandler([500]);
    serve = await startRestServe({ clock: 'virtual', appEngineHost: handler.origin });
    const queue = `${PARENT}/queues/work`;
    await serve.rest.createQueue({
      parent: PARENT,
      queue: { name: queue, retryConfig: { minBackoff: { seconds: 10 }, maxBackoff: { seconds: 10 } } },
    });
    const t0 = (await serve.clock.now()).nowUs;
    const etaUs = t0 + 3600 * S + 250_001; // an hour on, plus 250.001 ms: the µs must survive RFC 3339
    const [task] = await serve.rest.createTask({
      parent: queue,
      task: {
        name: `${queue}/tasks/order-9`,
        scheduleTime: { seconds: Math.floor(etaUs / S), nanos: (etaUs % S) * 1000 },
        appEngineHttpRequest: {
          relativeUri: '/jobs?x=1',
          body: Buffer.from('pay\u00e9load'),
          headers: { 'X-Mine': 'y' },
        },
      },
      responseView: 'FULL',
    });
    expect(task.name).toBe(`${queue}/tasks/order-9`);
    expect(tsUs(task.scheduleTime)).toBe(etaUs);
    expect(task.view).toBe('FULL');
    expect(Buffer.from(task.appEngineHttpRequest!.body as Uint8Array).toString()).toBe('pay\u00e9load');
    expect(task.appEngineHttpRequest!.headers).toMatchObject({ 'X-Mine': 'y' });

    // GET with responseView in the query string; BASIC (the default) leaves the body out (CT-3).
    const [basic] = await serve.rest.getTask({ name: task.name });
    expect(basic.view).toBe('BASIC');
    expect(basic.appEngineHttpRequest!.body?.length ?? 0).toBe(0);
    const [full] = await serve.rest.getTask({ name: task.name, responseView: 'FULL' });
    expect(Buffer.from(full.appEngineHttpRequest!.body as Uint8Array).toString()).toBe('pay\u00e9load');
    const [listed] = await serve.rest.listTasks({ parent: queue });
    expect(listed.map((x) => short(x.name))).toEqual(['order-9']);

    // POST …:run: one attempt now, whatever the ETA (CT-4); the handler's 500 is recorded (CT-3).
    const [ran] = await serve.rest.runTask({ name: task.name });
    expect(short(ran.name)).toBe('order-9');
    await handler.received(1);
    await serve.clock.advance('0s'); // a barrier: the answer has been applied
    const [after] = await serve.rest.getTask({ name: task.name, responseView: 'FULL' });
    expect(after.dispatchCount).toBe(1);
    expect(after.responseCount).toBe(1);
    expect(tsUs(after.firstAttempt!.dispatchTime)).toBe(t0);
    expect(after.lastAttempt!.responseStatus!.code).toBe(status.INTERNAL); // HTTP 500
    expect(tsUs(after.scheduleTime)).toBe(t0 + 10 * S); // retried after the backoff, not at the old ETA
    expect(handler.seen[0].url).toBe('/jobs?x=1');
    expect(handler.seen[0].body).toBe('pay\u00e9load');

    // DELETE; a second delete is NOT_FOUND.
    await serve.rest.deleteTask({ name: task.name });
    expect((await codeOf(serve.rest.deleteTask({ name: task.name }))).code).toBe(status.NOT_FOUND);
    expect((await codeOf(serve.rest.getTask({ name: task.name }))).code).toBe(status.NOT_FOUND);
  });

  it('v2beta2 pull queues: LeaseTasks and AcknowledgeTask with Duration and Timestamp in the body (CT-7)', async () => {
    serve = await startRestServe({ clock: 'virtual' });
    const queue = `${PARENT}/queues/pulled`;
    const [q] = await serve.restBeta.createQueue({ parent: PARENT, queue: { name: queue, pullTarget: {} } });
    expect(q.pullTarget).toBeTruthy();
    const t0 = (await serve.clock.now()).nowUs;
    await serve.restBeta.createTask({
      parent: queue,
      task: { name: `${queue}/tasks/p1`, pullMessage: { tag: 'alpha', payload: Buffer.from('one') } },
    });
    const [res] = await serve.restBeta.leaseTasks({
      parent: queue,
      maxTasks: 5,
      leaseDuration: { seconds: 60, nanos: 500_000_000 },
      filter: 'tag=alpha',
      responseView: 'FULL',
    });
    expect(res.tasks!.map((t) => short(t.name))).toEqual(['p1']);
    expect(Buffer.from(res.tasks![0].pullMessage!.payload as Uint8Array).toString()).toBe('one');
    // PULL-2: the lease ends leaseDuration from now; that scheduleTime is the proof of holding it.
    expect(tsUs(res.tasks![0].scheduleTime)).toBe(t0 + 60.5 * S);
    const stale = await codeOf(
      serve.restBeta.acknowledgeTask({ name: `${queue}/tasks/p1`, scheduleTime: { seconds: Math.floor(t0 / S) } }),
    );
    expect(stale.code).toBe(status.FAILED_PRECONDITION);
    await serve.restBeta.acknowledgeTask({ name: `${queue}/tasks/p1`, scheduleTime: res.tasks![0].scheduleTime });
    expect((await serve.restBeta.listTasks({ parent: queue }))[0]).toEqual([]);
  });
});

describe('where the REST client goes', () => {
  it('only to the address it was given: no metadata server, no token endpoint, no name lookups', async () => {
    const connections = recordConnections();
    try {
      serve = await startRestServe({ clock: 'virtual' });
      await serve.rest.createQueue({ parent: PARENT, queue: { name: `${PARENT}/queues/only-here` } });
      await serve.rest.listQueues({ parent: PARENT });
      expect(connections.seen.length).toBeGreaterThan(0);
      // The clock control (read by startServe's helpers) and the API: both on 127.0.0.1, both named.
      const allowed = new Set([`127.0.0.1:${serve.server.port}`, new URL(serve.server.controlUrl).host]);
      expect(connections.seen.filter((c) => !allowed.has(c))).toEqual([]);
    } finally {
      connections.stop();
    }
  });
});
