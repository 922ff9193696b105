import { configDefaults, defineConfig } from 'vitest/config';
import { SlowestFirst } from './test/helpers/slowest-first.js';

/**
 * Test files that run the code in this process (no CLI child, no wall-clock campaign): they share
 * their worker's modules instead of importing src afresh per file, a third less CPU for them
 * (about 37 CPU-s over these ~70 files). test/helpers/per-file-state.ts keeps what one file leaves
 * in process-wide state (the shared fake clock) from reaching the next.
 */
const IN_PROCESS = [
  'test/invariants/**/*.test.ts',
  'test/model/**/*.test.ts',
  'test/sim/**/*.test.ts',
  'test/report/**/*.test.ts',
  'test/scenario/**/*.test.ts',
  'test/targets/**/*.test.ts',
  'test/rules/{catalog,edges,report-links,rulebook,rulebook-fixture,scan}.test.ts', // not cli.test.ts: it starts the CLI
  'test/fuzz/{reference,refusal,replay,shard,tolerance,run-task,mutants,draws,unreachable-mid-campaign}.test.ts',
  'test/fuzz/wall-clock{,-mutants,-lease-order,-overtaking,-starved,-zero}.test.ts',
  // Real servers on port 0 and the official client, all in this process, each closed by its file.
  'test/serve/{cloud-tasks-rest,cloud-tasks-v2,cloud-tasks-v2beta2,rest-json,rest-wire}.test.ts',
  'test/adapters/{cloud-tasks,cloud-tasks-rest,http-json,protocol-v2,queue-yaml-text,reset-options,wall-clock}.test.ts',
  'test/cli/heap-budget.test.ts',
  // Not registry.test.ts: it replaces the registered case catalog, module state the others read.
  'test/conform/{broken-handlers,define-tests,matrix,options,robustness}.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Most long files wait on child processes, servers or real time, not on this process's CPU:
    // three workers on two cores keep both cores busy (vitest's default is one fewer than the cores).
    maxWorkers: 3,
    // Threads, not forks: a sixth less CPU on the in-process files (test/invariants, model, sim: 28 s
    // of CPU instead of 34), and nothing here needs a process of its own (children are spawned).
    pool: 'threads',
    sequence: { sequencer: SlowestFirst },
    projects: [
      {
        extends: true,
        test: {
          name: 'in-process',
          include: IN_PROCESS,
          isolate: false,
          setupFiles: ['test/helpers/per-file-state.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'isolated',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...IN_PROCESS],
        },
      },
    ],
  },
});
