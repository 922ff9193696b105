/** Adding tasks (TASK-1…3), tombstones, deletes, and the external target mode. */
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/model/engine.js';
import { LIMITS } from '../../src/model/names.js';
import { US_PER_D, US_PER_H } from '../../src/sim/time.js';
import type { ProfileName } from '../../src/model/config.js';
import {
  S,
  always,
  driveExternal,
  expectInvariantsHold,
  makeConfig,
  makeEngine,
  pullQueue,
  pushQueue,
  runToEnd,
  service,
  refusal,
} from '../helpers/engine.js';

describe('TASK-1 task names', () => {
  it('TASK-1 a valid name is used as given; an invalid one is refused with a reject event and no add', async () => {
    const te = makeEngine({ queues: [pushQueue('q')] });
    const r = te.engine.addTasks('q', [
      { name: 'good_name-1' },
      { name: 'bad name' },
      { name: 'x'.repeat(501) },
      { name: '' },
    ]);
    expect(r.map((x) => x.ok)).toEqual([true, false, false, false]);
    expect(r.slice(1).map((x) => x.rule)).toEqual(['TASK-1', 'TASK-1', 'TASK-1']);
    expect(te.of('add').map((a) => [a.name, a.named])).toEqual([['good_name-1', true]]);
    expect(te.of('reject').map((x) => x.rule)).toEqual(['TASK-1', 'TASK-1', 'TASK-1']);
    await runToEnd(te);
    expect(te.of('dispatch')[0].h.tn).toBe('good_name-1');
  });

  it('HDR-2 unnamed tasks get unique system names, identical on every delivery', async () => {
    const te = makeEngine({ queues: [pushQueue('q', { retry: { taskRetryLimit: 2 } })], service: always(500) });
    const r = te.engine.addTasks('q', [{}, {}, {}]);
    const names = r.map((x) => x.name);
    expect(new Set(names).size).toBe(3);
    await runToEnd(te);
    for (const x of r) expect(new Set(te.forTask('dispatch', x.id!).map((d) => d.h.tn))).toEqual(new Set([x.name]));
    expect(te.of('add').every((a) => a.named === false)).toBe(true);
  });

  // Regression (bug found here, fixed in 8b60540; was engine.ts addOne + names.ts systemTaskName): system names are
  // `auto-<id>`, but TASK-1 lets a user name a task `auto-2` too. Nothing stops the two from meeting:
  // a user task "auto-2" (id 1) and the next unnamed task (id 2, "auto-2") are both live in one queue
  // with the same X-AppEngine-TaskName, so HDR-2's "system-generated unique id" is not unique, a
  // handler that dedupes by name (HANDLER-4) drops a real task, and deleteTask('q', 'auto-2') can
  // reach only one of them.
  it('HDR-2 / TASK-2 a system-generated name never equals a live user-named task’s name', () => {
    const te = makeEngine({ queues: [pushQueue('q')] });
    const [user] = te.engine.addTasks('q', [{ name: 'auto-2' }]);
    const [system] = te.engine.addTasks('q', [{}]);
    expect(user.ok).toBe(true);
    expect(system.ok).toBe(true);
    expect(system.name).not.toBe(user.name);
  });

  // Regression (fixed in 8b60540; was trace-codec.ts TraceEncoder.longStr, see test/sim/trace.test.ts): the `reject` event
  // carries the refused name in full, and a name of ~64 KB or more makes the hasher throw RangeError
  // out of addTasks, so a bad name crashes any run with a TraceHasher (every scenario and the CLI)
  // instead of being refused with TASK-1.
  it('TASK-1 a very long invalid name (70,000 characters) is refused, not a crash', () => {
    const te = makeEngine({ queues: [pushQueue('q')] });
    const r = te.engine.addTasks('q', [{ name: 'a'.repeat(70_000) }]);
    expect(r[0]).toMatchObject({ ok: false, rule: 'TASK-1' });
  });
});

describe('TASK-2 already exists, tombstoned, reusable', () => {
  it('TASK-2 a second add of a live name fails with "already exists"; other queues have their own names', () => {
    const te = makeEngine({ queues: [pushQueue('q', { ratePerSec: 0 }), pushQueue('other')] });
    expect(te.engine.addTasks('q', [{ name: 'n' }])[0].ok).toBe(true);
    const [again] = te.engine.addTasks('q', [{ name: 'n' }]);
    expect(again).toMatchObject({ ok: false, rule: 'TASK-2' });
    expect(again.error).toMatch(/already exists/);
    expect(te.engine.addTasks('other', [{ name: 'n' }])[0].ok).toBe(true);
    // Within one add call too.
    const both = te.engine.addTasks('other', [{ name: 'm' }, { name: 'm' }]);
    expect(both.map((x) => x.ok)).toEqual([true, false]);
  });

  for (const [profile, period] of [
    ['appengine', 9 * US_PER_D],
    ['cloud-tasks', US_PER_H],
  ] as const) {
    it(`TASK-2 ${profile}: after it completes, the name is "tombstoned" for ${period / US_PER_H} h, then reusable`, async () => {
      const te = makeEngine({
        profile: profile as ProfileName,
        queues: [pushQueue('q')],
        service: service({ serviceTime: { dist: 'constant', us: 0 } }),
      });
      te.engine.addTasks('q', [{ name: 'once' }]);
      te.engine.run();
      const done = te.of('success')[0].t;
      const results: [number, boolean, string | undefined][] = [];
      for (const t of [done + 1, done + period - 1, done + period]) {
        te.engine.at(t, (e) => {
          const [r] = e.addTasks('q', [{ name: 'once' }]);
          results.push([t - done, r.ok, r.error]);
        });
        te.engine.run();
      }
      expect(results[0][1]).toBe(false);
      expect(results[0][2]).toMatch(/tombstoned/);
      expect(results[1][1]).toBe(false);
      expect(results[2][1]).toBe(true);
      await runToEnd(te);
      expect(te.of('success')).toHaveLength(2);
    });
  }

  it('TASK-2 a deleted task’s name is tombstoned too', () => {
    const te = makeEngine({ queues: [pushQueue('q', { ratePerSec: 0 })] });
    te.engine.addTasks('q', [{ name: 'del' }]);
    te.engine.deleteTask('q', 'del');
    const [r] = te.engine.addTasks('q', [{ name: 'del' }]);
    expect(r).toMatchObject({ ok: false, rule: 'TASK-2' });
    expect(r.error).toMatch(/tombstoned/);
  });
});

describe("a burst's reservation", () => {
  it('INV-DET reserving rows for a burst (a hint, whatever its count or queue) changes nothing in the trace', async () => {
    const run = async (reserve: boolean) => {
      const te = makeEngine({
        queues: [pushQueue('q', { ratePerSec: 50, bucketSize: 5, retry: { taskRetryLimit: 2 } })],
        service: service({
          statuses: [
            { status: 200, weight: 2 },
            { status: 500, weight: 1 },
          ],
        }),
        seed: 3,
      });
      const e = te.engine;
      e.addTasksCounted('q', [{ countdownUs: 2 * S }]); // one task already waiting, due later
      if (reserve) {
        for (const count of [-5, Number.NaN, 0.5]) e.reserveTasks('q', count);
        e.reserveTasks('no-such-queue', 10);
        e.reserveTasks('q', 300);
      }
      const batch = Array.from({ length: 100 }, () => ({}));
      for (let i = 0; i < 3; i++) expect(e.addTasksCounted('q', batch)).toBe(100);
      return { hash: await runToEnd(te), events: te.events, adds: te.of('add').length };
    };
    const plain = await run(false);
    const reserved = await run(true);
    expect(reserved.adds).toBe(301);
    expect(reserved.events).toEqual(plain.events);
    expect(reserved.hash).toBe(plain.hash);
  });
});

describe('TASK-3 size and count limits', () => {
  it('TASK-3 a push task is at most 100 KiB counting payload, URL and headers; a pull task at most 1 MiB (bytes, not characters)', () => {
    const te = makeEngine({ queues: [pushQueue('q', { ratePerSec: 0 }), pullQueue('p')] });
    // Queue q's default URL is "/_ah/queue/q": 12 bytes, so the payload may be 102400 − 12 = 102388 bytes.
    const push = te.engine.addTasks('q', [
      { size: 102_388 },
      { size: 102_389 },
      { payload: 'é'.repeat(51_194) },
      { payload: new Uint8Array(102_389) },
    ]);
    expect(push.map((r) => r.ok)).toEqual([true, false, true, false]); // 'é' is 2 bytes: 102388
    expect(push[1]).toMatchObject({ rule: 'TASK-3' });
    expect(push[1].error).toContain('got 102401');
    // A pull task has no URL unless it names one: the whole 1 MiB is payload.
    const pull = te.engine.addTasks('p', [{ size: 1_048_576 }, { size: 1_048_577 }, { size: 102_401 }]);
    expect(pull.map((r) => r.ok)).toEqual([true, false, true]);
    expect(te.of('add').find((a) => a.q === 'p')!.size).toBe(1_048_576);
  });

  it('TASK-3 a given URL and the task\'s headers count: "/w" (2) + "X-A: bc" (3 + 2) leave 102393 bytes of payload', () => {
    const te = makeEngine({ queues: [pushQueue('q', { ratePerSec: 0 }), pullQueue('p')] });
    const extra = { url: '/w', headers: { 'X-A': 'bc' } };
    const r = te.engine.addTasks('q', [
      { ...extra, size: 102_393 },
      { ...extra, size: 102_394 },
    ]);
    expect(r.map((x) => x.ok)).toEqual([true, false]);
    // A pull task's headers count too: "k: v" is 2 bytes, so 1048574 bytes of payload at most.
    const p = te.engine.addTasks('p', [
      { headers: { k: 'v' }, size: 1_048_574 },
      { headers: { k: 'v' }, size: 1_048_575 },
    ]);
    expect(p.map((x) => x.ok)).toEqual([true, false]);
    // Header bytes are UTF-8 bytes: "é" is 2.
    const u = te.engine.addTasks('p', [
      { headers: { k: 'é' }, size: 1_048_573 },
      { headers: { k: 'é' }, size: 1_048_574 },
    ]);
    expect(u.map((x) => x.ok)).toEqual([true, false]);
  });

  it('TASK-3 at most 100 tasks per add call: 101 is refused as a whole', () => {
    const te = makeEngine({ queues: [pushQueue('q')] });
    const e = refusal(() =>
      te.engine.addTasks(
        'q',
        Array.from({ length: 101 }, () => ({})),
      ),
    );
    expect(e.rule).toBe('TASK-3');
    expect(te.of('add')).toHaveLength(0);
    expect(
      te.engine.addTasks(
        'q',
        Array.from({ length: 100 }, () => ({})),
      ),
    ).toHaveLength(100);
  });

  it('TASK-3 a URL is at most 2083 characters; a tag at most 500 bytes', () => {
    const te = makeEngine({ queues: [pushQueue('q', { ratePerSec: 0 }), pullQueue('p')] });
    const url = (n: number) => '/' + 'u'.repeat(n - 1);
    expect(te.engine.addTasks('q', [{ url: url(2083) }, { url: url(2084) }]).map((r) => r.ok)).toEqual([true, false]);
    const tags = te.engine.addTasks('p', [
      { tag: 't'.repeat(500) },
      { tag: 't'.repeat(501) },
      { tag: 'é'.repeat(250) },
      { tag: 'é'.repeat(251) },
    ]);
    expect(tags.map((r) => r.ok)).toEqual([true, false, true, false]);
    expect(tags[1].rule).toBe('TASK-3');
  });

  it('CFG-1 adding to an unknown queue is an error naming it', () => {
    const te = makeEngine({ queues: [pushQueue('q')] });
    const e = refusal(() => te.engine.addTasks('nope', [{}]));
    expect(e.code).toBe('UNKNOWN_QUEUE');
    expect(e.message).toContain('"nope"');
  });
});

describe('deleteTask (PULL-7 on push queues too)', () => {
  it('a waiting task deleted before its ETA is never dispatched', async () => {
    const te = makeEngine({ queues: [pushQueue('q')] });
    const [a, b] = te.engine.addTasks('q', [{ name: 'later', countdownUs: 10 * S }, { countdownUs: 10 * S }]);
    te.engine.at(S, (e) => {
      e.deleteTask('q', 'later');
      e.deleteTask('q', b.name!); // a system name works too
    });
    await runToEnd(te);
    expect(te.of('delete').map((d) => d.id)).toEqual([a.id, b.id]);
    expect(te.of('dispatch')).toHaveLength(0);
    expect(te.engine.liveCount('q')).toBe(0);
    await expectInvariantsHold(te.events);
  });

  it('a system name finds only that unnamed task, on its own queue (HDR-2, PULL-7)', () => {
    const te = makeEngine({ queues: [pushQueue('a'), pushQueue('b')] });
    const [unnamed] = te.engine.addTasks('a', [{ countdownUs: 10 * S }]);
    const [named] = te.engine.addTasks('a', [{ name: 'kept', countdownUs: 10 * S }]);
    // The unnamed task's system name on the other queue is nobody's: not found, and free to take there.
    expect(refusal(() => te.engine.deleteTask('b', unnamed.name!)).code).toBe('NOT_FOUND');
    expect(te.engine.addTasks('b', [{ name: unnamed.name!, countdownUs: 10 * S }])).toHaveLength(1);
    // The named task's id spelled as a system name is not the named task.
    expect(refusal(() => te.engine.deleteTask('a', `auto-${named.id}`)).code).toBe('NOT_FOUND');
    expect(te.engine.liveCount('a')).toBe(2);
  });

  it('a task deleted while in flight gets its response but no success and no retry', async () => {
    const te = makeEngine({
      queues: [pushQueue('q')],
      service: always(500, { serviceTime: { dist: 'constant', us: 2 * S } }),
    });
    te.engine.addTasks('q', [{ name: 'busy' }]);
    te.engine.at(S, (e) => e.deleteTask('q', 'busy'));
    await runToEnd(te);
    expect(te.of('response')).toHaveLength(1);
    expect(te.of('retry')).toHaveLength(0);
    expect(te.of('dispatch')).toHaveLength(1);
    await expectInvariantsHold(te.events);
  });

  it('deleting an unknown, finished or already deleted task is NOT_FOUND', async () => {
    const te = makeEngine({ queues: [pushQueue('q')] });
    te.engine.addTasks('q', [{ name: 'x' }, { name: 'y', countdownUs: S }]);
    await runToEnd(te, { untilUs: S / 2 });
    expect(refusal(() => te.engine.deleteTask('q', 'x')).code).toBe('NOT_FOUND'); // done already
    te.engine.deleteTask('q', 'y');
    expect(refusal(() => te.engine.deleteTask('q', 'y')).code).toBe('NOT_FOUND');
    expect(refusal(() => te.engine.deleteTask('q', 'auto-999')).code).toBe('NOT_FOUND');
    expect(refusal(() => te.engine.deleteTask('nope', 'x')).code).toBe('UNKNOWN_QUEUE');
  });
});

describe('external target mode (takeDeliveries / complete)', () => {
  it('run returns "blocked" while deliveries are unanswered, and time does not move', () => {
    const te = makeEngine({ queues: [pushQueue('q')], external: true });
    te.engine.addTasks('q', [{}, {}]);
    te.engine.at(5 * S, (e) => e.addTasks('q', [{}]));
    expect(te.engine.run()).toBe('blocked');
    const ds = te.engine.takeDeliveries();
    expect(ds).toHaveLength(2);
    expect(te.engine.outstanding).toBe(2);
    expect(te.engine.run()).toBe('blocked');
    expect(te.engine.now).toBe(0);
    te.engine.complete(ds[0].key, { status: 200, outcome: 'ok', latencyUs: 1000 });
    expect(te.engine.run()).toBe('blocked'); // one still out
    expect(te.engine.now).toBe(0);
    te.engine.complete(ds[1].key, { status: 200, outcome: 'ok', latencyUs: 3000 });
    expect(te.engine.run()).toBe('blocked'); // moved on to 5 s, where the third went out
    expect(te.engine.now).toBe(5 * S);
    expect(te.of('response').map((r) => [r.t, r.lat])).toEqual([
      [1000, 1000],
      [3000, 3000],
    ]);
    const [third] = te.engine.takeDeliveries();
    te.engine.complete(third.key, { status: 200, outcome: 'ok', latencyUs: 1 });
    expect(te.engine.run()).toBe('idle');
    expect(te.of('success')).toHaveLength(3);
  });

  it('without holdForAnswers (a driver on the wall clock) time moves on while a delivery is out', () => {
    const te = makeEngine({ queues: [pushQueue('q')], external: true, holdForAnswers: false });
    te.engine.addTasks('q', [{}]);
    te.engine.at(5 * S, (e) => e.addTasks('q', [{}]));
    expect(te.engine.run()).toBe('blocked'); // the first delivery waits to be taken
    const [first] = te.engine.takeDeliveries();
    expect(te.engine.run()).toBe('blocked'); // not held by the unanswered first: on to 5 s and the second
    expect(te.engine.now).toBe(5 * S);
    const [second] = te.engine.takeDeliveries();
    te.engine.complete(first.key, { status: 200, outcome: 'ok', latencyUs: 1000 });
    te.engine.complete(second.key, { status: 200, outcome: 'ok', latencyUs: 1000 });
    expect(te.engine.run()).toBe('idle');
    expect(te.of('success')).toHaveLength(2);
  });

  it('advanceTo moves the clock to the given time, processing what is due on the way, even when idle', () => {
    const te = makeEngine({ queues: [pushQueue('q')] });
    te.engine.addTasks('q', [{ countdownUs: 2 * S }]);
    expect(te.engine.advanceTo(S)).toBe('time-limit');
    expect(te.engine.now).toBe(S);
    expect(te.of('dispatch')).toHaveLength(0);
    expect(te.engine.advanceTo(10 * S)).toBe('time-limit');
    expect(te.engine.now).toBe(10 * S);
    expect(te.of('success')).toHaveLength(1);
  });

  it('complete of an unknown or already completed key is an error', () => {
    const te = makeEngine({ queues: [pushQueue('q')], external: true });
    te.engine.addTasks('q', [{}]);
    te.engine.run();
    const [d] = te.engine.takeDeliveries();
    te.engine.complete(d.key, { status: 200, outcome: 'ok', latencyUs: 1 });
    expect(() => te.engine.complete(d.key, { status: 200, outcome: 'ok', latencyUs: 1 })).toThrow(
      /unknown or completed/,
    );
    expect(() => te.engine.complete(12345, { status: 200, outcome: 'ok', latencyUs: 1 })).toThrow();
  });

  it('DEADLINE-2 an external answer past the deadline is a deadline failure, status 0', async () => {
    const te = makeEngine({ queues: [pushQueue('q', { retry: { taskRetryLimit: 1 } })], external: true });
    te.engine.addTasks('q', [{}]);
    const ds = await driveExternal(te, (d) =>
      d.attempt === 1 ? { status: 200, outcome: 'ok', latencyUs: d.deadlineUs + 1 } : 200,
    );
    expect(ds).toHaveLength(2);
    expect(te.of('response')[0]).toMatchObject({ status: 0, out: 'deadline' });
    expect(te.of('response')[0].lat).toBeGreaterThanOrEqual(ds[0].deadlineUs);
    expect(ds[1].headers['X-AppEngine-TaskPreviousResponse']).toBe('0');
    await expectInvariantsHold(te.events);
  });

  // Regression (fixed in 8b60540; was engine.ts complete()): latencyUs was used as given, so a fractional
  // latency (e.g. a driver measuring with performance.now() without rounding) makes the virtual clock
  // fractional, and the next retry's X-AppEngine-TaskETA comes out as "1767225600.101500.5" — not
  // the decimal with six fractional digits HDR-5 requires. Virtual time should stay whole µs.
  it('HDR-5 a fractional external latency still gives six-digit ETA headers on the retry', async () => {
    const te = makeEngine({ queues: [pushQueue('q', { retry: { taskRetryLimit: 1 } })], external: true });
    te.engine.addTasks('q', [{}]);
    const ds = await driveExternal(te, (d) =>
      d.attempt === 1 ? { status: 500, outcome: 'error', latencyUs: 1500.5 } : 200,
    );
    expect(ds[1].headers['X-AppEngine-TaskETA']).toMatch(/^\d+\.\d{6}$/);
  });
});

describe('run limits', () => {
  it('an engine with no trace sinks still runs (the sinks are optional)', () => {
    const engine = new Engine({ config: makeConfig([pushQueue('q')]), seed: 1, service: service() });
    engine.addTasks('q', [{}, {}]);
    expect(engine.run()).toBe('idle');
    expect(engine.liveCount('q')).toBe(0);
  });

  it('stops at the event limit with work left, and a later run finishes it', async () => {
    const te = makeEngine({ queues: [pushQueue('q')] });
    te.engine.addTasks(
      'q',
      Array.from({ length: 10 }, () => ({})),
    );
    // Each task needs at least a dispatch, a response and a success: 30 events, far above 5.
    expect(te.engine.run({ maxEvents: 5 })).toBe('event-limit');
    expect(te.of('success').length).toBeLessThan(10);
    expect(await runToEnd(te)).toBe('idle');
    expect(te.of('success')).toHaveLength(10);
  });
});
