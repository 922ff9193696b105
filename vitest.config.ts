import { configDefaults, defineConfig } from 'vitest/config';
import { SlowestFirst } from './test/helpers/slowest-first.js';

/**
 * Test files that need a worker of their own, each: everything else shares its worker's modules
 * instead of starting a fresh worker and importing src afresh per file (about 0.4 CPU-s saved per
 * file; the files that start the CLI as a child gain as well). test/helpers/per-file-state.ts keeps
 * what one file leaves in process-wide state (the shared fake clock) from reaching the next. A file
 * that changes module or process-wide state the others read belongs here.
 */
const ISOLATED = [
  'test/conform/registry.test.ts', // replaces the registered case catalog, module state the others read
];

/**
 * Per-file CPU when TASKSIM_CPU_LOG names a file (test/helpers/cpu-per-file.ts). It reads the whole
 * process's CPU, so files then run one at a time: `--maxWorkers=1` on the command line does not
 * reach the projects below, which would run three files at once and count each one's CPU thrice.
 */
const CPU_LOG = process.env.TASKSIM_CPU_LOG ? ['test/helpers/cpu-per-file.ts'] : [];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Most long files wait on child processes, servers or real time, not on this process's CPU:
    // three workers on two cores keep both cores busy (vitest's default is one fewer than the cores).
    maxWorkers: CPU_LOG.length > 0 ? 1 : 3,
    fileParallelism: CPU_LOG.length === 0,
    // Threads, not forks: a sixth less CPU on the in-process files (test/invariants, model, sim: 28 s
    // of CPU instead of 34), and nothing here needs a process of its own (children are spawned).
    pool: 'threads',
    sequence: { sequencer: SlowestFirst },
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...ISOLATED],
          isolate: false,
          setupFiles: ['test/helpers/per-file-state.ts', ...CPU_LOG],
        },
      },
      {
        extends: true,
        test: {
          name: 'isolated',
          include: ISOLATED,
          setupFiles: CPU_LOG,
        },
      },
    ],
  },
});
