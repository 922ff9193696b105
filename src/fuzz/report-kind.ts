/**
 * The `kind` a fuzz campaign's JSON report carries, apart from the campaign so that `tasksim report
 * merge` can recognise reports without loading the fuzzer (fast-check, the adapters).
 */
export const REPORT_KIND = 'tasksim-fuzz-report';
