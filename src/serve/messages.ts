/**
 * The emulator's queues and tasks as API messages (v2, and v2beta2 where its fields differ), and the
 * API's task messages read into the emulator's terms. Views as CT-3: BASIC leaves the body out.
 */
import type { ProfileOptions, QueueConfig } from '../model/config.js';
import type { Micros } from '../sim/time.js';
import type { NewTaskInput, QueueEntry, TaskKind, TaskView } from './emulator.js';
import { invalid } from './errors.js';
import { queuePath, type QueueName } from './resources.js';
import { rateLimitsMessage, retryConfigMessage } from './queue-settings.js';
import { fromDuration, fromTimestamp, toDuration, toTimestamp, type Duration, type Timestamp } from './wire.js';
import { parseTask } from './resources.js';

type Msg = Record<string, unknown>;

export function queueMessage(
  q: QueueEntry,
  name: QueueName,
  cfg: QueueConfig,
  opts: ProfileOptions,
  beta: boolean,
): Msg {
  const out: Msg = {
    name: queuePath({ ...name, queue: q.id }),
    rateLimits: rateLimitsMessage(cfg, beta),
    retryConfig: retryConfigMessage(cfg, opts, beta),
    state: q.state,
  };
  if (q.purgeTimeUs !== undefined) out.purgeTime = toTimestamp(q.purgeTimeUs);
  if (beta) {
    if (q.mode === 'pull') out.pullTarget = {};
    else out.appEngineHttpTarget = q.routingOverride ? { appEngineRoutingOverride: q.routingOverride } : {};
  } else if (q.routingOverride !== undefined) {
    out.appEngineRoutingOverride = q.routingOverride;
  }
  return out;
}

export type ViewName = 'BASIC' | 'FULL';

export function viewOf(v: unknown): ViewName {
  return v === 'FULL' ? 'FULL' : 'BASIC';
}

function attempt(a: TaskView['lastAttempt'], full: boolean): Msg | undefined {
  if (!a) return undefined;
  // CT-3: of the first attempt Cloud Tasks keeps only the dispatch time.
  if (!full) return { dispatchTime: toTimestamp(a.dispatchUs) };
  const out: Msg = { scheduleTime: toTimestamp(a.scheduleUs), dispatchTime: toTimestamp(a.dispatchUs) };
  if (a.responseUs !== undefined) out.responseTime = toTimestamp(a.responseUs);
  if (a.status) out.responseStatus = a.status;
  return out;
}

export function taskMessage(v: TaskView, queue: QueueName, view: ViewName, beta: boolean): Msg {
  const r = v.request;
  const full = view === 'FULL';
  const body = full && r.body ? Buffer.from(r.body) : undefined;
  const out: Msg = {
    name: `${queuePath({ ...queue, queue: v.queue })}/tasks/${v.name}`,
    scheduleTime: toTimestamp(v.scheduleUs),
    createTime: toTimestamp(v.createUs),
    view,
  };
  const headers = r.headers;
  if (r.kind === 'pull') {
    out.pullMessage = { ...(body ? { payload: body } : {}), ...(r.tag ? { tag: r.tag } : {}) };
  } else if (r.kind === 'http') {
    out.httpRequest = { url: r.url, httpMethod: r.method, headers, ...(body ? { body } : {}) };
  } else {
    out.appEngineHttpRequest = beta
      ? {
          httpMethod: r.method,
          relativeUrl: r.url,
          headers,
          ...(r.routing ? { appEngineRouting: r.routing } : {}),
          ...(body ? { payload: body } : {}),
        }
      : {
          httpMethod: r.method,
          relativeUri: r.url,
          headers,
          ...(r.routing ? { appEngineRouting: r.routing } : {}),
          ...(body ? { body } : {}),
        };
  }
  if (beta) {
    out.status = {
      attemptDispatchCount: v.dispatchCount,
      attemptResponseCount: v.responseCount,
      ...(v.firstAttempt ? { firstAttemptStatus: attempt(v.firstAttempt, false) } : {}),
      ...(v.lastAttempt ? { lastAttemptStatus: attempt(v.lastAttempt, true) } : {}),
    };
  } else {
    out.dispatchDeadline = toDuration(v.deadlineUs);
    out.dispatchCount = v.dispatchCount;
    out.responseCount = v.responseCount;
    if (v.firstAttempt) out.firstAttempt = attempt(v.firstAttempt, false);
    if (v.lastAttempt) out.lastAttempt = attempt(v.lastAttempt, true);
  }
  return out;
}

const METHODS = new Set(['POST', 'GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

function methodOf(m: unknown): string {
  if (m === undefined || m === null || m === 'HTTP_METHOD_UNSPECIFIED') return 'POST'; // PUSH-1
  if (typeof m === 'string' && METHODS.has(m)) return m;
  throw invalid(`httpMethod ${JSON.stringify(m)} is not an HTTP method Cloud Tasks sends`, 'CT-2');
}

/** The task's own headers, without the ones the queue sets itself (HDR-9, CT-2). */
function userHeaders(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((h ?? {}) as Record<string, string>)) {
    if (/^x-(appengine|cloudtasks)-/i.test(k) || /^(host|content-length)$/i.test(k)) continue;
    out[k] = String(v);
  }
  return out;
}

/** A CreateTask request's task (v2 or v2beta2) in the emulator's terms. */
export function newTaskInput(parent: QueueName, task: Msg | undefined, beta: boolean): NewTaskInput {
  if (!task) throw invalid('task is required', 'CT-2');
  const input: NewTaskInput = { request: { kind: 'appengine', method: 'POST', url: '/', headers: {} } };
  if (task.name) {
    const t = parseTask(String(task.name), 'task.name');
    if (queuePath(t) !== queuePath(parent))
      throw invalid(`task.name ${JSON.stringify(task.name)} is not in queue ${queuePath(parent)}`, 'CT-6');
    input.name = t.task;
  }
  if (task.scheduleTime)
    input.scheduleUs = fromTimestamp(task.scheduleTime as Timestamp, 'task.scheduleTime', 'PUSH-4');
  const deadline = task.dispatchDeadline
    ? fromDuration(task.dispatchDeadline as Duration, 'task.dispatchDeadline', 'CT-2')
    : undefined;
  const ae = task.appEngineHttpRequest as Msg | undefined;
  const http = task.httpRequest as Msg | undefined;
  const pull = task.pullMessage as Msg | undefined;
  let kind: TaskKind = 'appengine';
  if (http) kind = 'http';
  else if (pull) kind = 'pull';
  if (kind === 'http') {
    const url = String(http!.url ?? '');
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      throw invalid(`httpRequest.url ${JSON.stringify(url)} must be an absolute http or https URL`, 'CT-2');
    }
    input.request = {
      kind,
      method: methodOf(http!.httpMethod),
      url: parsed.href,
      headers: userHeaders(http!.headers),
      body: bytes(http!.body),
    };
  } else if (kind === 'pull') {
    input.request = {
      kind,
      method: 'POST',
      url: '',
      headers: {},
      body: bytes(pull!.payload),
      tag: pull!.tag ? String(pull!.tag) : undefined,
    };
  } else {
    const rel = String((beta ? ae?.relativeUrl : ae?.relativeUri) ?? '') || '/';
    if (!rel.startsWith('/'))
      throw invalid(`appEngineHttpRequest's relative URI must start with /, got ${JSON.stringify(rel)}`, 'CT-2');
    input.request = {
      kind,
      method: methodOf(ae?.httpMethod),
      url: rel,
      headers: userHeaders(ae?.headers),
      body: bytes(beta ? ae?.payload : ae?.body),
      routing: ae?.appEngineRouting ?? undefined,
    };
  }
  if (deadline !== undefined) input.request.dispatchDeadlineUs = deadline;
  return input;
}

function bytes(b: unknown): Uint8Array | undefined {
  if (b === undefined || b === null) return undefined;
  if (b instanceof Uint8Array) return b;
  if (typeof b === 'string') return Buffer.from(b, 'base64');
  return undefined;
}

/** List pagination: the token is the offset of the next page. */
export function page<T>(items: T[], pageSize: unknown, pageToken: unknown, max: number): { items: T[]; next: string } {
  const size = Number(pageSize) > 0 ? Math.min(Number(pageSize), max) : max;
  const from = pageToken ? Number(pageToken) : 0;
  if (!Number.isInteger(from) || from < 0)
    throw invalid(`pageToken ${JSON.stringify(pageToken)} is not one this server gave`, 'CT-6');
  const slice = items.slice(from, from + size);
  return { items: slice, next: from + size < items.length ? String(from + size) : '' };
}

export function leaseUs(d: unknown): Micros {
  if (!d) throw invalid('leaseDuration is required', 'PULL-2');
  return fromDuration(d as Duration, 'leaseDuration', 'PULL-2');
}
