import type { ProfileName, ProfileOptions, ScalingType } from './config.js';
import { US_PER_D, US_PER_H, US_PER_M, type Micros } from '../sim/time.js';

/** A profile is a bundle of defaults for SPEC §10, never a fork of the engine. */
export const PROFILES: Record<ProfileName, ProfileOptions> = {
  appengine: {
    backoffLinearStep: 'double',
    handler503Counts: true,
    retryLimitMeans: 'retries',
    ageFrom: 'first-attempt',
    deadlineCountsAsExecution: false,
    executionCounts5xx: true,
    retryEtaHeader: 'retry',
    tombstoneUs: 9 * US_PER_D,
  },
  'cloud-tasks': {
    backoffLinearStep: 'double',
    handler503Counts: false,
    retryLimitMeans: 'attempts',
    ageFrom: 'first-attempt',
    deadlineCountsAsExecution: false,
    executionCounts5xx: false, // CT-5: "does not include failures due to 5XX error codes"
    retryEtaHeader: 'retry',
    tombstoneUs: 1 * US_PER_H,
  },
};

export function isProfileName(name: string): name is ProfileName {
  return Object.hasOwn(PROFILES, name);
}

/** DEADLINE-1: 10 minutes (automatic), 24 hours (basic, manual), 60 minutes (flexible). */
export const SCALING_DEADLINE_US: Record<ScalingType, Micros> = {
  automatic: 10 * US_PER_M,
  basic: 24 * US_PER_H,
  manual: 24 * US_PER_H,
  flexible: 60 * US_PER_M,
};

export function isScalingType(name: string): name is ScalingType {
  return Object.hasOwn(SCALING_DEADLINE_US, name);
}
