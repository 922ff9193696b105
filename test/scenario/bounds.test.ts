/**
 * Every number a scenario gives is checked for range and finiteness against a documented bound
 * (CFG-3: the file, the field, the rule and the bound), and every accepted run is bounded in events
 * and virtual progress: a burst stops at stop.max_events, a clock that stands still is stopped.
 */
import { describe, expect, it } from 'vitest';
import { scenarioFromObject, BOUNDS } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run.js';
import { ConfigError, formatIssue } from '../../src/model/config-error.js';
import { MemoryTrace } from '../../src/sim/trace.js';

const push = { name: 'q', rate: '5/s' };
const pull = { name: 'jobs', mode: 'pull' };

/** The one message a scenario is refused with (formatted as the CLI prints it). */
async function refusal(raw: Record<string, unknown>): Promise<string> {
  try {
    await scenarioFromObject(raw, 'hostile.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues.map(formatIssue).join('\n');
  }
  throw new Error('expected the scenario to be refused');
}

describe('CFG-3 every number a scenario gives has a bound', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    [
      'service_time: 1e303',
      { queues: [push], workload: [{ queue: 'q' }], service: { service_time: 1e303 } },
      'hostile.yaml: field "service.service_time": must be at most 7d (the bound on one step), got number 1e+303 (CFG-3)',
    ],
    [
      'count: 1e308',
      { queues: [push], workload: [{ queue: 'q', count: 1e308 }] },
      'hostile.yaml: field "workload[0].count": must be at most 1000000, got 1e+308 (CFG-3)',
    ],
    [
      'start: 1e303',
      { queues: [push], workload: [{ queue: 'q', start: 1e303 }] },
      'hostile.yaml: field "workload[0].start": must be at most 3650d (the scenario timeline bound), got number 1e+303 (CFG-3)',
    ],
    [
      'seed: 1e20',
      { queues: [push], workload: [{ queue: 'q' }], seed: 1e20 },
      'hostile.yaml: field "seed": must be at most 4294967295, got 100000000000000000000 (INV-DET)',
    ],
    [
      'poll_interval: 0s',
      { queues: [pull], workload: [{ queue: 'jobs' }], workers: [{ queue: 'jobs', poll_interval: '0s' }] },
      'hostile.yaml: field "workers[0].poll_interval": must be at least 1ms (a zero poll interval would stop the clock), got string "0s" (CFG-3)',
    ],
    [
      'a near-zero rate: 5 tasks 1,157 days apart',
      { queues: [push], workload: [{ queue: 'q', kind: 'constant', rate: '0.00000001/s', count: 5 }] },
      'hostile.yaml: field "workload[0].rate": 5 tasks at 1e-8/s from 0µs would end after 3650d (the scenario timeline bound); raise the rate or lower the count (CFG-3)',
    ],
    [
      'a rate above one arrival per microsecond',
      { queues: [push], workload: [{ queue: 'q', kind: 'poisson', rate: '2000000/s', count: 5 }] },
      'hostile.yaml: field "workload[0].rate": must be at most 1000000/s (one arrival per virtual microsecond), got string "2000000/s" (CFG-3)',
    ],
    [
      'stop.max_events: 1e12',
      { queues: [push], workload: [{ queue: 'q' }], stop: { max_events: 1e12 } },
      'hostile.yaml: field "stop.max_events": must be at most 1000000000, got 1000000000000 (CFG-3)',
    ],
    [
      'min_instances: 1e9 (instances that would all be started)',
      { queues: [push], workload: [{ queue: 'q' }], service: { min_instances: 1e9 } },
      'hostile.yaml: field "service.min_instances": must be at most 10000, got 1000000000 (INST-1)',
    ],
    [
      'sigma: 1e3 (draws of e^8600)',
      { queues: [push], workload: [{ queue: 'q' }], service: { service_time: { lognormal: '50ms', sigma: 1000 } } },
      'hostile.yaml: field "service.service_time.sigma": must be at most 4, got 1000 (CFG-3)',
    ],
    [
      '.inf in an expectation',
      { queues: [push], workload: [{ queue: 'q' }], expect: { succeeded: Infinity } },
      'hostile.yaml: field "expect.succeeded": must be a finite number, got Infinity (CFG-3)',
    ],
    [
      '.nan as a status weight',
      { queues: [push], workload: [{ queue: 'q' }], service: { statuses: { 200: Number.NaN } } },
      'hostile.yaml: field "service.statuses.200": must be a number, got number NaN (CFG-3)\nhostile.yaml: field "service.statuses": the weights add up to zero (CFG-3)',
    ],
    [
      'stop.after: 1e300',
      { queues: [push], workload: [{ queue: 'q' }], stop: { after: 1e300 } },
      'hostile.yaml: field "stop.after": must be at most 3650d (the scenario timeline bound), got number 1e+300 (CFG-3)',
    ],
  ];
  for (const [name, raw, message] of cases) {
    it(name, async () => {
      expect(await refusal(raw)).toBe(message);
    });
  }

  it('the tasks of all streams together are bounded (memory), and the limit is said', async () => {
    const half = BOUNDS.tasks / 2 + 1;
    expect(
      await refusal({
        queues: [push],
        workload: [
          { queue: 'q', count: half },
          { queue: 'q', count: half },
        ],
      }),
    ).toBe(
      `hostile.yaml: field "workload": the streams add ${2 * half} tasks; the bound is 1000000 tasks in one scenario (memory: about 1 KiB each when all are alive) (CFG-3)`,
    );
  });

  it('the bounds themselves are accepted (a bound is inclusive)', async () => {
    const s = await scenarioFromObject(
      {
        queues: [push],
        seed: 4294967295,
        workload: [{ queue: 'q', count: 10, start: '3650d' }],
        service: { service_time: '7d' },
        stop: { max_events: 1_000_000_000 },
      },
      'edge.yaml',
    );
    expect(s.seed).toBe(4294967295);
    expect(s.workload[0].startUs).toBe(3650 * 86_400_000_000);
    expect(s.service.serviceTime).toEqual({ dist: 'constant', us: 7 * 86_400_000_000 });
  });
});

describe('every accepted run is bounded', () => {
  it('stop.max_events bounds a burst: 5,000 tasks at one instant stop at 300 events', async () => {
    const s = await scenarioFromObject(
      { queues: [push], workload: [{ queue: 'q', kind: 'burst', count: 5000 }], stop: { max_events: 300 } },
      'burst.yaml',
    );
    const r = await runScenario(s, { checkInvariants: false });
    expect(r.end).toBe('event-limit');
    expect(r.events).toBe(301); // 300, then the end event
    expect(r.counts.tasks).toBeLessThan(300); // the config event came first
  });

  it('a run whose clock stands still is stopped with a verdict, and its trace ends with end: stopped', async () => {
    // A zero poll interval is refused in files; built in code it makes the worker spin at one instant.
    const s = await scenarioFromObject(
      { queues: [pull], workload: [{ queue: 'jobs', count: 0 }], workers: [{ queue: 'jobs' }] },
      'spin.yaml',
    );
    const spinning = {
      ...s,
      workload: [{ ...s.workload[0], count: 1, startUs: 10_000_000 }],
      workers: [{ ...s.workers[0], pollIntervalUs: 0 }],
    };
    const trace = new MemoryTrace();
    const r = await runScenario(spinning, { sinks: [trace], stallEvents: 50_000 });
    expect(r.end).toBe('stopped');
    expect(r.stalled).toEqual({ atUs: 0, events: expect.any(Number) });
    expect(r.stalled!.events).toBeGreaterThanOrEqual(50_000);
    expect(trace.events.at(-1)).toEqual({ t: 0, e: 'end', reason: 'stopped' });
  });
});
