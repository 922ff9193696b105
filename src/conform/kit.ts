/**
 * The kit a conformance catalog is written with: everything conformance/ imports from the product comes
 * through this one module — the case's shape, verdicts, the facts of a driven run, generators for
 * exploration, the registry to register with, and the few model facts a case quotes (limits, header names,
 * time units). A case that needs more asks for it here, so the catalog's dependency stays in one place.
 */
export type { CaseContext, HandlerCase, QueueChanges } from './case.js';
export { registerCatalog, type CaseCatalog } from './registry.js';
export {
  allAccepted,
  consequence,
  describe,
  fail,
  failureRules,
  handlerExchanges,
  is2xx,
  is3xx,
  pass,
  warn,
} from './verdict.js';
export { backoffFacts, sentHeaderFacts } from './header-facts.js';
export { countsArb, etaArb, payloadArb, queueNameArb, taskNameArb } from './explore/arbitraries.js';
export { exploreDimension } from './explore/explore.js';
export { scriptedStatus } from '../targets/scripted-target.js';
export { HEADER } from '../model/headers.js';
export { LIMITS } from '../model/names.js';
export { byteLength, defaultTaskUrl } from '../model/task.js';
export { DEFAULT_EPOCH_US, US_PER_D, US_PER_S, formatDuration, formatEpochSeconds } from '../sim/time.js';
