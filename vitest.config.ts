import { defineConfig } from 'vitest/config';
import { SlowestFirst } from './test/helpers/slowest-first.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Most long files wait on child processes, servers or real time, not on this process's CPU:
    // three workers on two cores keep both cores busy (vitest's default is one fewer than the cores).
    maxWorkers: 3,
    // Threads, not forks: a sixth less CPU on the in-process files (test/invariants, model, sim: 28 s
    // of CPU instead of 34), and nothing here needs a process of its own (children are spawned).
    pool: 'threads',
    sequence: { sequencer: SlowestFirst },
  },
});
