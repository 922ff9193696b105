import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadScenario, scenarioFromObject } from '../../src/scenario/load.js';
import { ConfigError, type ConfigIssue } from '../../src/model/queue-yaml.js';
import { US_PER_D, US_PER_H, US_PER_M } from '../../src/sim/time.js';
import { ROOT, S } from '../helpers/engine.js';

const SCENARIOS = join(ROOT, 'scenarios');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tasksim-load-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function issues(raw: unknown): Promise<ConfigIssue[]> {
  try {
    await scenarioFromObject(raw, 'test.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

const minimal = (over: Record<string, unknown> = {}) => ({
  queues: [{ name: 'q', rate: '5/s' }],
  workload: [{ queue: 'q', count: 1 }],
  ...over,
});

describe('scenario files', () => {
  it('CFG-1 every file in scenarios/ loads, with its queues, a workload and a seed', async () => {
    const files = (await readdir(SCENARIOS)).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const f of files) {
      const s = await loadScenario(join(SCENARIOS, f));
      expect(s.name).toBe(f.replace(/\.yaml$/, ''));
      expect(Number.isInteger(s.seed)).toBe(true);
      expect(s.config.queues.some((q) => q.name === 'default')).toBe(true); // CFG-2
      expect(s.workload.length).toBeGreaterThan(0);
      expect(s.description.length).toBeGreaterThan(0);
    }
  });

  it('CFG-1 burst-drain reads as written (PUSH-2/3 settings, service, expectations)', async () => {
    const s = await loadScenario(join(SCENARIOS, 'burst-drain.yaml'));
    expect(s.seed).toBe(7);
    expect(s.config.queues.find((q) => q.name === 'mail')).toMatchObject({
      ratePerSec: 50,
      bucketSize: 20,
      maxConcurrentRequests: 10,
    });
    expect(s.service.serviceTime).toEqual({ dist: 'exponential', meanUs: 80_000 });
    expect(s.workload).toMatchObject([{ queue: 'mail', kind: 'burst', count: 2000 }]);
    expect(s.expect).toMatchObject({ succeeded: { min: 2000, max: 2000 }, exhausted: { min: 0, max: 0 } });
    expect(s.config.deadlineUs).toBe(10 * US_PER_M);
  });

  it('INST-1 / DEADLINE-1 cloud-tasks-manual: profile, manual scaling (24 h deadline), warm instances, statuses', async () => {
    const s = await loadScenario(join(SCENARIOS, 'cloud-tasks-manual.yaml'));
    expect(s.config.profile).toBe('cloud-tasks');
    expect(s.config.options.retryLimitMeans).toBe('attempts');
    expect(s.config.scaling).toBe('manual');
    expect(s.config.deadlineUs).toBe(24 * US_PER_H);
    expect(s.service).toMatchObject({
      maxInstances: 2,
      minInstances: 2,
      concurrencyPerInstance: 8,
      duplicateRate: 0.01,
    });
    expect(s.service.statuses).toEqual([
      { status: 200, weight: 80 },
      { status: 500, weight: 10 },
      { status: 503, weight: 10 },
    ]);
  });

  it('PULL-8/9 pull-workers: pull options and workers', async () => {
    const s = await loadScenario(join(SCENARIOS, 'pull-workers.yaml'));
    expect(s.pull).toEqual({ visibilityDelayUs: 200_000, transientErrorRate: 0.02 });
    expect(s.workers.map((w) => [w.leaseSeconds, w.batch, w.tag, w.byTag])).toEqual([
      [10, 20, undefined, false],
      [10, 20, 'eu', false],
      [5, 50, undefined, true],
    ]);
    expect(s.config.queues.find((q) => q.name === 'jobs')).toMatchObject({
      mode: 'pull',
      retry: { taskRetryLimit: 2 },
    });
  });

  it('the profile can be overridden (the CLI’s --profile)', async () => {
    const s = await loadScenario(join(SCENARIOS, 'burst-drain.yaml'), { profile: 'cloud-tasks' });
    expect(s.config.profile).toBe('cloud-tasks');
    expect(s.config.options.tombstoneUs).toBe(US_PER_H);
  });

  it("SPEC §10 a scenario's options: select readings by name; the CLI's options override them, name by name", async () => {
    const raw = minimal({ profile: 'appengine', options: { 'retry-limit': 'attempts', 'age-from': 'creation' } });
    const s = await scenarioFromObject(raw, 't.yaml');
    expect(s.config.options).toMatchObject({
      retryLimitMeans: 'attempts',
      ageFrom: 'creation',
      handler503Counts: true,
    });
    const o = await scenarioFromObject(raw, 't.yaml', {
      options: { 'age-from': 'first-attempt', 'retry-eta-header': 'original' },
    });
    expect(o.config.options).toMatchObject({
      retryLimitMeans: 'attempts',
      ageFrom: 'first-attempt',
      retryEtaHeader: 'original',
    });
    // With queue_yaml too: the options reach the queue.yaml reader's resolved config.
    await writeFile(join(dir, 'qy.yaml'), 'queue:\n- name: q\n');
    await writeFile(
      join(dir, 'opts.yaml'),
      stringify({
        queue_yaml: 'qy.yaml',
        options: { 'backoff-linear-step': 'half' },
        workload: [{ queue: 'q', count: 1 }],
      }),
    );
    expect((await loadScenario(join(dir, 'opts.yaml'))).config.options.backoffLinearStep).toBe('half');
  });

  it('CFG-1 queue_yaml is read relative to the scenario file', async () => {
    await writeFile(join(dir, 'queue.yaml'), 'queue:\n- name: mail\n  rate: 2/m\n  bucket_size: 3\n');
    await writeFile(
      join(dir, 's.yaml'),
      stringify({ queue_yaml: 'queue.yaml', workload: [{ queue: 'mail', count: 2 }] }),
    );
    const s = await loadScenario(join(dir, 's.yaml'));
    expect(s.config.queues.find((q) => q.name === 'mail')).toMatchObject({ ratePerSec: 2 / 60, bucketSize: 3 });
  });

  it('defaults: seed 1, service 50 ms and 200, stop bound, default queue for streams', async () => {
    const s = await scenarioFromObject({ workload: [{ count: 3 }] }, 'x/plain.yml');
    expect(s.name).toBe('plain');
    expect(s.seed).toBe(1);
    expect(s.workload[0]).toMatchObject({ queue: 'default', kind: 'burst', count: 3, etaOffsetUs: { min: 0, max: 0 } });
    expect(s.service.serviceTime).toEqual({ dist: 'constant', us: 50_000 });
    expect(s.service.statuses).toEqual([{ status: 200, weight: 1 }]);
    expect(s.stop.maxEvents).toBeGreaterThan(1_000_000);
  });
});

describe('CFG-3 refusals name the file, the field and the rule — every problem at once', () => {
  it('CFG-3 several problems in one scenario are all reported', async () => {
    const list = await issues(
      minimal({
        bogus: 1,
        service: { scaling: 'turbo', outages: [{ start: '5s', end: '1s' }] },
        workload: [{ queue: 'nope', count: -1 }],
      }),
    );
    const fields = list.map((i) => i.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'bogus',
        'service.scaling',
        'service.outages[0]',
        'workload[0].count',
        'workload[0].queue',
      ]),
    );
    for (const i of list) expect(i.file).toBe('test.yaml');
    expect(list.find((i) => i.field === 'service.scaling')!.rule).toBe('INST-1');
  });

  it('CFG-1 inline queues are validated by the queue.yaml reader (rate grammar, retry limit)', async () => {
    const list = await issues({ queues: [{ name: 'q', rate: '5/x', retry_parameters: { task_retry_limit: -1 } }] });
    expect(list.map((i) => [i.queue, i.field, i.rule])).toEqual(
      expect.arrayContaining([
        ['q', 'rate', 'CFG-1'],
        ['q', 'retry_parameters.task_retry_limit', 'RETRY-1'],
      ]),
    );
    expect(list[0].file).toContain('test.yaml');
  });

  it('PUSH-4 / TASK-3 / PULL-2 / PULL-1 SPEC limits in workload and workers', async () => {
    const list = await issues({
      queues: [{ name: 'q' }, { name: 'p', mode: 'pull' }],
      workload: [
        { queue: 'q', eta_offset: '31d' },
        { queue: 'q', payload_bytes: 102_401 },
        { queue: 'p', payload_bytes: 1_048_577 },
      ],
      workers: [{ queue: 'p', lease: '8d', batch: 1001 }, { queue: 'q' }],
    });
    const byField = Object.fromEntries(list.map((i) => [i.field, i.rule]));
    expect(byField).toMatchObject({
      'workload[0].eta_offset': 'PUSH-4',
      'workload[1].payload_bytes': 'TASK-3',
      'workload[2].payload_bytes': 'TASK-3',
      'workers[0].lease': 'PULL-2',
      'workers[0].batch': 'PULL-2',
      'workers[1].queue': 'PULL-1',
    });
  });

  it('PUSH-4 an ETA offset of exactly 30 days is allowed', async () => {
    const s = await scenarioFromObject(minimal({ workload: [{ queue: 'q', eta_offset: '30d' }] }), 't.yaml');
    expect(s.workload[0].etaOffsetUs).toEqual({ min: 30 * US_PER_D, max: 30 * US_PER_D });
  });

  it('TASK-1 a name prefix that cannot make valid task names is refused', async () => {
    const list = await issues(minimal({ workload: [{ queue: 'q', name_prefix: 'bad prefix ' }] }));
    expect(list).toMatchObject([{ field: 'workload[0].name_prefix', rule: 'TASK-1' }]);
  });

  it('CFG-1 malformed YAML and a missing file are ConfigErrors naming the file', async () => {
    await writeFile(join(dir, 'broken.yaml'), 'queues: [\n  - name: q\n');
    await expect(loadScenario(join(dir, 'broken.yaml'))).rejects.toThrow(/broken\.yaml.*malformed YAML/);
    await expect(loadScenario(join(dir, 'absent.yaml'))).rejects.toThrow(/absent\.yaml.*no such file/);
    await writeFile(join(dir, 'needs.yaml'), stringify({ queue_yaml: 'missing-queue.yaml' }));
    await expect(loadScenario(join(dir, 'needs.yaml'))).rejects.toThrow(/missing-queue\.yaml/);
  });

  it('SPEC §10 an unknown option name, or a value not in its list, names the field, the choices and the rule', async () => {
    const list = await issues(
      minimal({ options: { 'retry-limits': 'attempts', 'retry-limit': 'tries', 'age-from': 3 } }),
    );
    expect(list.map((i) => [i.field, i.rule])).toEqual([
      ['options.retry-limits', 'CFG-3'],
      ['options.retry-limit', 'RETRY-1'],
      ['options.age-from', 'RETRY-2'],
    ]);
    expect(list[0].message).toContain('the options are backoff-linear-step, handler-503, retry-limit');
    expect(list[1].message).toContain('must be retries or attempts, got "tries"');
  });

  it("TASK-3 a push stream's payload_bytes leaves room for the default URL: queue q → 102400 − 12 bytes", async () => {
    // "/_ah/queue/q" is 12 bytes.
    const ok = await scenarioFromObject(minimal({ workload: [{ queue: 'q', payload_bytes: 102_388 }] }), 't.yaml');
    expect(ok.workload[0].payloadBytes).toEqual({ min: 102_388, max: 102_388 });
    const list = await issues(minimal({ workload: [{ queue: 'q', payload_bytes: 102_389 }] }));
    expect(list).toMatchObject([{ field: 'workload[0].payload_bytes', rule: 'TASK-3' }]);
    expect(list[0].message).toContain('102388 bytes of payload');
  });

  it('INST-3 service.pending_latency: default 10 s; a duration when given; not a duration → refused', async () => {
    expect((await scenarioFromObject(minimal(), 't.yaml')).service.pendingLatencyUs).toBe(10 * S);
    expect(
      (await scenarioFromObject(minimal({ service: { pending_latency: '250ms' } }), 't.yaml')).service.pendingLatencyUs,
    ).toBe(250_000);
    expect(await issues(minimal({ service: { pending_latency: 'soon' } }))).toMatchObject([
      { field: 'service.pending_latency', rule: 'INST-3' },
    ]);
  });

  it('durations and stop: stop.after and max_events are read', async () => {
    const s = await scenarioFromObject(minimal({ stop: { after: '2m', max_events: 10 } }), 't.yaml');
    expect(s.stop).toEqual({ untilUs: 120 * S, maxEvents: 10 });
  });
});
