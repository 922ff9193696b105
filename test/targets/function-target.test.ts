/** FunctionTarget: an in-process handler on the virtual clock (@sinonjs/fake-timers). */
import { afterEach, describe, expect, it } from 'vitest';
import { FunctionTarget, type HandlerFunction } from '../../src/targets/function-target.js';
import type { Delivery } from '../../src/model/types.js';
import { runConformance } from '../../src/conform/run.js';
import { DEFAULT_EPOCH_US } from '../../src/sim/time.js';

const TEN_MINUTES = 10 * 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function delivery(extra: Partial<Delivery> = {}): Delivery {
  return {
    key: 1,
    id: 1,
    queue: 'default',
    name: 't1',
    attempt: 1,
    method: 'POST',
    url: '/_ah/queue/default',
    headers: { 'X-AppEngine-QueueName': 'default', 'X-AppEngine-TaskName': 't1' },
    deadlineUs: TEN_MINUTES * 1000,
    duplicate: false,
    ...extra,
  };
}

describe('FunctionTarget', () => {
  const realSetTimeout = globalThis.setTimeout;
  let target: FunctionTarget | undefined;
  afterEach(async () => {
    await target?.close();
    target = undefined;
  });

  it('a handler sleeping 20 virtual minutes misses the 10-minute automatic deadline in well under a second', async () => {
    target = new FunctionTarget(async () => {
      await sleep(20 * 60_000);
      return { status: 200 };
    });
    const started = performance.now();
    const r = await target.deliver(delivery(), { timeoutMs: TEN_MINUTES });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(r.outcome).toBe('deadline');
    expect(r.status).toBe(0);
    expect(r.latencyUs).toBe(TEN_MINUTES * 1000);
  });

  it('a handler sleeping 5 virtual minutes answers in time, its latency in virtual time', async () => {
    target = new FunctionTarget(async () => {
      await sleep(2 * 60_000);
      await sleep(3 * 60_000);
      return { status: 204 };
    });
    const r = await target.deliver(delivery(), { timeoutMs: TEN_MINUTES });
    expect(r).toMatchObject({ status: 204, outcome: 'ok', latencyUs: 5 * 60_000_000 });
  });

  it("Date inside the handler follows the virtual clock, from the simulator's epoch", async () => {
    let seen = 0;
    let start = 0;
    target = new FunctionTarget(async () => {
      const t0 = Date.now();
      start = t0;
      await sleep(90_000);
      seen = Date.now() - t0;
      return { status: 200 };
    });
    await target.deliver(delivery(), { timeoutMs: TEN_MINUTES });
    expect(seen).toBe(90_000);
    expect(start).toBeGreaterThanOrEqual(DEFAULT_EPOCH_US / 1000); // not the wall clock: the simulator's epoch onwards
    expect(start).toBeLessThan(DEFAULT_EPOCH_US / 1000 + 24 * 3600_000);
  });

  it('sees the request: method, URL, lower-case headers, body bytes', async () => {
    let req: Parameters<HandlerFunction>[0] | undefined;
    target = new FunctionTarget((r) => {
      req = r;
      return { status: 200 };
    });
    await target.deliver(delivery({ body: new Uint8Array([0, 255]) }), { timeoutMs: 1000 });
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/_ah/queue/default');
    expect(req?.headers['x-appengine-taskname']).toBe('t1');
    expect([...req!.body]).toEqual([0, 255]);
  });

  it('a handler that throws is a 500 with the message; a bad status is a 500 too', async () => {
    target = new FunctionTarget(() => {
      throw new Error('kaboom');
    });
    expect(await target.deliver(delivery(), { timeoutMs: 1000 })).toMatchObject({
      status: 500,
      outcome: 'error',
      detail: 'handler threw: kaboom',
    });
    await target.close();
    target = new FunctionTarget(() => ({ status: 'ok' }) as unknown as { status: number });
    expect(await target.deliver(delivery(), { timeoutMs: 1000 })).toMatchObject({ status: 500, outcome: 'error' });
  });

  it('a handler awaiting real I/O still completes (real time counts on the virtual clock)', async () => {
    target = new FunctionTarget(async () => {
      await import('node:fs/promises').then((fs) => fs.readFile(new URL(import.meta.url)));
      return { status: 200 };
    });
    expect((await target.deliver(delivery(), { timeoutMs: 5_000 })).outcome).toBe('ok');
  });

  it('a handler that never settles and schedules nothing gives up at the real-time cap', async () => {
    target = new FunctionTarget(() => new Promise<never>(() => {}), { realCapMs: 100 });
    const started = performance.now();
    const r = await target.deliver(delivery(), { timeoutMs: TEN_MINUTES });
    expect(r.outcome).toBe('deadline');
    expect(r.detail).toMatch(/real time/);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('parallel deliveries share the clock, each timed from its own start', async () => {
    target = new FunctionTarget(async (req) => {
      await sleep(req.headers['x-appengine-taskname'] === 'slow' ? 15 * 60_000 : 60_000);
      return { status: 200 };
    });
    const [fast, slow] = await Promise.all([
      target.deliver(delivery({ name: 'fast', headers: { 'X-AppEngine-TaskName': 'fast' } }), {
        timeoutMs: TEN_MINUTES,
      }),
      target.deliver(delivery({ name: 'slow', headers: { 'X-AppEngine-TaskName': 'slow' } }), {
        timeoutMs: TEN_MINUTES,
      }),
    ]);
    expect(fast).toMatchObject({ outcome: 'ok', latencyUs: 60_000_000 });
    expect(slow.outcome).toBe('deadline');
  });

  it('close() gives the real timers back', async () => {
    target = new FunctionTarget(() => ({ status: 200 }));
    await target.deliver(delivery(), { timeoutMs: 1000 });
    expect(globalThis.setTimeout).not.toBe(realSetTimeout);
    await target.close();
    expect(globalThis.setTimeout).toBe(realSetTimeout);
  });
});

describe('the conformance suite against handler functions', () => {
  const seen = new Set<string>();
  const compliant: HandlerFunction = async function compliant(req) {
    const name = req.headers['x-appengine-taskname'];
    if (!name || !req.headers['x-appengine-queuename']) return { status: 403 };
    await sleep(250); // a quarter second of "work", in virtual time
    seen.add(name);
    return { status: 200, body: 'done' };
  };

  it('a compliant function passes every case', async () => {
    const r = await runConformance({ target: compliant, seed: 11, methods: ['POST', 'GET'] });
    expect(r.cases.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.actual}`)).toEqual([]);
    expect(r.deadline).toBe('10m (automatic scaling, DEADLINE-1), virtual time');
    expect(r.cases[0].replay).toBe(
      'runConformance({ target: compliant, cases: \'H-1.1\', seed: 11, methods: ["POST","GET"] })',
    );
  });

  it('a function working 20 virtual minutes fails H-5.1 (DEADLINE-2) at once under automatic scaling, passes under basic', async () => {
    const slow: HandlerFunction = async () => {
      await sleep(20 * 60_000);
      return { status: 200 };
    };
    const started = performance.now();
    const auto = await runConformance({ target: slow, seed: 12, cases: 'H-5.1' });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(auto.cases[0]).toMatchObject({ status: 'fail', rules: ['DEADLINE-1', 'DEADLINE-2'] });
    expect(auto.cases[0].actual).toMatch(/DEADLINE-2/);
    const basic = await runConformance({ target: slow, seed: 12, cases: 'H-5.1', scaling: 'basic' });
    expect(basic.cases[0].status).toBe('pass');
    expect(basic.cases[0].actual).toBe('200 in 20m');
  });
});
