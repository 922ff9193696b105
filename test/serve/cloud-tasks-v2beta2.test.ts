/**
 * Pull queues over v2beta2 (CT-7, PULL-2…7) with the official client: LeaseTasks with `tag=` and
 * `oldest_tag()`, AcknowledgeTask, RenewLease, CancelLease, and the pull payload. The scheduleTime a
 * lease returns is the proof of holding it. Time moves only on the virtual clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { PARENT, codeOf, startServe, tsUs, type Serve } from './harness.js';

const S = 1e6;
let serve: Serve | undefined;

afterEach(async () => {
  await serve?.close();
  serve = undefined;
});

async function pullQueueWith(
  tasks: { id: string; tag: string; payload: string; afterS?: number }[],
): Promise<{ queue: string; t0: number }> {
  serve = await startServe({ clock: 'virtual' });
  const queue = `${PARENT}/queues/pulled`;
  const [q] = await serve.beta.createQueue({ parent: PARENT, queue: { name: queue, pullTarget: {} } });
  expect(q.pullTarget).toBeTruthy();
  const t0 = (await serve.clock.now()).nowUs;
  for (const t of tasks) {
    await serve.beta.createTask({
      parent: queue,
      task: {
        name: `${queue}/tasks/${t.id}`,
        scheduleTime: { seconds: Math.floor(t0 / S) + (t.afterS ?? 0), nanos: (t0 % S) * 1000 },
        pullMessage: { tag: t.tag, payload: Buffer.from(t.payload) },
      },
    });
  }
  return { queue, t0 };
}

const short = (name: string | null | undefined): string => name!.split('/').pop()!;

describe('pull queues over v2beta2 (CT-7)', () => {
  it('LeaseTasks by tag returns only that tag, with payloads; leased tasks are invisible to other leases', async () => {
    const { queue, t0 } = await pullQueueWith([
      { id: 'a1', tag: 'alpha', payload: 'one' },
      { id: 'b1', tag: 'beta', payload: 'two' },
      { id: 'a2', tag: 'alpha', payload: 'three' },
    ]);
    const [res] = await serve!.beta.leaseTasks({
      parent: queue,
      maxTasks: 10,
      leaseDuration: { seconds: 60 },
      filter: 'tag=alpha',
      responseView: 'FULL',
    });
    expect(res.tasks!.map((t) => short(t.name))).toEqual(['a1', 'a2']);
    expect(res.tasks!.map((t) => Buffer.from(t.pullMessage!.payload as Uint8Array).toString())).toEqual([
      'one',
      'three',
    ]);
    expect(res.tasks!.every((t) => t.pullMessage!.tag === 'alpha')).toBe(true);
    expect(res.tasks!.map((t) => tsUs(t.scheduleTime))).toEqual([t0 + 60 * S, t0 + 60 * S]); // the lease's end
    expect(res.tasks![0].status!.attemptDispatchCount).toBe(1);

    const [again] = await serve!.beta.leaseTasks({ parent: queue, maxTasks: 10, leaseDuration: { seconds: 60 } });
    expect(again.tasks!.map((t) => short(t.name))).toEqual(['b1']); // PULL-3
  });

  it('oldest_tag() leases the tag of the oldest available task', async () => {
    const { queue } = await pullQueueWith([
      { id: 'x', tag: 'late', payload: '', afterS: 0 },
      { id: 'y', tag: 'early', payload: '' },
      { id: 'z', tag: 'late', payload: '' },
    ]);
    // All three are due now; the oldest is the first added (ETA order, then add order): tag 'late'.
    const [res] = await serve!.beta.leaseTasks({
      parent: queue,
      maxTasks: 10,
      leaseDuration: { seconds: 30 },
      filter: 'oldest_tag()',
    });
    expect(res.tasks!.map((t) => short(t.name))).toEqual(['x', 'z']);
    const bad = await codeOf(
      serve!.beta.leaseTasks({ parent: queue, maxTasks: 1, leaseDuration: { seconds: 30 }, filter: 'priority>3' }),
    );
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
  });

  it('AcknowledgeTask needs the current lease scheduleTime; RenewLease extends from now; CancelLease frees at once', async () => {
    const { queue, t0 } = await pullQueueWith([
      { id: 'p', tag: 't', payload: 'P' },
      { id: 'q', tag: 't', payload: 'Q' },
    ]);
    const [leased] = await serve!.beta.leaseTasks({ parent: queue, maxTasks: 2, leaseDuration: { seconds: 60 } });
    const [p, q] = leased.tasks!;
    expect(short(p.name)).toBe('p');

    await serve!.clock.advance('10s');
    const [renewed] = await serve!.beta.renewLease({
      name: p.name,
      scheduleTime: p.scheduleTime,
      leaseDuration: { seconds: 120 },
    });
    expect(tsUs(renewed.scheduleTime)).toBe(t0 + 10 * S + 120 * S); // PULL-5: measured from now
    const stale = await codeOf(serve!.beta.acknowledgeTask({ name: p.name, scheduleTime: p.scheduleTime }));
    expect(stale.code).toBe(status.FAILED_PRECONDITION);
    await serve!.beta.acknowledgeTask({ name: p.name, scheduleTime: renewed.scheduleTime });
    expect((await codeOf(serve!.beta.getTask({ name: p.name }))).code).toBe(status.NOT_FOUND); // PULL-7

    const [cancelled] = await serve!.beta.cancelLease({ name: q.name, scheduleTime: q.scheduleTime });
    expect(tsUs(cancelled.scheduleTime)).toBe(t0 + 10 * S);
    const [re] = await serve!.beta.leaseTasks({ parent: queue, maxTasks: 2, leaseDuration: { seconds: 5 } });
    expect(re.tasks!.map((t) => short(t.name))).toEqual(['q']);
    expect(re.tasks![0].status!.attemptDispatchCount).toBe(2);
  });

  it('an expired lease frees the task (PULL-4) and can no longer be acknowledged', async () => {
    const { queue } = await pullQueueWith([{ id: 'e', tag: 't', payload: '' }]);
    const [leased] = await serve!.beta.leaseTasks({ parent: queue, maxTasks: 1, leaseDuration: { seconds: 30 } });
    const [none] = await serve!.beta.leaseTasks({ parent: queue, maxTasks: 1, leaseDuration: { seconds: 30 } });
    expect(none.tasks ?? []).toHaveLength(0);
    await serve!.clock.advance('30s');
    expect(
      (
        await codeOf(
          serve!.beta.acknowledgeTask({ name: leased.tasks![0].name, scheduleTime: leased.tasks![0].scheduleTime }),
        )
      ).code,
    ).toBe(status.FAILED_PRECONDITION);
    const [back] = await serve!.beta.leaseTasks({ parent: queue, maxTasks: 1, leaseDuration: { seconds: 30 } });
    expect(back.tasks!.map((t) => short(t.name))).toEqual(['e']);
  });

  it('refuses leases from a push queue and push tasks in a pull queue (PULL-1)', async () => {
    const { queue } = await pullQueueWith([]);
    const lease = await codeOf(
      serve!.beta.leaseTasks({ parent: `${PARENT}/queues/default`, maxTasks: 1, leaseDuration: { seconds: 30 } }),
    );
    expect(lease.code).toBe(status.FAILED_PRECONDITION);
    const push = await codeOf(
      serve!.beta.createTask({ parent: queue, task: { appEngineHttpRequest: { relativeUrl: '/x' } } }),
    );
    expect(push.code).toBe(status.INVALID_ARGUMENT);
    expect(push.details).toContain('PULL-1');
  });
});
