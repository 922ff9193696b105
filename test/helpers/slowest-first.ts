/**
 * Test files start slowest first, so the long ones overlap the many short ones instead of running
 * alone at the end. Vitest orders by the durations it cached on this machine when it has them; a
 * fresh checkout (CI) has none, so the files known to be long come first here, in this order.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The longest files, longest first (per-file durations of a whole `vitest run`, all files but one
 * sharing their workers).
 * Several wait on real time (wall-clock campaigns, servers, child processes) more than they compute.
 */
export const SLOWEST = [
  'test/docs/examples.test.ts',
  // The wall-clock campaigns mostly wait on real time: started early, their waits overlap the rest.
  'test/fuzz/wall-clock.test.ts',
  'test/adapters/cloud-tasks.test.ts',
  'test/cli/outputs.test.ts',
  'test/conform/cli.test.ts',
  'test/cli/lazy-load.test.ts',
  'test/fuzz/replay.test.ts',
  'test/e2e/simulate.test.ts',
  'test/e2e/options.test.ts',
  'test/cli/check-merge.test.ts',
  'test/fuzz/mutants.test.ts',
  'test/fuzz/cli-wall-clock.test.ts',
  'test/scenario/invariant-thread.test.ts',
  'test/targets/http-target.test.ts',
  'test/cli/fuzz-jobs.test.ts',
  'test/fuzz/cli.test.ts',
  'test/conform/matrix.test.ts',
  'test/fuzz/wall-clock-lease-order.test.ts',
  'test/model/closed-forms.test.ts',
  'test/fuzz/hostile.test.ts',
  'test/fuzz/wall-clock-resume.test.ts',
  'test/report/browser.test.ts',
  'test/cli/invariant-thread.test.ts',
  'test/fuzz/run-task.test.ts',
  'test/fuzz/wall-clock-mutants.test.ts',
  'test/fuzz/campaign.test.ts',
  'test/fuzz/wall-clock-starved.test.ts',
  'test/adapters/http-json.test.ts',
  'test/fuzz/wall-clock-zero.test.ts',
  'test/adapters/cloud-tasks-rest.test.ts',
  'test/serve/cli.test.ts',
  'test/sim/trace-decoder.test.ts',
  'test/conform/explore.test.ts',
  'test/adapters/cloud-tasks-deadline.test.ts',
  'test/sim/trace-codec-wtf8.test.ts',
  'test/invariants/thread.test.ts',
  'test/adapters/cloud-tasks-address.test.ts',
  'test/sim/heap.test.ts',
  'test/conform/robustness.test.ts',
  'test/fuzz/wall-clock-overtaking.test.ts',
  'test/serve/cloud-tasks-v2.test.ts',
  'test/scenario/run.test.ts',
  'test/fuzz/jobs.test.ts',
  'test/model/engine-determinism.test.ts',
  'test/conform/broken-handlers.test.ts',
];

export class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cached = await super.sort(files);
    const rank = (f: TestSpecification): number => {
      const i = SLOWEST.findIndex((s) => f.moduleId.endsWith(s));
      return i < 0 ? SLOWEST.length : i;
    };
    return cached
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}
