/**
 * The conformance run's defaults, in a module of their own: `tasksim conform --help` and its usage
 * errors print them without loading the suite.
 */
export const DEFAULT_CONCURRENCY = 10;
/** Generated deliveries per exploring case: a few hundred in all, well under a second against a fast handler. */
export const DEFAULT_EXPLORE = 100;
