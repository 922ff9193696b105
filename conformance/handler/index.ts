/**
 * The handler conformance catalog (SPEC §1–3, §5, §6): ordered by SPEC section. Each case quotes its
 * rule and answers a verdict; `tasksim conform` and `defineConformanceTests` run them. Loading this module
 * registers the catalog (the product finds it through the registry, never by importing it).
 */
import { registerCatalog, type HandlerCase } from '../../src/conform/kit.js';
import { noRedirects, parallelDeliveries, taskUrlWithQuery } from './h1-push.js';
import { duplicateDelivery, no503, retryCycle, validTask } from './h2-status.js';
import { binaryPayloadCase, emptyPayload, largestPayload, queryPayload, textPayload } from './h2-payload.js';
import { refusesWithoutHeaders } from './h2-origin.js';
import {
  failFast,
  firstAttempt,
  futureEta,
  longestName,
  otherQueue,
  retryAfterAppError,
  retryAfterNoInstance,
} from './h3-headers.js';
import { withinDeadline } from './h5-deadline.js';
import { EXPLORATION_CASES, PAYLOAD_EXPLORATION } from './p-explore.js';

export const HANDLER_CASES: readonly HandlerCase[] = [
  taskUrlWithQuery,
  noRedirects,
  parallelDeliveries,
  validTask,
  retryCycle,
  no503,
  duplicateDelivery,
  emptyPayload,
  textPayload,
  binaryPayloadCase,
  largestPayload,
  queryPayload,
  refusesWithoutHeaders,
  firstAttempt,
  retryAfterAppError,
  retryAfterNoInstance,
  failFast,
  futureEta,
  longestName,
  otherQueue,
  withinDeadline,
];

/** The exploring cases (property-based, run after the fixed ones unless --explore 0). */
export { EXPLORATION_CASES, PAYLOAD_EXPLORATION };

registerCatalog({ fixed: HANDLER_CASES, exploring: EXPLORATION_CASES, payloads: PAYLOAD_EXPLORATION });
