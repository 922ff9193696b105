/**
 * `simulate --invariant-thread on|off|auto`, and a checker thread that fails: no verdict (exit 3, not
 * 0 and not 1, which means a violation), a message that says what failed and how to re-run, no stack
 * trace. The thread is made to fail from outside through its test hook (TEST_EXIT_ENV): the real
 * checker thread exits as it is about to read its first chunk, as a crash would.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_EXIT_CODE } from '../../src/invariants/chunk-ring.js';
import { TEST_EXIT_ENV } from '../../src/invariants/thread.js';
import { cliArgs, runBounded } from '../helpers/cli.js';

const SCENARIO = 'scenarios/retry-backoff.yaml';

function simulate(args: string[], env: Record<string, string> = {}) {
  return runBounded(process.execPath, [...cliArgs(), 'simulate', SCENARIO, '--no-det-check', ...args], { env }).result;
}

/** One run of a command, shared by the tests that read it (started by the first to ask). */
function shared<T>(start: () => Promise<T>): () => Promise<T> {
  let run: Promise<T> | undefined;
  return () => (run ??= start());
}
/** `off` with the test hook set: the hook has no thread to stop, so this is also a plain `off` run. */
const offWithHook = shared(() => simulate(['--invariant-thread', 'off', '--json'], { [TEST_EXIT_ENV]: '0' }));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tasksim-thread-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('simulate: a checker thread that fails is no verdict', () => {
  it('exit 3 with what failed, that nothing was judged, the command to judge inline, and the trace to check', async () => {
    const trace = join(dir, 'run.ndjson');
    await writeFile(trace, 'the previous trace\n');
    const r = await simulate(['--invariant-thread', 'on', '--seed', '4', '--trace', trace], { [TEST_EXIT_ENV]: '0' });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^tasksim: no verdict: the invariant checker thread failed/);
    expect(r.stderr).toContain('neither pass nor fail');
    expect(r.stderr).toContain(`it exited (code ${TEST_EXIT_CODE}) before giving its results`);
    expect(r.stderr).toContain(`tasksim simulate ${SCENARIO} --seed 4 --invariant-thread off`);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    // The engine ended the run (stopped when the thread failed): its trace is complete to there, and
    // `tasksim check` judges it offline.
    expect(r.stderr).toContain(`tasksim check ${trace}`);
    const lines = (await readFile(trace, 'utf8')).trim().split('\n');
    expect(JSON.parse(lines[0]).e).toBe('config');
    expect(JSON.parse(lines.at(-1)!).e).toBe('end');
    const check = await runBounded(process.execPath, [...cliArgs(), 'check', trace, '--json']).result;
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout).ok).toBe(true);
  });

  it('--invariant-thread off judges in the engine’s thread: the hook has no thread to stop, exit 0', async () => {
    const r = await offWithHook();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).ok).toBe(true);
  });

  it('auto, the default, keeps a run of fewer than 100,000 tasks in the engine’s thread', async () => {
    const r = await simulate(['--json'], { [TEST_EXIT_ENV]: '0' });
    expect(r.code).toBe(0);
  });

  it('on, without the hook, judges in a thread: the same verdicts as off', async () => {
    // The off run is the one above: with the hook set, which off has no thread for (that test's proof).
    const [on, off] = await Promise.all([simulate(['--invariant-thread', 'on', '--json']), offWithHook()]);
    expect([on.code, off.code]).toEqual([0, 0]);
    const verdicts = (out: string) => JSON.parse(out).invariants;
    expect(verdicts(on.stdout)).toEqual(verdicts(off.stdout));
  });

  it('a mode that is none of auto, on, off is bad input (exit 2), named', async () => {
    const r = await simulate(['--invariant-thread', 'maybe']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--invariant-thread must be auto, on or off, got "maybe"/);
  });
});
