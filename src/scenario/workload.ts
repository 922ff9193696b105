/** Workload streams and pull workers: actors that act on the engine at virtual times. */
import type { Engine } from '../model/engine.js';
import { TaskQueueError } from '../model/errors.js';
import type { NewTask } from '../model/types.js';
import { LIMITS } from '../model/names.js';
import type { Random } from '../sim/random.js';
import { US_PER_S } from '../sim/time.js';
import type { PullWorkers, Range, WorkloadStream } from './types.js';

function draw(range: Range, rng: Random): number {
  return range.min === range.max ? range.min : rng.int(range.min, range.max);
}

/**
 * Schedules a stream's arrivals; `onFinished` is called once its last task is added. A burst adds
 * its tasks in one instant, so it stops itself at `maxEvents` (stop.max_events bounds it too).
 */
export function startStream(engine: Engine, s: WorkloadStream, onFinished: () => void, maxEvents = Infinity): void {
  let made = 0;
  const build = (i: number): NewTask => {
    const t: NewTask = { size: draw(s.payloadBytes, engine.rng) };
    const offset = draw(s.etaOffsetUs, engine.rng);
    if (offset > 0) t.countdownUs = offset;
    if (s.namePrefix !== undefined) t.name = `${s.namePrefix}${i}`;
    if (s.tags.length > 0) t.tag = s.tags[i % s.tags.length];
    if (s.failFast) t.failFast = true;
    return t;
  };
  // Tasks that all look alike (no name or tag, nothing drawn) share one object: the engine only reads it.
  const alike =
    s.namePrefix === undefined &&
    s.tags.length === 0 &&
    s.payloadBytes.min === s.payloadBytes.max &&
    s.etaOffsetUs.min === s.etaOffsetUs.max;
  const shared = alike ? Object.freeze(build(0)) : undefined;
  const task = (): NewTask => {
    const i = made++;
    return shared ?? build(i);
  };
  if (s.count === 0) return onFinished();
  if (s.kind === 'burst') {
    engine.at(s.startUs, (e) => {
      e.reserveTasks(s.queue, Math.min(s.count - made, maxEvents - e.events));
      while (made < s.count) {
        const room = maxEvents - e.events; // one trace event per task added or refused
        if (room <= 0) return; // the run ends at its event limit; the stream never finishes
        const n = Math.min(LIMITS.tasksPerAdd, s.count - made, room); // TASK-3: at most 100 per add call
        const batch: NewTask[] = [];
        for (let i = 0; i < n; i++) batch.push(task());
        e.addTasksCounted(s.queue, batch);
      }
      onFinished();
    });
    return;
  }
  const meanGapUs = US_PER_S / s.ratePerSec;
  const arrive = (e: Engine): void => {
    e.addTasksCounted(s.queue, [task()]);
    if (made >= s.count) return onFinished();
    const gap = s.kind === 'constant' ? meanGapUs : e.rng.exponential(meanGapUs);
    e.at(e.now + Math.max(1, Math.round(gap)), arrive);
  };
  engine.at(s.startUs, arrive);
}

/** Empty polls in a row, after the workload is over, before a worker stops. */
export const IDLE_POLLS_TO_STOP = 100;

/**
 * A pull worker (PULL-2…9): lease a batch, process each task, delete it; back off when nothing comes
 * back or the lease fails. A crash leaves the rest of the batch leased, to expire (PULL-4).
 * It stops once the workload is over and its queue is empty (or nothing it can lease is left).
 */
export function startWorker(engine: Engine, w: PullWorkers, name: string, workloadOver: () => boolean): void {
  let idlePolls = 0;
  const poll = (e: Engine): void => {
    if (workloadOver() && e.liveCount(w.queue) === 0) return;
    const res = e.leaseTasks(w.queue, {
      worker: name,
      leaseSeconds: w.leaseSeconds,
      maxTasks: w.batch,
      tag: w.tag,
      byTag: w.byTag,
    });
    if (!res.ok || res.tasks.length === 0) {
      // A worker whose tag matches nothing left would poll for ever: it gives up once the workload is over.
      if (workloadOver() && ++idlePolls >= IDLE_POLLS_TO_STOP) return;
      e.at(e.now + w.pollIntervalUs, poll);
      return;
    }
    idlePolls = 0;
    let t = e.now;
    for (const task of res.tasks) {
      t += w.processingUs;
      if (e.rng.chance(w.crashProbability)) {
        t += w.pollIntervalUs; // the worker restarts after a pause; its leases run out
        break;
      }
      e.at(t, (ee) => deleteIfPresent(ee, w.queue, task.name));
    }
    e.at(t, poll);
  };
  engine.at(w.startUs, poll);
}

function deleteIfPresent(engine: Engine, queue: string, name: string): void {
  try {
    engine.deleteTask(queue, name);
  } catch (err) {
    if (!(err instanceof TaskQueueError && err.code === 'NOT_FOUND')) throw err; // already exhausted (PULL-10)
  }
}
