/**
 * Setup for the test files that share a worker without per-file module isolation (vitest.config.ts):
 * what one file leaves in process-wide state must not reach the next. The one such state in src is
 * the fake clock FunctionTargets share (src/targets/virtual-clock.ts).
 */
import { afterAll } from 'vitest';
import { dropClock } from '../../src/targets/virtual-clock.js';

afterAll(() => {
  const left = dropClock();
  if (left > 0) {
    throw new Error(`this file left the shared fake clock installed (${left} hold(s)): close every FunctionTarget`);
  }
});
