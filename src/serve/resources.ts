/**
 * Resource names (CT-6): `projects/P/locations/L/queues/Q` and `…/queues/Q/tasks/T`, with TASK-1's
 * name grammar for Q and T. Malformed names are INVALID_ARGUMENT, naming the rule.
 */
import { QUEUE_NAME_RE, TASK_NAME_RE } from '../model/names.js';
import { invalid } from './errors.js';

/** Project ids and location ids as Cloud Tasks accepts them (the project may be `domain:id`). */
const PROJECT_RE = /^[a-z0-9.:-]{1,100}$/i;
const LOCATION_RE = /^[a-z0-9-]{1,63}$/i;

export interface LocationName {
  project: string;
  location: string;
}

export interface QueueName extends LocationName {
  queue: string;
}

export interface TaskName extends QueueName {
  task: string;
}

export function parseLocation(text: string | undefined, field = 'parent'): LocationName {
  const m = /^projects\/([^/]+)\/locations\/([^/]+)$/.exec(text ?? '');
  if (!m || !PROJECT_RE.test(m[1]) || !LOCATION_RE.test(m[2])) {
    throw invalid(`${field} ${JSON.stringify(text ?? '')} is not projects/PROJECT/locations/LOCATION`, 'CT-6');
  }
  return { project: m[1], location: m[2] };
}

export function parseQueue(text: string | undefined, field = 'name'): QueueName {
  const m = /^(projects\/[^/]+\/locations\/[^/]+)\/queues\/([^/]*)$/.exec(text ?? '');
  if (!m)
    throw invalid(
      `${field} ${JSON.stringify(text ?? '')} is not projects/PROJECT/locations/LOCATION/queues/QUEUE`,
      'CT-6',
    );
  const loc = parseLocation(m[1], field);
  if (!QUEUE_NAME_RE.test(m[2]))
    throw invalid(`queue id ${JSON.stringify(m[2])} must match ${QUEUE_NAME_RE.source}`, 'TASK-1');
  return { ...loc, queue: m[2] };
}

export function parseTask(text: string | undefined, field = 'name'): TaskName {
  const m = /^(.*)\/tasks\/([^/]*)$/.exec(text ?? '');
  if (!m)
    throw invalid(
      `${field} ${JSON.stringify(text ?? '')} is not projects/PROJECT/locations/LOCATION/queues/QUEUE/tasks/TASK`,
      'CT-6',
    );
  const q = parseQueue(m[1], field);
  if (!TASK_NAME_RE.test(m[2]))
    throw invalid(`task id ${JSON.stringify(m[2].slice(0, 60))} must match ${TASK_NAME_RE.source}`, 'TASK-1');
  return { ...q, task: m[2] };
}

export const locationPath = (l: LocationName): string => `projects/${l.project}/locations/${l.location}`;
export const queuePath = (q: QueueName): string => `${locationPath(q)}/queues/${q.queue}`;
export const taskPath = (t: TaskName): string => `${queuePath(t)}/tasks/${t.task}`;
