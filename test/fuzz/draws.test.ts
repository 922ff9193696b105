/**
 * The fuzzer's draws are part of its interface: a replay token, a seed in a bug report and a CI
 * campaign's counterexample all mean "what fast-check draws from these arbitraries". The arbitraries
 * may get cheaper (a tuple mapped to a plain object instead of fc.record, and so on) only if every
 * seed still draws the same values and shrinks along the same path.
 *
 * Each digest below was recorded from the arbitraries as they were before their cost was cut; a
 * change here means every recorded seed and replay token now names a different run. Those of a
 * queue with RunTask were recorded again when RunTask came to aim at tasks that exist (CT-4); a
 * queue lacking it draws as it always did.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Capabilities } from '../../src/adapters/contract.js';
import { commandArbs, type CommandOptions } from '../../src/fuzz/commands.js';
import { configArb, wallClockConfigArb } from '../../src/fuzz/config-arb.js';

const VIRTUAL_CAPS: Capabilities = { controlsClock: true, outages: true, events: true };
const NO_RUN_TASK: Capabilities = { ...VIRTUAL_CAPS, lacks: ['runTask'] };

/** A command as its class and every field it holds (all a run reads of it). */
function shown(cmd: object): string {
  return `${cmd.constructor.name}${JSON.stringify(cmd)}`;
}

function digest(parts: Iterable<string>): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\n');
  return h.digest('hex').slice(0, 16);
}

/** Every command of `runs` sequences drawn as a campaign draws them (fc.commands, 50 at most). */
function sequences(opts: CommandOptions, seed: number, runs: number): string[] {
  const arb = fc.commands(commandArbs(opts), { maxCommands: 50, size: 'max' });
  return fc.sample(arb, { seed, numRuns: runs }).map((cmds) => [...cmds].map(shown).join(' | '));
}

describe('the same seed draws the same runs', () => {
  it.each([
    ['virtual time, RunTask', { outages: true, realTime: false, caps: VIRTUAL_CAPS }, '88249b39b4701862'],
    ['virtual time, no RunTask', { outages: true, realTime: false, caps: NO_RUN_TASK }, 'e1872c6902320904'],
    ['virtual time, no outages', { outages: false, realTime: false }, '0e99f9841ce66421'],
    ['wall clock', { outages: false, realTime: true, caps: VIRTUAL_CAPS }, '569dd0f3d4cde2f7'],
  ] as const)('commands: %s', (_label, opts, want) => {
    expect(digest([...sequences(opts, 2026, 40), ...sequences(opts, 7, 40)])).toBe(want);
  });

  it.each([
    ['virtual time', configArb, '89d9dc79cc20918c'],
    ['wall clock', wallClockConfigArb, '42f5ad4f0362ab66'],
  ] as const)('configurations: %s', (_label, arb, want) => {
    expect(digest(fc.sample(arb, { seed: 2026, numRuns: 200 }).map((c) => JSON.stringify(c)))).toBe(want);
  });

  it('shrinks along the same path', () => {
    // A failure that needs a task's fields and a lease's: shrinking walks the tuples under both.
    const arb = fc.array(fc.oneof(...commandArbs({ outages: true, realTime: false, caps: VIRTUAL_CAPS })), {
      maxLength: 50,
    });
    const fails = (cmds: object[]): boolean => {
      const text = cmds.map(shown).join(' ');
      return /"name":"b"[^}]*"payload":"hello"/.test(text) && /"maxTasks":[23]/.test(text);
    };
    const out = fc.check(
      fc.property(configArb, arb, (_config, cmds) => !fails(cmds)),
      { seed: 41, numRuns: 500 },
    );
    expect(out.failed).toBe(true);
    expect(out.numShrinks).toBeGreaterThan(3);
    const [config, cmds] = out.counterexample!;
    const found = [
      JSON.stringify(config),
      cmds.map(shown).join(' | '),
      String(out.numShrinks),
      out.counterexamplePath ?? '',
    ];
    expect(digest(found)).toBe('9aae9654922d1a5f');
  });
});
