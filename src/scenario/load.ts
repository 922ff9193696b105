/** Reads a scenario file (documented in scenarios/README.md) into a validated Scenario. */
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve as resolvePath } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../model/config-error.js';
import { loadQueueYaml, queueConfigFromObject } from '../model/queue-yaml.js';
import { isProfileName, isScalingType } from '../model/profiles.js';
import type { ProfileName, ResolvedConfig, ScalingType } from '../model/config.js';
import type { ServiceModel, ServiceTime, StatusWeight } from '../model/types.js';
import { LIMITS, TASK_NAME_RE } from '../model/names.js';
import { byteLength, defaultTaskUrl } from '../model/task.js';
import { MAX_LEASE_SECONDS, MAX_LEASE_TASKS } from '../model/pull-queue.js';
import { MAX_ETA_AHEAD_US } from '../model/engine.js';
import { DEFAULT_PENDING_LATENCY_US } from '../model/instances.js';
import { findOption, optionProblem, type NamedOptions } from '../model/options.js';
import { US_PER_D, US_PER_S, formatDuration } from '../sim/time.js';
import { FieldReader, join, type Obj } from './fields.js';
import type { Expectations, PullWorkers, Range, Scenario, ScheduledAction, WorkloadStream } from './types.js';

const TOP = [
  'name',
  'description',
  'profile',
  'options',
  'seed',
  'queue_yaml',
  'queues',
  'service',
  'pull',
  'workload',
  'workers',
  'actions',
  'stop',
  'expect',
];
const SERVICE = [
  'scaling',
  'instances',
  'min_instances',
  'concurrency',
  'cold_start',
  'pending_latency',
  'service_time',
  'statuses',
  'outages',
  'duplicate_rate',
];
const STREAM = [
  'queue',
  'kind',
  'count',
  'start',
  'rate',
  'eta_offset',
  'name_prefix',
  'payload_bytes',
  'tags',
  'fail_fast',
];
const WORKER = [
  'queue',
  'count',
  'poll_interval',
  'lease',
  'batch',
  'tag',
  'by_tag',
  'processing_time',
  'crash_probability',
  'start',
];

/** Safety bound on trace events when a scenario sets none: no run loops forever. */
export const DEFAULT_MAX_EVENTS = 50_000_000;

/** What a command line may change in a scenario: the profile, and §10 options by name (over the file's). */
export interface ScenarioOverrides {
  profile?: ProfileName;
  options?: NamedOptions;
}

/**
 * The bounds of every number a scenario can give (documented in scenarios/README.md). They keep every
 * accepted scenario finite in time, events and memory: virtual microseconds stay exact integers
 * (far below 2^53), no arrival gap is below a microsecond, the tasks alive at once fit in memory.
 */
export const BOUNDS = {
  /** Instants on the scenario's timeline (start, at, outages, stop.after) and a stream's whole span. */
  timelineUs: 3650 * US_PER_D,
  /** One step of a task or worker: service time, cold start, processing time, poll interval, visibility delay. */
  stepUs: 7 * US_PER_D,
  /** A worker that polls more often than this would spin the clock in place. */
  minPollUs: 1000,
  /** Tasks over all workload streams: about 1 KiB each of model and checker state when all are alive. */
  tasks: 1_000_000,
  /** Pull workers over all entries. */
  workers: 1000,
  /** service.instances, min_instances and concurrency (or `unlimited`). */
  instances: 10_000,
  /** An arrival rate (one per virtual microsecond). */
  ratePerSec: 1_000_000,
  /** The lognormal shape: e^(4·8.6) keeps every draw finite. */
  sigma: 4,
  /** A status weight. */
  weight: 1_000_000,
  /** stop.max_events. */
  maxEvents: 1_000_000_000,
  /** The scenario file itself. */
  fileBytes: 10 * 1024 * 1024,
  /** Seeds are 32-bit (INV-DET), as for --seed. */
  seed: 0xffffffff,
} as const;

const TIMELINE = { max: BOUNDS.timelineUs, bound: 'the scenario timeline bound' };
const STEP = { max: BOUNDS.stepUs, bound: 'the bound on one step' };

export async function loadScenario(path: string, overrides: ScenarioOverrides = {}): Promise<Scenario> {
  let text: string;
  try {
    const size = (await stat(path)).size;
    if (size > BOUNDS.fileBytes) {
      throw new ConfigError([
        {
          file: path,
          rule: 'CFG-3',
          message: `the scenario file is ${size} bytes; the bound is ${BOUNDS.fileBytes} bytes`,
        },
      ]);
    }
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new ConfigError([{ file: path, rule: 'CFG-1', message: `cannot read scenario "${path}": ${reason}` }]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    const line = (e as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new ConfigError([
      {
        file: path,
        ...(line ? { line } : {}),
        rule: 'CFG-1',
        message: `malformed YAML: ${(e as Error).message.split('\n')[0]}`,
      },
    ]);
  }
  return scenarioFromObject(raw, path, overrides);
}

export async function scenarioFromObject(
  raw: unknown,
  file: string,
  overrides: ScenarioOverrides = {},
): Promise<Scenario> {
  const r = new FieldReader(file);
  const top = r.map(raw, '', TOP) ?? {};
  const profileName = overrides.profile ?? r.string(top.profile, 'profile', 'appengine')!;
  if (!isProfileName(profileName))
    r.problem('profile', `must be appengine or cloud-tasks, got ${JSON.stringify(profileName)}`);
  const profile: ProfileName = isProfileName(profileName) ? profileName : 'appengine';
  const options = { ...readOptions(r, top.options), ...overrides.options };
  const service = readService(r, top.service);
  const config = await readQueues(r, top, file, profile, service.scaling, options);
  const scenario: Scenario = {
    name: r.string(top.name, 'name', file.replace(/^.*\//, '').replace(/\.ya?ml$/, ''))!,
    description: r.string(top.description, 'description', '')!,
    file,
    ...(typeof top.queue_yaml === 'string' && top.queues === undefined
      ? { queueYaml: resolvePath(dirname(file), top.queue_yaml) }
      : {}),
    seed: r.number(top.seed, 'seed', 1, { min: 0, max: BOUNDS.seed, integer: true, rule: 'INV-DET' }),
    config: config ?? ({ queues: [] } as unknown as ResolvedConfig),
    service: service.model,
    pull: readPull(r, top.pull),
    workload: r.list(top.workload, 'workload').map((s, i) => readStream(r, s, join('workload', i))),
    workers: r.list(top.workers, 'workers').map((w, i) => readWorker(r, w, join('workers', i))),
    actions: r.list(top.actions, 'actions').map((a, i) => readAction(r, a, join('actions', i))),
    stop: readStop(r, top.stop),
    expect: readExpect(r, top.expect),
  };
  if (config) checkQueueRefs(r, scenario);
  checkTotals(r, scenario);
  if (r.issues.length > 0) throw new ConfigError(r.issues);
  return scenario;
}

/** SPEC §10 options by name (`options: { retry-limit: attempts }`); bad names and values are listed, not used. */
function readOptions(r: FieldReader, value: unknown): NamedOptions {
  const m = r.map(value, 'options', null) ?? {};
  const out: NamedOptions = {};
  for (const [name, v] of Object.entries(m)) {
    const problem = optionProblem(name, v);
    if (problem) r.problem(join('options', name), problem, findOption(name)?.rule ?? 'CFG-3');
    else out[name] = v as string;
  }
  return out;
}

async function readQueues(
  r: FieldReader,
  top: Obj,
  file: string,
  profile: ProfileName,
  scaling: ScalingType,
  options: NamedOptions,
): Promise<ResolvedConfig | undefined> {
  const opts = { profile, scaling, options };
  try {
    if (top.queue_yaml !== undefined && top.queues !== undefined) {
      r.problem('queue_yaml', 'give either queue_yaml (a path) or queues (inline), not both');
      return undefined;
    }
    const path = r.string(top.queue_yaml, 'queue_yaml');
    if (path !== undefined) return await loadQueueYaml(resolvePath(dirname(file), path), opts);
    return queueConfigFromObject(top.queues === undefined ? null : { queue: top.queues }, {
      ...opts,
      where: `${file} (queues)`,
    });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    r.issues.push(...e.issues);
    return undefined;
  }
}

function readService(r: FieldReader, value: unknown): { model: ServiceModel; scaling: ScalingType } {
  const s = r.map(value, 'service', SERVICE) ?? {};
  const scalingName = r.string(s.scaling, 'service.scaling', 'automatic')!;
  if (!isScalingType(scalingName))
    r.problem(
      'service.scaling',
      `must be automatic, basic, manual or flexible, got ${JSON.stringify(scalingName)}`,
      'INST-1',
    );
  const scaling: ScalingType = isScalingType(scalingName) ? scalingName : 'automatic';
  const unlimited = (v: unknown, f: string): number =>
    v === 'unlimited' || v === undefined
      ? Infinity
      : r.number(v, f, Infinity, { min: 1, max: BOUNDS.instances, integer: true, rule: 'INST-1' });
  const maxInstances = unlimited(s.instances, 'service.instances');
  // Manual and basic scaling keep their instances up; automatic starts them as needed (INST-1).
  const warmDefault = scaling === 'manual' && Number.isFinite(maxInstances) ? maxInstances : 0;
  return {
    scaling,
    model: {
      maxInstances,
      minInstances: r.number(s.min_instances, 'service.min_instances', warmDefault, {
        min: 0,
        max: Number.isFinite(maxInstances) ? maxInstances : BOUNDS.instances,
        integer: true,
        rule: 'INST-1',
      }),
      concurrencyPerInstance: unlimited(s.concurrency, 'service.concurrency'),
      coldStartUs: r.duration(s.cold_start, 'service.cold_start', 0, STEP),
      pendingLatencyUs: r.duration(s.pending_latency, 'service.pending_latency', DEFAULT_PENDING_LATENCY_US, {
        ...STEP,
        rule: 'INST-3',
      }),
      serviceTime: readServiceTime(r, s.service_time),
      statuses: readStatuses(r, s.statuses),
      outages: r.list(s.outages, 'service.outages').map((o, i) => {
        const f = join('service.outages', i);
        const m = r.map(o, f, ['start', 'end']) ?? {};
        const startUs = r.duration(m.start, join(f, 'start'), 0, TIMELINE);
        const endUs = r.duration(m.end, join(f, 'end'), startUs, TIMELINE);
        if (endUs <= startUs) r.problem(f, 'end must come after start', 'INST-2');
        return { startUs, endUs };
      }),
      duplicateRate: r.number(s.duplicate_rate, 'service.duplicate_rate', 0, { min: 0, max: 1, rule: 'HANDLER-4' }),
    },
  };
}

function readServiceTime(r: FieldReader, value: unknown): ServiceTime {
  const f = 'service.service_time';
  if (value === undefined) return { dist: 'constant', us: 50_000 };
  if (typeof value === 'string' || typeof value === 'number')
    return { dist: 'constant', us: r.duration(value, f, 0, STEP) };
  const m = r.map(value, f, ['constant', 'exponential', 'lognormal', 'sigma']) ?? {};
  if (m.exponential !== undefined)
    return { dist: 'exponential', meanUs: r.duration(m.exponential, join(f, 'exponential'), 50_000, STEP) };
  if (m.lognormal !== undefined) {
    return {
      dist: 'lognormal',
      medianUs: r.duration(m.lognormal, join(f, 'lognormal'), 50_000, STEP),
      sigma: r.number(m.sigma, join(f, 'sigma'), 0.5, { min: 0, max: BOUNDS.sigma }),
    };
  }
  if (m.constant !== undefined)
    return { dist: 'constant', us: r.duration(m.constant, join(f, 'constant'), 50_000, STEP) };
  r.problem(f, 'must be a duration, or one of { constant: D }, { exponential: MEAN }, { lognormal: MEDIAN, sigma: S }');
  return { dist: 'constant', us: 50_000 };
}

function readStatuses(r: FieldReader, value: unknown): StatusWeight[] {
  if (value === undefined) return [{ status: 200, weight: 1 }];
  const m = r.map(value, 'service.statuses', null); // keys are status codes
  if (!m) return [{ status: 200, weight: 1 }];
  const list: StatusWeight[] = [];
  for (const [key, w] of Object.entries(m)) {
    const f = join('service.statuses', key);
    const status = Number(key);
    if (!Number.isInteger(status) || status < 100 || status > 599)
      r.problem(f, 'status must be an HTTP status code 100-599', 'HANDLER-2');
    else list.push({ status, weight: r.number(w, f, 0, { min: 0, max: BOUNDS.weight }) });
  }
  if (list.length > 0 && list.every((s) => s.weight === 0)) r.problem('service.statuses', 'the weights add up to zero');
  return list.length > 0 ? list : [{ status: 200, weight: 1 }];
}

function readPull(r: FieldReader, value: unknown): Scenario['pull'] {
  const m = r.map(value, 'pull', ['visibility_delay', 'transient_error_rate']) ?? {};
  return {
    visibilityDelayUs: r.duration(m.visibility_delay, 'pull.visibility_delay', 0, { ...STEP, rule: 'PULL-8' }),
    transientErrorRate: r.number(m.transient_error_rate, 'pull.transient_error_rate', 0, {
      min: 0,
      max: 1,
      rule: 'PULL-9',
    }),
  };
}

function readStream(r: FieldReader, value: unknown, f: string): WorkloadStream {
  const m = r.map(value, f, STREAM) ?? {};
  const kind = r.oneOf(m.kind, join(f, 'kind'), ['burst', 'constant', 'poisson'] as const, 'burst');
  const ratePerSec = r.rate(m.rate, join(f, 'rate'), 1, BOUNDS.ratePerSec);
  if (kind !== 'burst' && m.rate === undefined)
    r.problem(join(f, 'rate'), `a ${kind} stream needs a rate such as 10/s`);
  const namePrefix = r.string(m.name_prefix, join(f, 'name_prefix'));
  if (namePrefix !== undefined && !TASK_NAME_RE.test(`${namePrefix}0`)) {
    r.problem(join(f, 'name_prefix'), `task names must match ${TASK_NAME_RE.source}`, 'TASK-1');
  }
  const tags = Array.isArray(m.tags)
    ? r.list(m.tags, join(f, 'tags')).map((t, i) => r.string(t, join(join(f, 'tags'), i), '')!)
    : m.tags === undefined
      ? []
      : [r.string(m.tags, join(f, 'tags'), '')!];
  for (const [i, t] of tags.entries()) {
    if (Buffer.byteLength(t) > LIMITS.tagBytes)
      r.problem(join(join(f, 'tags'), i), `a tag is at most ${LIMITS.tagBytes} bytes`, 'TASK-3');
  }
  return {
    queue: r.string(m.queue, join(f, 'queue'), 'default')!,
    kind,
    count: r.number(m.count, join(f, 'count'), 1, { min: 0, max: BOUNDS.tasks, integer: true }),
    startUs: r.duration(m.start, join(f, 'start'), 0, TIMELINE),
    ratePerSec,
    etaOffsetUs: r.range(m.eta_offset, join(f, 'eta_offset'), 0, (v, ff) =>
      r.duration(v, ff, 0, { max: MAX_ETA_AHEAD_US, rule: 'PUSH-4' }),
    ),
    namePrefix,
    payloadBytes: r.range(m.payload_bytes, join(f, 'payload_bytes'), 0, (v, ff) =>
      r.number(v, ff, 0, { min: 0, max: LIMITS.pullTaskBytes, integer: true, rule: 'TASK-3' }),
    ),
    tags,
    failFast: r.bool(m.fail_fast, join(f, 'fail_fast'), false),
  };
}

function readWorker(r: FieldReader, value: unknown, f: string): PullWorkers {
  const m = r.map(value, f, WORKER) ?? {};
  return {
    queue: r.string(m.queue, join(f, 'queue'), '')!,
    count: r.number(m.count, join(f, 'count'), 1, { min: 1, max: BOUNDS.workers, integer: true }),
    pollIntervalUs: r.duration(m.poll_interval, join(f, 'poll_interval'), US_PER_S, {
      ...STEP,
      min: BOUNDS.minPollUs,
      bound: 'a zero poll interval would stop the clock',
    }),
    leaseSeconds:
      r.duration(m.lease, join(f, 'lease'), 60 * US_PER_S, { max: MAX_LEASE_SECONDS * US_PER_S, rule: 'PULL-2' }) /
      US_PER_S,
    batch: r.number(m.batch, join(f, 'batch'), 10, { min: 1, max: MAX_LEASE_TASKS, integer: true, rule: 'PULL-2' }),
    tag: r.string(m.tag, join(f, 'tag')),
    byTag: r.bool(m.by_tag, join(f, 'by_tag'), false),
    processingUs: r.duration(m.processing_time, join(f, 'processing_time'), 100_000, STEP),
    crashProbability: r.number(m.crash_probability, join(f, 'crash_probability'), 0, { min: 0, max: 1 }),
    startUs: r.duration(m.start, join(f, 'start'), 0, TIMELINE),
  };
}

function readAction(r: FieldReader, value: unknown, f: string): ScheduledAction {
  const m = r.map(value, f, ['at', 'pause', 'resume']) ?? {};
  const atUs = r.duration(m.at, join(f, 'at'), 0, TIMELINE);
  if ((m.pause === undefined) === (m.resume === undefined))
    r.problem(f, 'give exactly one of pause: QUEUE or resume: QUEUE', 'PUSH-8');
  const action = m.pause !== undefined ? 'pause' : 'resume';
  return { atUs, action, queue: r.string(m[action], join(f, action), '')! };
}

function readStop(r: FieldReader, value: unknown): Scenario['stop'] {
  const m = r.map(value, 'stop', ['after', 'max_events']) ?? {};
  const untilUs = m.after === undefined ? undefined : r.duration(m.after, 'stop.after', 0, TIMELINE);
  return {
    untilUs,
    maxEvents: r.number(m.max_events, 'stop.max_events', DEFAULT_MAX_EVENTS, {
      min: 1,
      max: BOUNDS.maxEvents,
      integer: true,
    }),
  };
}

function readExpect(r: FieldReader, value: unknown): Expectations {
  const m = r.map(value, 'expect', ['succeeded', 'exhausted', 'virtual_seconds']) ?? {};
  const bound = (v: unknown, f: string): Range | undefined => {
    if (v === undefined) return undefined;
    if (typeof v === 'number') {
      const x = r.number(v, f, 0);
      return { min: x, max: x };
    }
    const b = r.map(v, f, ['min', 'max']) ?? {};
    return { min: r.number(b.min, join(f, 'min'), -Infinity), max: r.number(b.max, join(f, 'max'), Infinity) };
  };
  return {
    succeeded: bound(m.succeeded, 'expect.succeeded'),
    exhausted: bound(m.exhausted, 'expect.exhausted'),
    virtualSeconds: bound(m.virtual_seconds, 'expect.virtual_seconds'),
  };
}

/** Every queue a stream, worker or action names must exist, in the right mode (PULL-1). */
function checkQueueRefs(r: FieldReader, s: Scenario): void {
  const mode = new Map(s.config.queues.map((q) => [q.name, q.mode]));
  const need = (queue: string, f: string, want?: 'push' | 'pull'): void => {
    const m = mode.get(queue);
    if (m === undefined)
      r.problem(f, `no queue named ${JSON.stringify(queue)}; the queues are ${[...mode.keys()].join(', ')}`);
    else if (want && m !== want)
      r.problem(
        f,
        `${queue} is a ${m} queue; ${want === 'pull' ? 'workers lease only from pull queues' : 'only push queues pause'}`,
        'PULL-1',
      );
  };
  s.workload.forEach((w, i) => {
    need(w.queue, join(join('workload', i), 'queue'));
    // TASK-3: a push task's URL (the default one here) counts with its payload.
    const limit =
      mode.get(w.queue) === 'push' ? LIMITS.pushTaskBytes - byteLength(defaultTaskUrl(w.queue)) : LIMITS.pullTaskBytes;
    if (w.payloadBytes.max > limit)
      r.problem(
        join(join('workload', i), 'payload_bytes'),
        `a ${mode.get(w.queue)} task is at most ${mode.get(w.queue) === 'push' ? `${LIMITS.pushTaskBytes} bytes with its URL: ${limit} bytes of payload` : `${limit} bytes`}`,
        'TASK-3',
      );
  });
  s.workers.forEach((w, i) => need(w.queue, join(join('workers', i), 'queue'), 'pull'));
  s.actions.forEach((a, i) => need(a.queue, join(join('actions', i), a.action), 'push'));
}

/**
 * Bounds over the whole scenario: the tasks of every stream together must fit in memory, and each
 * stream must end within the timeline (a near-zero rate would put its arrivals years apart).
 */
function checkTotals(r: FieldReader, s: Scenario): void {
  const tasks = s.workload.reduce((n, w) => n + w.count, 0);
  if (tasks > BOUNDS.tasks) {
    r.problem(
      'workload',
      `the streams add ${tasks} tasks; the bound is ${BOUNDS.tasks} tasks in one scenario (memory: about 1 KiB each when all are alive)`,
    );
  }
  s.workload.forEach((w, i) => {
    if (w.kind === 'burst' || w.count === 0) return;
    const spanUs = w.startUs + (w.count / w.ratePerSec) * US_PER_S;
    if (spanUs > BOUNDS.timelineUs) {
      r.problem(
        join(join('workload', i), 'rate'),
        `${w.count} tasks at ${w.ratePerSec}/s from ${formatDuration(w.startUs)} would end after ${formatDuration(BOUNDS.timelineUs)} (the scenario timeline bound); raise the rate or lower the count`,
      );
    }
  });
  const workers = s.workers.reduce((n, w) => n + w.count, 0);
  if (workers > BOUNDS.workers) r.problem('workers', `${workers} workers in all; the bound is ${BOUNDS.workers}`);
}
