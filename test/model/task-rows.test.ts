/** A task's row in the engine's table lives as long as something may read it: duplicates and deletes. */
import { describe, expect, it } from 'vitest';
import { makeEngine, pushQueue, refusal, service } from '../helpers/engine.js';

const ok = { status: 200, outcome: 'ok' as const, latencyUs: 0 };

describe('task rows (the engine’s task table)', () => {
  it('HANDLER-4 the duplicate of a named task with a payload goes out under its name, to its URL, with its body', () => {
    const te = makeEngine({ queues: [pushQueue('q')], external: true, service: service({ duplicateRate: 1 }) });
    const [r] = te.engine.addTasks('q', [{ name: 'mine', url: '/handle/here', payload: 'hello' }]);
    expect(r).toMatchObject({ ok: true, name: 'mine' });
    te.engine.run();
    const [first] = te.engine.takeDeliveries();
    te.engine.complete(first.key, ok);
    te.engine.run();
    const again = te.engine.takeDeliveries();
    expect(again).toHaveLength(1);
    const dup = again[0];
    expect([dup.name, dup.url, dup.attempt, dup.duplicate, dup.id]).toEqual(['mine', '/handle/here', 1, true, r.id]);
    expect(Buffer.from(dup.body!).toString()).toBe('hello');
    te.engine.complete(dup.key, ok);
    expect(te.engine.run()).toBe('idle');
    expect(te.engine.takeDeliveries()).toHaveLength(0); // one duplicate at most
    expect(refusal(() => te.engine.deleteTask('q', 'mine')).code).toBe('NOT_FOUND'); // gone for good (PULL-7)
  });

  it('PUSH-8 a task deleted while its attempt is out has no follow-up, and its name can come back after the tombstone', () => {
    const te = makeEngine({ queues: [pushQueue('q')], external: true, options: { tombstoneUs: 0 } });
    te.engine.addTasks('q', [{ name: 'gone', payload: 'x' }]);
    te.engine.run();
    const [d] = te.engine.takeDeliveries();
    te.engine.deleteTask('q', 'gone');
    te.engine.complete(d.key, { status: 500, outcome: 'error', latencyUs: 0 });
    expect(te.engine.run()).toBe('idle');
    expect(te.engine.takeDeliveries()).toHaveLength(0); // no retry of a deleted task
    expect(te.of('retry')).toHaveLength(0);
    const [again] = te.engine.addTasks('q', [{ name: 'gone', payload: 'y' }]);
    expect(again.ok).toBe(true);
    te.engine.run();
    const [d2] = te.engine.takeDeliveries();
    expect([d2.name, Buffer.from(d2.body!).toString(), d2.attempt]).toEqual(['gone', 'y', 1]);
  });
});
