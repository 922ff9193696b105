import { describe, expect, it } from 'vitest';
import { findMutant } from '../../src/adapters/mutants/index.js';
import { ReferenceQueue } from '../../src/adapters/reference.js';
import { runFuzz } from '../../src/fuzz/campaign.js';
import { formatText } from '../../src/fuzz/report.js';
import { BadReplayToken, decodeReplay, encodeReplay } from '../../src/fuzz/replay-token.js';
import { wrapQueue } from '../helpers/wrap-queue.js';

describe('replay tokens', () => {
  it('round-trip', () => {
    const t = { v: 1 as const, seed: 42, path: '3:0:1', replayPath: 'AB:C', maxCommands: 30, realTime: false };
    expect(decodeReplay(encodeReplay(t))).toEqual(t);
  });

  it('refuse garbage with a clear reason', () => {
    expect(() => decodeReplay('not a token!')).toThrow(BadReplayToken);
    expect(() => decodeReplay(Buffer.from('{"v":2}').toString('base64url'))).toThrow(/unknown version/);
    expect(() => decodeReplay(Buffer.from('{"v":1,"seed":1}').toString('base64url'))).toThrow(/path/);
  });

  it('reproduce the same minimal counterexample', async () => {
    const m = findMutant('previous-response-wrong')!;
    const first = await runFuzz({ adapter: 'mutant:previous-response-wrong', queue: m.create(), seed: 99 });
    expect(first.ok).toBe(false);
    const again = await runFuzz({
      adapter: 'mutant:previous-response-wrong',
      queue: m.create(),
      seed: 99,
      replay: first.failure!.token,
    });
    expect(again.ok).toBe(false);
    expect(again.failure!.commands).toEqual(first.failure!.commands);
    expect(again.failure!.violations).toEqual(first.failure!.violations);
    expect(again.failure!.config).toEqual(first.failure!.config);
  });

  it('replay only the recorded run against a queue that passes it (a fixed queue), not the rest of the shrink tree', async () => {
    // Shrunk on the wall clock against lease-not-exclusive (path 0:0:0:0); the reference passes it.
    const token =
      'eyJ2IjoxLCJzZWVkIjoyLCJwYXRoIjoiMDowOjA6MCIsInJlcGxheVBhdGgiOiJJOkIiLCJtYXhDb21tYW5kcyI6MTIsInJlYWxUaW1lIjp0cnVlfQ';
    expect(decodeReplay(token).path).toContain(':'); // a path into the shrink tree
    let resets = 0;
    const reference = new ReferenceQueue().onWallClock();
    const counted = wrapQueue(reference, 'reference', {
      reset: (setup) => {
        resets++;
        return reference.reset(setup);
      },
      runTask: (q, name) => reference.runTask(q, name),
    });
    const again = await runFuzz({ adapter: 'reference', queue: counted, seed: 2, replay: token });
    expect(again.ok, formatText(again)).toBe(true);
    expect(resets).toBe(1); // each run resets its queue once
  }, 120_000);

  it("on the wall clock replay the same commands to the same rule (the instants are the wall's)", async () => {
    const m = findMutant('lease-not-exclusive')!;
    const queue = () => m.create().onWallClock();
    // A busy machine makes slow calls, and a slow lease is not compared: up to 60 runs to the first failure.
    const first = await runFuzz({
      adapter: 'mutant:lease-not-exclusive',
      queue: queue(),
      seed: 2,
      runs: 60,
      maxFailures: 1,
      shrinkBudgetMs: 3000,
    });
    expect(first.ok).toBe(false);
    expect(decodeReplay(first.failure!.token).realTime).toBe(true);
    // The replay runs the same commands; whether a timing-dependent defect shows again depends on the
    // wall, so it gets three tries, and every try that fails must fail the same way.
    let reproduced = 0;
    for (let attempt = 0; attempt < 3 && reproduced === 0; attempt++) {
      const again = await runFuzz({
        adapter: 'mutant:lease-not-exclusive',
        queue: queue(),
        seed: 2,
        replay: first.failure!.token,
      });
      if (again.ok) continue;
      reproduced++;
      expect(again.failure!.commands).toEqual(first.failure!.commands);
      expect(again.failure!.violations[0].rule).toBe(first.failure!.violations[0].rule);
      expect(again.failure!.config).toEqual(first.failure!.config);
    }
    expect(reproduced).toBe(1);
  });

  it('refuse a token made on the other clock', async () => {
    const wall = encodeReplay({ v: 1, seed: 1, path: '0', replayPath: '', maxCommands: 12, realTime: true });
    await expect(runFuzz({ adapter: 'reference', queue: new ReferenceQueue(), seed: 1, replay: wall })).rejects.toThrow(
      /made on the wall clock, and reference lets the harness move its clock/,
    );
  });
});
