import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, scenarioFromObject } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run.js';
import { INVARIANT_IDS } from '../../src/invariants/index.js';
import { MemoryTrace, hashTrace } from '../../src/sim/trace.js';
import { ROOT } from '../helpers/engine.js';

const SCENARIOS = join(ROOT, 'scenarios');
const TOO_BIG = new Set(['throughput-1m.yaml']); // a million tasks: loaded (load.test.ts), not run here

describe('every scenario runs with every invariant holding', async () => {
  const files = (await readdir(SCENARIOS)).filter((f) => f.endsWith('.yaml') && !TOO_BIG.has(f));

  for (const f of files) {
    it(`INV-* ${f}: no invariant fails, expectations met, ended idle`, async () => {
      const s = await loadScenario(join(SCENARIOS, f));
      const r = await runScenario(s);
      const failed = r.invariants.filter((i) => i.status === 'fail');
      expect(failed.map((i) => ({ id: i.id, examples: i.examples.slice(0, 2) }))).toEqual([]);
      expect(r.invariants.map((i) => i.id)).toEqual([...INVARIANT_IDS]);
      expect(r.unmet).toEqual([]);
      expect(r.end).toBe('idle');
      expect(r.counts.tasks).toBeGreaterThan(0);
      expect(r.traceHash).toMatch(/^[0-9a-f]{64}$/);
      // Something was actually judged (not a trace of skips).
      expect(r.invariants.filter((i) => i.status === 'pass').length).toBeGreaterThanOrEqual(2);
    });
  }
});

describe('what scenarios show', () => {
  it('PUSH-8 pause-resume: the frozen queue dispatched nothing and its tasks remain; nightly all succeeded', async () => {
    const s = await loadScenario(join(SCENARIOS, 'pause-resume.yaml'));
    const trace = new MemoryTrace();
    const r = await runScenario(s, { sinks: [trace] });
    expect(trace.events.filter((e) => e.e === 'dispatch' && e.q === 'frozen')).toEqual([]);
    expect(r.counts.succeeded).toBe(1200);
    const dispatches = trace.events.filter((e) => e.e === 'dispatch' && e.q === 'nightly').map((e) => e.t);
    expect(dispatches.filter((t) => t >= 30e6 && t < 150e6)).toEqual([]);
  });

  it('TASK-2 eta-and-names: the second stream’s names are all refused (the first stream’s tasks still live)', async () => {
    const s = await loadScenario(join(SCENARIOS, 'eta-and-names.yaml'));
    const trace = new MemoryTrace();
    const r = await runScenario(s, { sinks: [trace] });
    expect(r.counts.rejected).toBe(100);
    const reasons = trace.events.flatMap((e) => (e.e === 'reject' ? [e.reason] : []));
    expect(reasons.every((m) => /already exists|tombstoned/.test(m))).toBe(true);
    expect(reasons.some((m) => /already exists/.test(m))).toBe(true);
    expect(
      trace.events
        .filter((e) => e.e === 'reject')
        .every((e) => e.t >= 50e6 && (e as { rule: string }).rule === 'TASK-2'),
    ).toBe(true);
  });

  it('HDR-3/4 outage-throttle: no-instance failures and rate events are in the trace', async () => {
    const s = await loadScenario(join(SCENARIOS, 'outage-throttle.yaml'));
    const trace = new MemoryTrace();
    await runScenario(s, { sinks: [trace] });
    expect(trace.events.some((e) => e.e === 'response' && e.out === 'no-instance')).toBe(true);
    expect(trace.events.some((e) => e.e === 'rate')).toBe(true);
  });

  it('INST-3 outage-throttle: busy is not an outage — a plain task fails for lack of an instance only in the outage (20–50 s)', async () => {
    const s = await loadScenario(join(SCENARIOS, 'outage-throttle.yaml'));
    const trace = new MemoryTrace();
    await runScenario(s, { sinks: [trace] });
    const failFast = new Set(trace.events.flatMap((e) => (e.e === 'add' && e.ff ? [e.id] : [])));
    const noInstance = trace.events.flatMap((e) => (e.e === 'response' && e.out === 'no-instance' ? [e] : []));
    const plain = noInstance.filter((r) => !failFast.has(r.id));
    const inOutage = (t: number) => t >= 20e6 && t < 50e6;
    expect(plain.length).toBeGreaterThan(0);
    for (const r of plain) expect([r.t, inOutage(r.t)]).toEqual([r.t, true]);
    // The 16 slots are often all busy: FailFast tasks fail at once outside the outage, and never wait.
    const ffOutside = noInstance.filter((r) => failFast.has(r.id) && !inOutage(r.t));
    expect(ffOutside.length).toBeGreaterThan(0);
    for (const r of noInstance.filter((x) => failFast.has(x.id))) expect(r.lat).toBe(0);
  });

  it("SPEC §10 a scenario's options change the run: task_retry_limit 1 is 2 attempts as retries, 1 as attempts", async () => {
    const raw = (options: Record<string, string>) => ({
      options,
      queues: [{ name: 'q', rate: '100/s', retry_parameters: { task_retry_limit: 1 } }],
      service: { statuses: { 500: 1 } },
      workload: [{ queue: 'q', count: 10 }],
    });
    const retries = await runScenario(await scenarioFromObject(raw({}), 'r.yaml'));
    const attempts = await runScenario(await scenarioFromObject(raw({ 'retry-limit': 'attempts' }), 'a.yaml'));
    expect([retries.counts.attempts, retries.counts.exhausted]).toEqual([20, 10]);
    expect([attempts.counts.attempts, attempts.counts.exhausted]).toEqual([10, 10]);
    expect(attempts.invariants.filter((i) => i.status === 'fail')).toEqual([]);
  });
});

describe('runScenario mechanics', () => {
  const small = () =>
    scenarioFromObject(
      {
        seed: 3,
        queues: [{ name: 'q', rate: '20/s', retry_parameters: { task_retry_limit: 1 } }],
        service: { service_time: { exponential: '30ms' }, statuses: { 200: 2, 500: 1 } },
        workload: [{ queue: 'q', kind: 'poisson', rate: '10/s', count: 50 }],
      },
      'small.yaml',
    );

  it('INV-DET the same seed gives the same hash; another seed another hash; the hash equals hashTrace of the events', async () => {
    const s = await small();
    const trace = new MemoryTrace();
    const a = await runScenario(s, { sinks: [trace] });
    const b = await runScenario(s);
    expect(b.traceHash).toBe(a.traceHash);
    expect(a.seed).toBe(3);
    expect((await runScenario(s, { seed: 4 })).traceHash).not.toBe(a.traceHash);
    expect(await hashTrace(trace.events)).toBe(a.traceHash);
    expect(a.events).toBe(trace.events.length);
  });

  it('counts come from the trace', async () => {
    const s = await small();
    const trace = new MemoryTrace();
    const r = await runScenario(s, { sinks: [trace] });
    const n = (e: string) => trace.events.filter((x) => x.e === e).length;
    expect(r.counts).toMatchObject({
      tasks: n('add'),
      succeeded: n('success'),
      exhausted: n('exhaust'),
      attempts: n('dispatch'),
    });
    expect(r.counts.succeeded + r.counts.exhausted).toBe(50);
    expect(r.virtualSeconds).toBe(trace.events.at(-1)!.t / 1e6);
  });

  it('unmet expectations are listed with the value and the range', async () => {
    const s = await scenarioFromObject(
      { workload: [{ count: 3 }], expect: { succeeded: 5, exhausted: { max: 0 }, virtual_seconds: { min: 100 } } },
      'e.yaml',
    );
    const r = await runScenario(s);
    expect(r.unmet).toEqual([
      'succeeded = 3, expected 5',
      expect.stringMatching(/^virtual_seconds = [0-9.]+, expected at least 100$/),
    ]);
  });

  it('stop.after ends at a time limit; stop.max_events at an event limit; checkInvariants false skips the suite', async () => {
    const base = { queues: [{ name: 'q', rate: '1/s', bucket_size: 1 }], workload: [{ queue: 'q', count: 100 }] };
    const timed = await runScenario(await scenarioFromObject({ ...base, stop: { after: '10s' } }, 't.yaml'));
    expect(timed.end).toBe('time-limit');
    expect(timed.virtualSeconds).toBe(10);
    expect(timed.counts.succeeded).toBeLessThanOrEqual(11);
    const counted = await runScenario(await scenarioFromObject({ ...base, stop: { max_events: 50 } }, 't.yaml'));
    expect(counted.end).toBe('event-limit');
    // The bound is checked between jobs, and one burst job writes 100 adds: it stops soon after.
    expect(counted.events).toBeLessThan(150);
    expect(counted.counts.succeeded).toBeLessThan(100);
    const unchecked = await runScenario(await scenarioFromObject(base, 't.yaml'), { checkInvariants: false });
    expect(unchecked.invariants).toEqual([]);
  });

  it('onProgress is called while a long run goes, without changing the trace', async () => {
    const s = await small();
    let calls = 0;
    const r = await runScenario(s, { onProgress: () => calls++, progressEvery: 20 });
    expect(calls).toBeGreaterThan(3);
    expect(r.traceHash).toBe((await runScenario(s)).traceHash);
  });
});
