/** A scenario: a queue.yaml, a workload, a service model, pull workers and a stop condition. */
import type { ResolvedConfig } from '../model/config.js';
import type { ServiceModel } from '../model/types.js';
import type { PullOptions } from '../model/pull-queue.js';
import type { Micros } from '../sim/time.js';

export type Range = { min: number; max: number };

export interface WorkloadStream {
  queue: string;
  /** burst: `count` tasks at `startUs`; constant: evenly spaced at `ratePerSec`; poisson: exponential gaps. */
  kind: 'burst' | 'constant' | 'poisson';
  count: number;
  startUs: Micros;
  ratePerSec: number;
  /** PUSH-4: countdown added to each task's ETA, fixed or drawn uniformly. */
  etaOffsetUs: Range;
  /** Named tasks (TASK-1/2): names are `<prefix><n>`; undefined → system names. */
  namePrefix?: string;
  payloadBytes: Range;
  /** PULL-6: tags cycled over the stream's tasks. */
  tags: string[];
  failFast: boolean;
}

export interface PullWorkers {
  queue: string;
  count: number;
  pollIntervalUs: Micros;
  leaseSeconds: number;
  batch: number;
  tag?: string;
  byTag: boolean;
  processingUs: Micros;
  /** Chance that a worker dies holding a task (the lease then expires, PULL-4). */
  crashProbability: number;
  startUs: Micros;
}

export interface ScheduledAction {
  atUs: Micros;
  action: 'pause' | 'resume';
  queue: string;
}

export interface Expectations {
  succeeded?: Range;
  exhausted?: Range;
  virtualSeconds?: Range;
}

export interface Scenario {
  name: string;
  description: string;
  file?: string;
  /** The queue.yaml it reads (`queue_yaml:`, resolved), an input of the run like the file itself. */
  queueYaml?: string;
  seed: number;
  config: ResolvedConfig;
  service: ServiceModel;
  pull: PullOptions;
  workload: WorkloadStream[];
  workers: PullWorkers[];
  actions: ScheduledAction[];
  stop: { untilUs?: Micros; maxEvents: number };
  expect: Expectations;
}
