/** One hand-written lockstep run on the wall clock, for tests that script the commands themselves. */
import type { QueueUnderTest } from '../../src/adapters/contract.js';
import { WALL_CLOCK } from '../../src/fuzz/clock.js';
import { buildConfig } from '../../src/fuzz/config-arb.js';
import { Lockstep } from '../../src/fuzz/lockstep.js';
import type { ResolvedConfig } from '../../src/model/config.js';

/** Starts a run against `sut`, plays `body`, finishes and closes it; the error it ended with, if any. */
export async function runOnWallClock(
  sut: QueueUnderTest,
  config: ResolvedConfig,
  seed: number,
  body: (run: Lockstep) => Promise<void>,
  opts: { timeline?: boolean } = {},
): Promise<{ run: Lockstep; error: unknown; timeline?: string[] }> {
  const run = new Lockstep({ config, seed, sut, caps: await sut.describe(), strategy: WALL_CLOCK, ...opts });
  const timeline = (): { timeline?: string[] } => {
    const t = run.clock.timeline?.();
    return t ? { timeline: t } : {};
  };
  try {
    await run.start();
    await body(run);
    await run.finish();
    return { run, error: undefined, ...timeline() };
  } catch (error) {
    return { run, error, ...timeline() };
  } finally {
    await run.close();
  }
}

/** One push queue q0 at 100/s that never retries: a task's one delivery is easy to follow in real time. */
export function onePushQueue(): ResolvedConfig {
  return buildConfig('appengine', [
    {
      name: 'q0',
      mode: 'push',
      rate: '100/s',
      ratePerSec: 100,
      bucketSize: 5,
      retry: { taskRetryLimit: 0, minBackoffUs: 20_000, maxBackoffUs: 50_000, maxDoublings: 1 },
    },
  ]);
}
