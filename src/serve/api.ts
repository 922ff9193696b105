/**
 * The Cloud Tasks API's methods, v2 (push queues) and v2beta2 (pull queues, CT-7), each a thin
 * translation between API messages (proto-loader's object form: camelCase fields, enums by name,
 * Timestamps as {seconds, nanos}, bytes as Buffers) and the emulator. One implementation served on
 * two wires: gRPC (grpc-service.ts) and HTTP/JSON (rest-service.ts). Refusals are thrown as ApiErrors
 * (CT-6); a method not listed here is UNIMPLEMENTED on either wire.
 */
import type { QueueMode } from '../model/config.js';
import type { CloudTasksEmulator } from './emulator.js';
import { invalid } from './errors.js';
import { leaseUs, newTaskInput, page, queueMessage, taskMessage, viewOf } from './messages.js';
import { settingsFromMessage } from './queue-settings.js';
import { parseLocation, parseQueue, parseTask, type QueueName } from './resources.js';
import { fromTimestamp, type Timestamp } from './wire.js';

export type Msg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
/** One method: the request message in, the response message out (or an ApiError thrown). */
export type ApiMethod = (req: Msg) => unknown;

const MAX_PAGE = 1000;

export function cloudTasksMethods(em: CloudTasksEmulator, beta: boolean): Record<string, ApiMethod> {
  const queueMsg = (name: QueueName): Msg => {
    const q = em.queue(name);
    return queueMessage(q, name, em.queueConfig(q.id), em.options, beta);
  };
  const modeOf = (q: Msg): QueueMode | undefined =>
    q.pullTarget ? 'pull' : beta && (q.appEngineHttpTarget || q.httpTarget) ? 'push' : undefined;
  const scheduleOf = (req: Msg): number => {
    if (!req.scheduleTime) throw invalid('scheduleTime is required: the one LeaseTasks or RenewLease returned', 'CT-7');
    return fromTimestamp(req.scheduleTime as Timestamp, 'scheduleTime', 'CT-7');
  };

  const methods: Record<string, ApiMethod> = {
    ListQueues: (req) => {
      const where = parseLocation(req.parent);
      const all = em
        .listQueues(where)
        .map((q) => queueMessage(q, { ...where, queue: q.id }, em.queueConfig(q.id), em.options, beta));
      const p = page(all, req.pageSize, req.pageToken, MAX_PAGE);
      return { queues: p.items, nextPageToken: p.next };
    },
    GetQueue: (req) => queueMsg(parseQueue(req.name)),
    CreateQueue: (req) => {
      const where = parseLocation(req.parent);
      const q = (req.queue ?? {}) as Msg;
      const name = parseQueue(q.name, 'queue.name');
      if (name.project !== where.project || name.location !== where.location)
        throw invalid(`queue.name ${q.name} is not under ${req.parent}`, 'CT-6');
      em.createQueue(
        name,
        modeOf(q) ?? 'push',
        settingsFromMessage(q.rateLimits, q.retryConfig),
        q.appEngineRoutingOverride ?? q.appEngineHttpTarget?.appEngineRoutingOverride,
      );
      return queueMsg(name);
    },
    UpdateQueue: (req) => {
      const q = (req.queue ?? {}) as Msg;
      const name = parseQueue(q.name, 'queue.name');
      em.updateQueue(
        name,
        modeOf(q),
        settingsFromMessage(q.rateLimits, q.retryConfig),
        req.updateMask?.paths,
        q.appEngineRoutingOverride ?? q.appEngineHttpTarget?.appEngineRoutingOverride,
      );
      return queueMsg(name);
    },
    DeleteQueue: (req) => {
      em.deleteQueue(parseQueue(req.name));
      return {};
    },
    PurgeQueue: (req) => {
      const name = parseQueue(req.name);
      em.purgeQueue(name);
      return queueMsg(name);
    },
    PauseQueue: (req) => {
      const name = parseQueue(req.name);
      em.pauseQueue(name);
      return queueMsg(name);
    },
    ResumeQueue: (req) => {
      const name = parseQueue(req.name);
      em.resumeQueue(name);
      return queueMsg(name);
    },
    ListTasks: (req) => {
      const name = parseQueue(req.parent, 'parent');
      const view = viewOf(req.responseView);
      const p = page(em.listTasks(name), req.pageSize, req.pageToken, MAX_PAGE);
      return { tasks: p.items.map((v) => taskMessage(v, name, view, beta)), nextPageToken: p.next };
    },
    GetTask: (req) => {
      const name = parseTask(req.name);
      return taskMessage(em.task(name), name, viewOf(req.responseView), beta);
    },
    CreateTask: (req) => {
      const parent = parseQueue(req.parent, 'parent');
      const v = em.createTask(parent, newTaskInput(parent, req.task, beta));
      return taskMessage(v, parent, viewOf(req.responseView), beta);
    },
    DeleteTask: (req) => {
      em.deleteTask(parseTask(req.name));
      return {};
    },
    RunTask: (req) => {
      const name = parseTask(req.name);
      return taskMessage(em.runTask(name), name, viewOf(req.responseView), beta);
    },
  };
  if (beta) {
    Object.assign(methods, {
      LeaseTasks: (req: Msg) => {
        const parent = parseQueue(req.parent, 'parent');
        // Proto3 cannot send 0 apart from unset: an unset maxTasks leases one task (PULL-2 needs at least 1).
        const max = req.maxTasks === undefined || req.maxTasks === 0 ? 1 : Number(req.maxTasks);
        const view = viewOf(req.responseView);
        const tasks = em.leaseTasks(parent, leaseUs(req.leaseDuration), max, String(req.filter ?? ''));
        return { tasks: tasks.map((v) => taskMessage(v, parent, view, true)) };
      },
      AcknowledgeTask: (req: Msg) => {
        em.acknowledgeTask(parseTask(req.name), scheduleOf(req));
        return {};
      },
      RenewLease: (req: Msg) => {
        const name = parseTask(req.name);
        return taskMessage(
          em.renewLease(name, scheduleOf(req), leaseUs(req.leaseDuration)),
          name,
          viewOf(req.responseView),
          true,
        );
      },
      CancelLease: (req: Msg) => {
        const name = parseTask(req.name);
        return taskMessage(em.cancelLease(name, scheduleOf(req)), name, viewOf(req.responseView), true);
      },
    });
  }
  return methods;
}
