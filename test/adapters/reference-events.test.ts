/**
 * The reference queue hears only the engine of its current run. An engine it has replaced (reset) or
 * ended (close) may linger in memory, but its events never reach the queue, and it holds no way back
 * to the queue or, through the queue's handler, to the harness's run.
 */
import { describe, expect, it } from 'vitest';
import type { PushAnswer } from '../../src/adapters/contract.js';
import { ReferenceQueue } from '../../src/adapters/reference.js';
import type { Engine } from '../../src/model/engine.js';
import { defaultConfig } from '../../src/model/queue-yaml.js';

/** The reference with its current engine in view (the engine is the queue's own, `protected`). */
class ShownEngine extends ReferenceQueue {
  get current(): Engine {
    return this.engine;
  }
}

const handler = (): PushAnswer => ({ status: 200, outcome: 'ok', latencyUs: 0 });

async function resetTo(q: ShownEngine, seed: number): Promise<Engine> {
  await q.reset({ config: defaultConfig(), seed, epochUs: 0, handler });
  return q.current;
}

describe('the reference queue and the engines it ran', () => {
  it("takes the current engine's events, and none from the engine a reset replaced", async () => {
    const q = new ShownEngine();
    const first = await resetTo(q, 1);
    expect(q.takeEventsNow().map((ev) => ev.e)).toEqual(['config']);
    const second = await resetTo(q, 2);
    expect(second).not.toBe(first);
    expect(q.takeEventsNow().map((ev) => ev.e)).toEqual(['config']);

    first.setOutage(true); // an event of the replaced engine: not this run's
    expect(q.takeEventsNow()).toEqual([]);
    second.setOutage(true);
    expect(q.takeEventsNow()).toEqual([{ t: 0, e: 'outage', on: true }]);
  });

  it("takes the engine's end, and nothing the ended engine emits after it", async () => {
    const q = new ShownEngine();
    const engine = await resetTo(q, 1);
    q.takeEventsNow();
    await q.close();
    expect(q.takeEventsNow()).toEqual([{ t: 0, e: 'end', reason: 'stopped' }]);
    engine.setOutage(true);
    expect(q.takeEventsNow()).toEqual([]);
  });
});
