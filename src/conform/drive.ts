/**
 * Drives the engine in external mode against a target, in warped time: every wait the engine
 * models (ETA, backoff, throttling) is skipped at once; each delivery's real (or, for functions,
 * virtual) response time goes back to the engine as its latency. Every loop here is bounded.
 */
import type { PushAnswer } from '../sim/exchange.js';
import { Engine } from '../model/engine.js';
import { UNLIMITED_SERVICE } from '../model/types.js';
import type { ProfileName, ProfileOptions, ScalingType } from '../model/config.js';
import { MemoryTrace } from '../sim/trace.js';
import { RecordingTarget } from '../targets/recording-target.js';
import { realNow } from '../targets/real-timers.js';
import type { Target } from '../targets/types.js';
import type { DrivePlan, DriveResult, DrivenExchange } from './case.js';
import { caseConfig } from './config.js';
import { mapLimit } from './limit.js';

export interface DriveSetup {
  target: Target;
  seed: number;
  profile: ProfileName;
  /** SPEC §10 readings that differ from the profile's defaults. */
  options?: Partial<ProfileOptions>;
  scaling: ScalingType;
  /** The engine's request deadline (virtual µs). */
  deadlineUs: number;
  /** The target's request timeout (ms). */
  timeoutMs: number;
  concurrency: number;
}

const DEFAULT_MAX_ROUNDS = 20;
const MAX_EVENTS = 200_000;

/** Thrown when the engine refuses what a case asked of it: a harness bug, never the handler's fault. */
export class HarnessError extends Error {
  override name = 'HarnessError';
}

export async function driveEngine(setup: DriveSetup, plan: DrivePlan): Promise<DriveResult> {
  const started = realNow();
  const config = caseConfig({
    profile: setup.profile,
    scaling: setup.scaling,
    deadlineUs: setup.deadlineUs,
    options: setup.options,
    queue: plan.queue,
  });
  const queueName = plan.queue?.name ?? 'default';
  const trace = new MemoryTrace();
  const engine = new Engine({
    config,
    seed: setup.seed,
    external: true,
    sinks: [trace],
    service: { ...UNLIMITED_SERVICE, ...plan.service },
  });
  for (const r of engine.addTasks(queueName, plan.tasks)) {
    if (!r.ok) throw new HarnessError(`the engine refused a task (${r.rule}): ${r.error}`);
  }
  const recorder = new RecordingTarget(setup.target);
  const exchanges: DrivenExchange[] = [];
  const maxRounds = plan.maxRounds ?? DEFAULT_MAX_ROUNDS;
  let end: DriveResult['end'] = 'round-limit';
  let rounds = 0;
  while (rounds < maxRounds) {
    const state = engine.run({ maxEvents: MAX_EVENTS });
    if (state === 'idle') {
      end = 'idle';
      break;
    }
    const batch = engine.takeDeliveries();
    if (state !== 'blocked' || batch.length === 0) break;
    rounds++;
    const answered = await mapLimit(batch, setup.concurrency, async (delivery): Promise<DrivenExchange> => {
      const scripted = plan.inject?.(delivery);
      if (scripted) return { delivery, response: scripted, injected: true };
      return { delivery, response: await recorder.deliver(delivery, { timeoutMs: setup.timeoutMs }), injected: false };
    });
    for (const x of answered) {
      exchanges.push(x);
      engine.complete(x.delivery.key, toResult(x.response));
    }
    // A target that gives no HTTP answer at all will not give one on retry: stop rather than wait again.
    const real = answered.filter((x) => !x.injected);
    if (real.length > 0 && real.every((x) => x.response.outcome === 'net' || x.response.outcome === 'deadline')) {
      end = 'target-down';
      break;
    }
  }
  await engine.end(end === 'idle' ? 'idle' : 'stopped');
  return {
    exchanges,
    events: trace.events,
    end,
    rounds,
    maxInFlight: recorder.maxInFlight,
    realMs: realNow() - started,
    virtualUs: engine.now,
  };
}

function toResult(r: PushAnswer): PushAnswer {
  return { status: r.status, outcome: r.outcome, latencyUs: Math.max(0, Math.round(r.latencyUs)) };
}
