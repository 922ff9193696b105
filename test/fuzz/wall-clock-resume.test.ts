/**
 * PUSH-8 on the wall clock: a queue that answers ResumeQueue OK and stays paused (mutant
 * `resume-ignored`). There a paused queue seldom holds a task by the end of a run (ETAs of at most
 * 200 ms, runs of at most 12 commands: what was added before the pause has gone out), so the drain
 * gives each queue the model holds paused an unnamed task, waits with it paused, then resumes it
 * (Lockstep.resumePausedQueues): the resume owes that task's dispatch, and a queue that did not take
 * it never makes it. The correct queue holds the task until the resume, then sends it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Capabilities, QueueUnderTest } from '../../src/adapters/contract.js';
import { HttpJsonQueue } from '../../src/adapters/http-json.js';
import { serveReferenceOverHttp, type Served } from '../../src/adapters/http-json-server.js';
import { runFuzz } from '../../src/fuzz/campaign.js';
import { formatText } from '../../src/fuzz/report.js';
import { FuzzFailure } from '../../src/fuzz/violation.js';
import type { ResolvedConfig } from '../../src/model/config.js';
import { onePushQueue, runOnWallClock } from '../helpers/lockstep.js';

const MS = 1000;
/** The drain's wait with the paused queues still paused, each holding its task (README, "The drain"). */
const DRAIN_PAUSED_US = 300 * MS;

/** onePushQueue, its default queue's backoff short too: the drain watches for the longest (≤ 1 s). */
function config(): ResolvedConfig {
  const c = onePushQueue();
  const short = { minBackoffUs: 20 * MS, maxBackoffUs: 50 * MS, maxDoublings: 1 };
  return { ...c, queues: c.queues.map((q) => (q.name === 'default' ? { ...q, retry: { ...q.retry, ...short } } : q)) };
}

let served: Served | undefined;
let sut: HttpJsonQueue | undefined;
afterEach(async () => {
  await sut?.close();
  await served?.close();
  sut = undefined;
  served = undefined;
});

/** The real-time reference over HTTP, or the mutant. */
async function serve(mutant?: string): Promise<HttpJsonQueue> {
  served = await serveReferenceOverHttp({ realTime: true, ...(mutant ? { mutant } : {}) });
  sut = new HttpJsonQueue(served.url);
  return sut;
}

/** A queue that does not report its events (the harness sees only its deliveries and answers). */
function quiet<T extends QueueUnderTest>(queue: T): T {
  const describe = queue.describe.bind(queue);
  queue.describe = async (): Promise<Capabilities> => ({ ...(await describe()), events: false });
  return queue;
}

describe('the drain on the wall clock resumes a queue left paused, with a task for the resume to owe', () => {
  // Three runs of well under a second each: q0 paused, then the drain (backoffs ≤ 50 ms).
  const pauseOnly = async (run: { pause: (q: string, p: boolean) => Promise<void> }): Promise<void> => {
    await run.pause('q0', true);
  };

  for (const events of [true, false]) {
    it(`resume-ignored: PUSH-8 with no resume command (${events ? "the queue's events" : 'no events'})`, async () => {
      const queue = await serve('resume-ignored');
      const { run, error } = await runOnWallClock(events ? queue : quiet(queue), config(), 1, pauseOnly);
      expect(error).toBeInstanceOf(FuzzFailure);
      const first = (error as FuzzFailure).violations[0];
      // The drain's task is the first unnamed task of q0; the model sends it at the resume, the queue never.
      expect(first).toMatchObject({ rule: 'PUSH-8', task: 'q0/auto-1', actual: 'none' });
      expect(first.message).toMatch(/q0 stayed paused after the resume it answered OK at t=/);
      expect(run.log.at(-1)).toMatch(/^\(drain\) q0 is paused: add to q0: \(unnamed\); after 300ms, resume q0/);
      const key = run.book.unnamedIn('q0', 0)!.key;
      expect(run.model.log.filter((s) => s.key === key).map((s) => s.nth)).toEqual([1]);
      expect(run.sut.log.filter((s) => s.key === key)).toEqual([]);
    });
  }

  it('the correct queue holds the task while paused and sends it once resumed: no verdict', async () => {
    const { run, error } = await runOnWallClock(await serve(), config(), 1, pauseOnly);
    expect(error, error instanceof FuzzFailure ? JSON.stringify(error.violations) : String(error)).toBeUndefined();
    const e = run.book.unnamedIn('q0', 0)!;
    const sent = run.sut.log.filter((s) => s.key === e.key);
    expect(sent.map((s) => s.nth)).toEqual([1]);
    // Added while paused, resumed only after the drain's wait: not sent before it (a timer may fire up
    // to a millisecond early).
    expect(sent[0].t).toBeGreaterThanOrEqual(e.addedAt + DRAIN_PAUSED_US - 1 * MS);
    expect(run.inconclusive).toEqual([]);
  });
});

describe('the drain on the wall clock sees a pause that did not take', () => {
  it("pause-ignored: the drain's task goes out while the model holds q0 paused (PUSH-8)", async () => {
    const { run, error } = await runOnWallClock(await serve('pause-ignored'), config(), 1, async (r) => {
      await r.pause('q0', true);
    });
    // The queue sends the task at once; the model 300 ms later, at the resume. It is judged early once
    // past its tolerance (100 ms + 20 ms + two tokens at 100/s) and the measured noise, before the
    // resume unless the noise came to the rest of the wait.
    const tolerance = 140 * MS;
    if (error === undefined) {
      expect(run.clock.noiseUs).toBeGreaterThan(DRAIN_PAUSED_US - tolerance);
      return;
    }
    expect(error).toBeInstanceOf(FuzzFailure);
    const first = (error as FuzzFailure).violations[0];
    expect(first).toMatchObject({ rule: 'PUSH-8', task: 'q0/auto-1' });
    expect(first.message).toMatch(/came before the model dispatches it \(queue q0 is paused\)/);
  });
});

describe('a wall-clock campaign against resume-ignored', () => {
  // Seed 7's first run leases, adds to p0, pauses q0 and never resumes it (its draws, not timing):
  // its drain owes the dispatch of q0's task, so that run fails; the campaign stops there.
  const SEED = 7;
  const RUNS = 3;

  it('is caught in its first run and cited as PUSH-8, the drain in the counterexample', async () => {
    const queue = await serve('resume-ignored');
    const report = await runFuzz({
      adapter: served!.url,
      queue,
      seed: SEED,
      runs: RUNS,
      maxFailures: 1,
      shrinkBudgetMs: 1000,
    });
    expect(report.ok, formatText(report)).toBe(false);
    expect(report.clock).toBe('wall');
    const f = report.failure!;
    expect(f.rule, formatText(report)).toBe('PUSH-8');
    expect(f.violations[0].message).toMatch(/stayed paused after the resume it answered OK/);
    const drained = f.commands.map((c) => /^\(drain\) (\S+) is paused/.exec(c)?.[1]).filter((q) => q !== undefined);
    expect(drained.length).toBeGreaterThan(0);
    // The queue the drain resumed was paused by a command of the run.
    expect(f.commands).toContain(`pause ${drained[0]}`);
    expect(f.replay).toMatch(/^tasksim fuzz --adapter http:\/\/127\.0\.0\.1:\d+ --replay [A-Za-z0-9_-]+$/);
  });

  it('the correct queue passes the same campaign', async () => {
    const queue = await serve();
    const report = await runFuzz({ adapter: served!.url, queue, seed: SEED, runs: RUNS });
    expect(report.ok, formatText(report)).toBe(true);
    expect(report.failures ?? []).toEqual([]);
  });
});
