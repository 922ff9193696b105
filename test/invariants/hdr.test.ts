import { describe, expect, it } from 'vitest';
import type { DeliveryHeaders } from '../../src/sim/events.js';
import { TraceBuilder, expectFails, expectPasses, queue, resultOf } from './trace-builder.js';

const S = 1_000_000;
/** RETRY-4 on the builder's queue (min_backoff 0.1 s, 16 doublings): 0.1 s, then 0.2 s. */
const after = (n: 1 | 2) => (n === 1 ? 100_000 : 200_000);

/** no-instance (0), then 500, then 200: the sequence HDR-3/4/6/7 are about. */
function threeAttempts(b = new TraceBuilder()): TraceBuilder {
  b.add(1, 0)
    .attempt(1, 0, 0, { out: 'no-instance' })
    .retry(1, 1000, 1000 + after(1));
  b.attempt(1, 1000 + after(1), 500);
  const r2 = 2000 + after(1);
  return b.retry(1, r2, r2 + after(2));
}

describe('INV-HDR', () => {
  it('passes headers written as a correct engine writes them', async () => {
    const b = threeAttempts();
    b.attempt(1, b.events.at(-1)!.t + after(2) + 5, 200)
      .success(1, 3 * S)
      .end(3 * S);
    expectPasses(await b.check(), 'INV-HDR');
  });

  it('pins the literal values after a no-instance failure and a handler 500 (HDR-3…7)', async () => {
    const b = new TraceBuilder();
    b.add(1, 0, { name: 'send-mail', eta: 500_000 });
    b.dispatch(1, 500_000, { h: { qn: 'default', tn: 'send-mail', rc: '0', ec: '0', eta: '1767225600.500000' } });
    b.respond(1, 501_000, 0, { out: 'no-instance' }).retry(1, 501_000, 601_000);
    b.dispatch(1, 601_000, { h: { rc: '1', ec: '0', eta: '1767225600.601000', pr: '0', rr: 'Instance Unavailable' } });
    b.respond(1, 602_000, 500).retry(1, 602_000, 802_000);
    b.dispatch(1, 802_000, { h: { rc: '2', ec: '1', eta: '1767225600.802000', pr: '500', rr: 'App Error' } });
    b.respond(1, 803_000, 200).success(1, 803_000).end(S);
    expectPasses(await b.check(), 'INV-HDR');
  });

  it('fails RetryCount off by one (HDR-3)', async () => {
    const b = threeAttempts();
    b.attempt(1, 5 * S, 200, { h: { rc: '1' } })
      .success(1, 5 * S + 1000)
      .end(6 * S);
    const results = await b.check();
    expectFails(results, 'INV-HDR', 'HDR-3');
    const v = resultOf(results, 'INV-HDR').examples[0];
    expect([v.expected, v.actual, v.id]).toEqual(['"2"', '"1"', 1]);
  });

  it('fails an ExecutionCount that counts a no-instance failure (HDR-4)', async () => {
    const b = new TraceBuilder();
    b.add(1, 0).attempt(1, 0, 0, { out: 'no-instance' }).retry(1, 1000, 101_000);
    b.attempt(1, S, 200, { h: { ec: '1' } })
      .success(1, S + 1000)
      .end(2 * S);
    expectFails(await b.check(), 'INV-HDR', 'HDR-4');
  });

  it('counts a missed deadline as an execution only under deadlineCountsAsExecution (HDR-4, SPEC §10)', async () => {
    const build = (countsOption: boolean, ec: string) => {
      const b = new TraceBuilder({ options: { deadlineCountsAsExecution: countsOption }, deadlineUs: S });
      b.add(1, 0)
        .attempt(1, 0, 0, { out: 'deadline', lat: S })
        .retry(1, S, S + 100_000);
      return b
        .attempt(1, 2 * S, 200, { h: { ec } })
        .success(1, 3 * S)
        .end(3 * S);
    };
    expectPasses(await build(true, '1').check(), 'INV-HDR');
    expectPasses(await build(false, '0').check(), 'INV-HDR');
    expectFails(await build(false, '1').check(), 'INV-HDR', 'HDR-4');
  });

  it('fails an ETA with the wrong form or value (HDR-5)', async () => {
    for (const eta of ['1767225600.5', '1767225601.000000', '', '1767225600.00000a', '1767225600.0000/0']) {
      const b = new TraceBuilder();
      b.add(1, 0).attempt(1, 0, 200, { h: { eta } }).success(1, 1000).end(S);
      expectFails(await b.check(), 'INV-HDR', 'HDR-5');
    }
  });

  it('fails an ETA text that was right for another attempt just before (HDR-5, whatever the checker remembers)', async () => {
    // Tasks 1 and 2 are due at 0 and 0.5 s; each delivery's ETA text agrees with its own attempt. Then
    // task 3 (due at 0) and task 4 (due at 0.5 s) each carry the other's text: both must fail.
    const text = { 0: '1767225600.000000', [S / 2]: '1767225600.500000' };
    const b = new TraceBuilder();
    b.add(1, 0)
      .add(2, 0, { eta: S / 2 })
      .add(3, 0)
      .add(4, 0, { eta: S / 2 });
    b.attempt(1, S / 2, 200, { h: { eta: text[0] } }).success(1, S / 2 + 1000);
    b.attempt(2, S / 2, 200, { h: { eta: text[S / 2] } }).success(2, S / 2 + 1000);
    b.attempt(3, S / 2, 200, { h: { eta: text[S / 2] } }).success(3, S / 2 + 1000);
    b.attempt(4, S / 2, 200, { h: { eta: text[0] } }).success(4, S / 2 + 1000);
    const result = resultOf(await b.end(S).check(), 'INV-HDR');
    expect(result.examples.map((v) => [v.rule, v.id])).toEqual([
      ['HDR-5', 3],
      ['HDR-5', 4],
    ]);
  });

  it('a violation names the task and the queue it was found on', async () => {
    const b = new TraceBuilder({ queues: [queue('mail')] });
    b.add(7, 0, { q: 'mail' })
      .attempt(7, 0, 200, { h: { rc: '1' } })
      .success(7, 1000)
      .end(S);
    const result = resultOf(await b.check(), 'INV-HDR');
    expect(result.examples[0]).toMatchObject({ rule: 'HDR-3', id: 7, q: 'mail' });
  });

  it('fails PreviousResponse on the first attempt or with the wrong status (HDR-6)', async () => {
    const first = new TraceBuilder();
    first
      .add(1, 0)
      .attempt(1, 0, 200, { h: { pr: '0' } })
      .success(1, 1000)
      .end(S);
    expectFails(await first.check(), 'INV-HDR', 'HDR-6');
    const wrong = new TraceBuilder();
    wrong
      .add(1, 0)
      .attempt(1, 0, 404)
      .retry(1, 1000, 101_000)
      .attempt(1, S, 200, { h: { pr: '500' } })
      .success(1, S + 1000)
      .end(2 * S);
    expectFails(await wrong.check(), 'INV-HDR', 'HDR-6');
  });

  it("fails RetryReason 'App Error' after a missed deadline (HDR-7)", async () => {
    const b = new TraceBuilder({ deadlineUs: S });
    b.add(1, 0)
      .attempt(1, 0, 0, { out: 'deadline', lat: S })
      .retry(1, S, S + 100_000);
    b.attempt(1, 2 * S, 200, { h: { rr: 'App Error' } })
      .success(1, 3 * S)
      .end(3 * S);
    expectFails(await b.check(), 'INV-HDR', 'HDR-7');
  });

  it('fails a TaskName that changes between deliveries (HDR-2) and a wrong QueueName (HDR-1)', async () => {
    const name = new TraceBuilder();
    name
      .add(1, 0)
      .attempt(1, 0, 500)
      .retry(1, 1000, 101_000)
      .attempt(1, S, 200, { h: { tn: 'other' } })
      .success(1, S + 1000)
      .end(2 * S);
    expectFails(await name.check(), 'INV-HDR', 'HDR-2');
    const qn = new TraceBuilder();
    qn.add(1, 0)
      .attempt(1, 0, 200, { h: { qn: 'Default' } })
      .success(1, 1000)
      .end(S);
    expectFails(await qn.check(), 'INV-HDR', 'HDR-1');
  });

  it('judges every header of a duplicate after 2xx for its form (HDR-1, 2, 4, 5)', async () => {
    const cases: [Partial<DeliveryHeaders>, string][] = [
      [{ qn: 'other' }, 'HDR-1'],
      [{ tn: '' }, 'HDR-2'],
      [{ ec: 'x' }, 'HDR-4'],
      [{ ec: '-1' }, 'HDR-4'],
      [{ eta: 'soon' }, 'HDR-5'],
    ];
    for (const [h, rule] of cases) {
      const b = new TraceBuilder();
      b.add(1, 0)
        .attempt(1, 0, 200)
        .success(1, 1000)
        .dispatch(1, 2000, { dup: true, h })
        .respond(1, 3000, 200, { dup: true })
        .end(S);
      const result = resultOf(await b.check(), 'INV-HDR');
      expect(
        result.examples.map((v) => v.rule),
        JSON.stringify(h),
      ).toEqual([rule]);
    }
  });

  it('judges a duplicate after 2xx for form only', async () => {
    const ok = new TraceBuilder();
    ok.add(1, 0)
      .attempt(1, 0, 200)
      .success(1, 1000)
      .dispatch(1, 2000, { dup: true, h: { rc: '7' } })
      .respond(1, 3000, 200, { dup: true })
      .end(S);
    expectPasses(await ok.check(), 'INV-HDR');
    const bad = new TraceBuilder();
    bad
      .add(1, 0)
      .attempt(1, 0, 200)
      .success(1, 1000)
      .dispatch(1, 2000, { dup: true, h: { rc: '-1' } })
      .respond(1, 3000, 200, { dup: true })
      .end(S);
    expectFails(await bad.check(), 'INV-HDR', 'HDR-3');
  });

  it('CT-5: under cloud-tasks ExecutionCount leaves out 5xx answers but counts 4xx', async () => {
    // 503 then 404 then 200: appengine counts both (ec 1, then 2), cloud-tasks only the 404 (ec 0, then 1).
    const run = (profile: 'appengine' | 'cloud-tasks', ecs: [string, string]) => {
      const b = new TraceBuilder({ profile });
      b.add(1, 0).attempt(1, 0, 503).retry(1, 1000, 101_000);
      b.attempt(1, 101_000, 404, { h: { ec: ecs[0] } }).retry(1, 102_000, 302_000);
      return b
        .attempt(1, 302_000, 200, { h: { ec: ecs[1] } })
        .success(1, 303_000)
        .end(S)
        .check();
    };
    expectPasses(await run('appengine', ['1', '2']), 'INV-HDR');
    expectPasses(await run('cloud-tasks', ['0', '1']), 'INV-HDR');
    expectFails(await run('cloud-tasks', ['1', '2']), 'INV-HDR', 'HDR-4');
    expectFails(await run('appengine', ['0', '1']), 'INV-HDR', 'HDR-4');
  });

  it("HDR-5 on a retry: the retry's ETA by default, the original ETA under the Java stub's reading", async () => {
    // Added with ETA 0.5 s; attempt 1 answers 500 at 0.501 s; retry due 0.601 s.
    const run = (reading: 'retry' | 'original' | undefined, eta: string) => {
      const b = new TraceBuilder(reading === undefined ? {} : { options: { retryEtaHeader: reading } });
      b.add(1, 0, { eta: 500_000 }).attempt(1, 500_000, 500).retry(1, 501_000, 601_000);
      return b.attempt(1, 601_000, 200, { h: { eta } }).success(1, 602_000).end(S).check();
    };
    expectPasses(await run(undefined, '1767225600.601000'), 'INV-HDR');
    expectPasses(await run('retry', '1767225600.601'), 'INV-HDR');
    expectPasses(await run('original', '1767225600.5'), 'INV-HDR');
    expectFails(await run('original', '1767225600.601000'), 'INV-HDR', 'HDR-5');
    expectFails(await run(undefined, '1767225600.500000'), 'INV-HDR', 'HDR-5');
  });

  it('HDR-5 accepts any number of fraction digits, and none (Python str(float), Java six digits)', async () => {
    for (const eta of ['1767225601', '1767225601.0', '1767225601.000000', '1767225601.0000000']) {
      const b = new TraceBuilder();
      b.add(1, 0, { eta: S })
        .attempt(1, S, 200, { h: { eta } })
        .success(1, S + 1000)
        .end(2 * S);
      expectPasses(await b.check(), 'INV-HDR');
    }
  });
});
