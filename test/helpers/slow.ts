/**
 * `TASKSIM_SLOW=1 npm test` (or `npm run test:slow`) runs the long campaigns in full: more seeds, more
 * runs. The default suite keeps each one's proof (a planted defect is still caught, a replay still
 * reproduces) with a smaller instance, so `npm test` stays within its time budget.
 */
export const SLOW = process.env.TASKSIM_SLOW === '1';

/** `full` under TASKSIM_SLOW=1, `quick` otherwise. */
export function slowOr<T>(full: T, quick: T): T {
  return SLOW ? full : quick;
}
