/**
 * The queue configuration a case runs on: the default push queue (CFG-2) with the case's changes,
 * the request deadline of this run (DEADLINE-1, or --deadline) and its SPEC §10 readings.
 */
import type { ProfileName, ProfileOptions, QueueConfig, ResolvedConfig, ScalingType } from '../model/config.js';
import { defaultConfig } from '../model/queue-yaml.js';
import type { NamedOptions } from '../model/options.js';
import type { QueueChanges } from './case.js';

export function caseConfig(opts: {
  profile: ProfileName;
  scaling: ScalingType;
  deadlineUs: number;
  /** SPEC §10 readings that differ from the profile's defaults. */
  options?: Partial<ProfileOptions>;
  queue?: QueueChanges;
}): ResolvedConfig {
  const defaults = defaultConfig({ profile: opts.profile, scaling: opts.scaling });
  const base = { ...defaults, options: { ...defaults.options, ...opts.options } };
  const def = base.queues.find((q) => q.name === 'default')!;
  const changed: QueueConfig = { ...def, ...opts.queue, retry: { ...def.retry, ...opts.queue?.retry } };
  const queues = changed.name === 'default' ? [changed] : [def, changed];
  return { ...base, queues, deadlineUs: opts.deadlineUs };
}
