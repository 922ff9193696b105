/** The reports `tasksim demo` writes, under its report directory (reports/latest/ by default). */
export const DEMO_REPORTS = [
  'conform/index.html',
  'conform/junit.xml',
  'conform/report.json',
  'simulation/index.html',
  'simulation/report.json',
];
