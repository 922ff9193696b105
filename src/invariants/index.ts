/** The invariant checkers of SPEC §9: a suite that reads a trace and reports per invariant. */
export type { InvariantId, Violation, InvariantResult, Checker } from './types.js';
export { INVARIANT_IDS, MAX_EXAMPLES } from './types.js';
export { InvariantSuite, checkTrace } from './suite.js';
export { AloChecker } from './alo.js';
export { NoDupChecker } from './nodup.js';
export { HeaderChecker } from './hdr.js';
export { EtaChecker } from './eta.js';
export { RateChecker } from './rate.js';
export { OutcomeChecker } from './outcome.js';
export { LimitsChecker } from './limits.js';
export { LeaseChecker } from './lease.js';
export { DeadlineChecker } from './deadline.js';
export { TraceState } from './trace-state.js';
