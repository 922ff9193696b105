/**
 * INV-DET and every invariant of InvariantSuite over random small queue configurations and
 * workloads: the engine's own traces must pass its own checkers, and the same seed must give the
 * same trace hash.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ProfileName, ProfileOptions, QueueConfig, ScalingType } from '../../src/model/config.js';
import { TaskQueueError } from '../../src/model/errors.js';
import type { Engine } from '../../src/model/engine.js';
import type { ServiceModel, ServiceTime } from '../../src/model/types.js';
import { InvariantSuite } from '../../src/invariants/index.js';
import { S, makeEngine, pullQueue, pushQueue, service } from '../helpers/engine.js';

interface PushTaskPlan {
  at: number;
  countdown: number;
  named: boolean;
  failFast: boolean;
}
interface PullCallPlan {
  at: number;
  lease: number;
  max: number;
  byTag: boolean;
  tag?: string;
  then: 'delete' | 'modify' | 'release' | 'keep';
}
interface Plan {
  profile: ProfileName;
  options: Partial<ProfileOptions>;
  scaling: ScalingType;
  queues: QueueConfig[];
  service: ServiceModel;
  pushTasks: PushTaskPlan[][]; // per push queue
  pauses: { q: number; from: number; to: number }[];
  deletes: { q: number; at: number; task: number }[];
  pullTasks: { at: number; tag?: string }[];
  pullCalls: PullCallPlan[];
  pullOptions: { visibilityDelayUs: number; transientErrorRate: number };
}

const ms = (n: number) => n * 1000;

const retryArb = fc.record({
  taskRetryLimit: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
  taskAgeLimitUs: fc.option(
    fc.integer({ min: 1, max: 120 }).map((s) => s * S),
    { nil: undefined },
  ),
  minBackoffUs: fc.integer({ min: 10, max: 2000 }).map(ms),
  extraBackoffUs: fc.integer({ min: 0, max: 30_000 }).map(ms),
  maxDoublings: fc.integer({ min: 0, max: 5 }),
});

const pushQueueArb = (i: number) =>
  fc
    .record({
      rate: fc.oneof(
        { weight: 1, arbitrary: fc.constant(0) },
        { weight: 9, arbitrary: fc.constantFrom(0.5, 1, 2, 5, 10, 50) },
      ),
      bucket: fc.integer({ min: 1, max: 10 }),
      maxConcurrent: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
      retry: retryArb,
    })
    .map(({ rate, bucket, maxConcurrent, retry }) => {
      const { extraBackoffUs, taskRetryLimit, taskAgeLimitUs, ...rest } = retry;
      const r: Partial<QueueConfig['retry']> = { ...rest, maxBackoffUs: rest.minBackoffUs + extraBackoffUs };
      if (taskRetryLimit !== undefined) r.taskRetryLimit = taskRetryLimit;
      if (taskAgeLimitUs !== undefined) r.taskAgeLimitUs = taskAgeLimitUs;
      const q = pushQueue(`q${i}`, { ratePerSec: rate, bucketSize: bucket, retry: r });
      if (maxConcurrent !== undefined) q.maxConcurrentRequests = maxConcurrent;
      return q;
    });

const serviceTimeArb: fc.Arbitrary<ServiceTime> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 500 }).map((m) => ({ dist: 'constant' as const, us: ms(m) })) },
  {
    weight: 4,
    arbitrary: fc.integer({ min: 1, max: 300 }).map((m) => ({ dist: 'exponential' as const, meanUs: ms(m) })),
  },
  // Now and then past the shortest deadline (10 min), to exercise DEADLINE-1/2.
  { weight: 1, arbitrary: fc.constant({ dist: 'lognormal' as const, medianUs: 8 * 60 * S, sigma: 0.5 }) },
);

const serviceArb: fc.Arbitrary<ServiceModel> = fc
  .record({
    maxInstances: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    minInstances: fc.integer({ min: 0, max: 2 }),
    concurrency: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    coldStart: fc.integer({ min: 0, max: 2000 }).map(ms),
    serviceTime: serviceTimeArb,
    w200: fc.integer({ min: 1, max: 5 }),
    w500: fc.integer({ min: 0, max: 3 }),
    w503: fc.integer({ min: 0, max: 2 }),
    w302: fc.integer({ min: 0, max: 1 }),
    outages: fc.array(
      fc.record({ start: fc.integer({ min: 0, max: 30_000 }), len: fc.integer({ min: 1, max: 10_000 }) }),
      { maxLength: 2 },
    ),
    duplicateRate: fc.constantFrom(0, 0, 0.1, 0.5),
  })
  .map((s) =>
    service({
      maxInstances: s.maxInstances ?? Infinity,
      minInstances: s.minInstances,
      concurrencyPerInstance: s.concurrency ?? Infinity,
      coldStartUs: s.coldStart,
      serviceTime: s.serviceTime,
      statuses: [
        { status: 200, weight: s.w200 },
        { status: 500, weight: s.w500 },
        { status: 503, weight: s.w503 },
        { status: 302, weight: s.w302 },
      ].filter((x) => x.weight > 0),
      outages: s.outages.map((o) => ({ startUs: ms(o.start), endUs: ms(o.start + o.len) })),
      duplicateRate: s.duplicateRate,
    }),
  );

const pushTaskArb: fc.Arbitrary<PushTaskPlan> = fc.record({
  at: fc.integer({ min: 0, max: 20_000 }).map(ms),
  countdown: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10_000 }).map(ms)),
  named: fc.boolean(),
  failFast: fc.boolean(),
});

// Pull call times are ≡ 7 µs (mod 1 ms) and every lease length ≡ 1 µs, so a lease never ends at the
// exact instant of another call: that collision is a known bug with its own test (pull-queue.test.ts).
const pullCallArb: fc.Arbitrary<PullCallPlan> = fc.record({
  at: fc.integer({ min: 0, max: 30_000 }).map((m) => ms(m) + 7),
  lease: fc.integer({ min: 1, max: 10 }),
  max: fc.integer({ min: 1, max: 5 }),
  byTag: fc.boolean(),
  tag: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
  // biome-ignore lint/suspicious/noThenProperty: a plan's field (what the worker does next), never awaited
  then: fc.constantFrom('delete' as const, 'modify' as const, 'release' as const, 'keep' as const),
});

const planArb: fc.Arbitrary<Plan> = fc
  .integer({ min: 1, max: 3 })
  .chain((nPush) =>
    fc.record({
      profile: fc.constantFrom<ProfileName>('appengine', 'cloud-tasks'),
      options: fc.record(
        {
          backoffLinearStep: fc.constantFrom('double' as const, 'half' as const),
          ageFrom: fc.constantFrom('first-attempt' as const, 'creation' as const),
          deadlineCountsAsExecution: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
      scaling: fc.constantFrom<ScalingType>('automatic', 'basic', 'manual', 'flexible'),
      queues: fc
        .tuple(...Array.from({ length: nPush }, (_, i) => pushQueueArb(i)))
        .map((qs) => [...qs, pullQueue('p', {})]),
      pullLimit: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
      service: serviceArb,
      pushTasks: fc.tuple(...Array.from({ length: nPush }, () => fc.array(pushTaskArb, { maxLength: 12 }))),
      pauses: fc.array(
        fc.record({
          q: fc.integer({ min: 0, max: nPush - 1 }),
          from: fc.integer({ min: 0, max: 20_000 }).map(ms),
          len: fc.integer({ min: 1, max: 20_000 }).map(ms),
        }),
        { maxLength: 2 },
      ),
      deletes: fc.array(
        fc.record({
          q: fc.integer({ min: 0, max: nPush - 1 }),
          at: fc.integer({ min: 0, max: 20_000 }).map(ms),
          task: fc.nat(11),
        }),
        { maxLength: 3 },
      ),
      pullTasks: fc.array(
        fc.record({
          at: fc.integer({ min: 0, max: 20_000 }).map(ms),
          tag: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
        }),
        { maxLength: 10 },
      ),
      pullCalls: fc.array(pullCallArb, { maxLength: 12 }),
      pullOptions: fc.record({
        visibilityDelayUs: fc.constantFrom(0, 0, 200_000),
        transientErrorRate: fc.constantFrom(0, 0, 0.2),
      }),
    }),
  )
  .map(({ pullLimit, pauses, ...p }) => {
    const queues = p.queues.map((q) =>
      q.mode === 'pull' && pullLimit !== undefined ? { ...q, retry: { ...q.retry, taskRetryLimit: pullLimit } } : q,
    );
    return { ...p, queues, pauses: pauses.map((x) => ({ q: x.q, from: x.from, to: x.from + x.len })) } as Plan;
  });

const tolerate = (fn: () => void): void => {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof TaskQueueError)) throw e; // refusals (NOT_FOUND, LEASE_EXPIRED…) are part of the game
  }
};

async function simulate(plan: Plan, seed: number) {
  const suite = new InvariantSuite();
  const te = makeEngine({
    seed,
    profile: plan.profile,
    options: plan.options,
    scaling: plan.scaling,
    queues: plan.queues,
    service: plan.service,
    pull: plan.pullOptions,
    sinks: [suite],
  });
  const e = te.engine;
  const names: string[][] = plan.pushTasks.map(() => []);
  plan.pushTasks.forEach((tasks, qi) => {
    tasks.forEach((t, k) => {
      e.at(t.at, (en) => {
        const r = en.addTasks(`q${qi}`, [
          {
            ...(t.named ? { name: `t${qi}-${k}` } : {}),
            ...(t.countdown ? { countdownUs: t.countdown } : {}),
            failFast: t.failFast,
          },
        ]);
        if (r[0].ok) names[qi][k] = r[0].name!;
      });
    });
  });
  for (const p of plan.pauses) {
    e.at(p.from, (en) => en.pauseQueue(`q${p.q}`));
    e.at(p.to, (en) => en.resumeQueue(`q${p.q}`));
  }
  for (const d of plan.deletes) {
    e.at(d.at, (en) => {
      const name = names[d.q][d.task];
      if (name !== undefined) tolerate(() => en.deleteTask(`q${d.q}`, name));
    });
  }
  for (const t of plan.pullTasks) e.at(t.at, (en) => en.addTasks('p', [t.tag === undefined ? {} : { tag: t.tag }]));
  plan.pullCalls.forEach((c, i) => {
    e.at(c.at, (en: Engine) => {
      const r = en.leaseTasks('p', {
        worker: `w${i}`,
        leaseSeconds: c.lease + 1e-6,
        maxTasks: c.max,
        byTag: c.byTag,
        ...(c.tag ? { tag: c.tag } : {}),
      });
      if (!r.ok) return;
      for (const t of r.tasks) {
        if (c.then === 'delete') en.at(en.now + 500_000, (x) => tolerate(() => x.deleteTask('p', t.name)));
        else if (c.then === 'modify')
          en.at(en.now + 500_000, (x) => tolerate(() => x.modifyLease('p', t.name, t.leaseUntilUs, 2 + 1e-6)));
        else if (c.then === 'release')
          en.at(en.now + 500_000, (x) => tolerate(() => x.modifyLease('p', t.name, t.leaseUntilUs, 0)));
      }
    });
  });
  const r = e.run({ maxEvents: 20_000 });
  await e.end(r === 'blocked' ? 'stopped' : r);
  return { te, hash: te.hasher.digest(), results: suite.results() };
}

describe('INV-* over random configurations and workloads', () => {
  it('INV-ALO…INV-DEADLINE every invariant holds on the engine’s own traces, and INV-DET the same seed gives the same hash', async () => {
    await fc.assert(
      fc.asyncProperty(planArb, fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (plan, seed) => {
        const a = await simulate(plan, seed);
        const failed = a.results.filter((r) => r.status === 'fail');
        expect(failed.map((f) => ({ id: f.id, examples: f.examples.slice(0, 2) }))).toEqual([]);
        const b = await simulate(plan, seed);
        expect(b.hash).toBe(a.hash);
        expect(b.te.events.length).toBe(a.te.events.length);
      }),
      { numRuns: 200 },
    );
  });

  it('INV-ALO the idle end is reached and every live push task accounted for (not undecided) in most runs', async () => {
    // Guard against the property above passing vacuously: runs must end idle and be judged.
    const sample = fc.sample(planArb, { numRuns: 30, seed: 42 });
    let judged = 0;
    for (const [i, plan] of sample.entries()) {
      const { results, te } = await simulate(plan, i);
      const alo = results.find((r) => r.id === 'INV-ALO')!;
      if (alo.status === 'pass') judged++;
      expect(te.of('end')[0].reason).toBe('idle');
    }
    expect(judged).toBeGreaterThan(15);
  });
});

describe('INV-DET seeds', () => {
  const plan: Plan = {
    profile: 'appengine',
    options: {},
    scaling: 'automatic',
    queues: [pushQueue('q0', { ratePerSec: 20, bucketSize: 5, retry: { taskRetryLimit: 3 } }), pullQueue('p')],
    service: service({
      serviceTime: { dist: 'exponential', meanUs: 50_000 },
      statuses: [
        { status: 200, weight: 3 },
        { status: 500, weight: 1 },
      ],
      duplicateRate: 0.1,
    }),
    pushTasks: [
      Array.from({ length: 30 }, (_, k) => ({ at: k * 100_000, countdown: 0, named: k % 2 === 0, failFast: false })),
    ],
    pauses: [],
    deletes: [],
    pullTasks: [],
    pullCalls: [],
    pullOptions: { visibilityDelayUs: 0, transientErrorRate: 0 },
  };

  it('INV-DET same seed → same hash in one process; a different seed → a different trace (not only a different config event)', async () => {
    const first = await simulate(plan, 7);
    expect((await simulate(plan, 7)).hash).toBe(first.hash);
    const bodies = new Set<string>();
    const hashes = new Set<string>();
    for (let seed = 1; seed <= 10; seed++) {
      const r = await simulate(plan, seed);
      hashes.add(r.hash);
      bodies.add(JSON.stringify(r.te.events.slice(1)));
    }
    expect(hashes.size).toBe(10);
    expect(bodies.size).toBeGreaterThanOrEqual(9);
  });

  it('INV-DET the seed is recorded in the config event, so a trace names its own replay', async () => {
    const r = await simulate(plan, 123);
    expect(r.te.events[0]).toMatchObject({ e: 'config', seed: 123 });
  });
});
