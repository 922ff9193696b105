/**
 * defineConformanceTests: the catalog as one vitest test per case. Used here as a user would use it,
 * against an in-process function and against the reference handler's URL (known after beforeAll).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineConformanceTests, failureMessage, lazy } from '../../src/conform/vitest.js';
import { startReferenceHandler, type ReferenceHandler } from '../../src/conform/reference-handler.js';
import { runConformance } from '../../src/conform/run.js';
import type { HandlerFunction } from '../../src/targets/function-target.js';

const compliant: HandlerFunction = async (req) =>
  req.headers['x-appengine-taskname'] && req.headers['x-appengine-queuename'] ? { status: 200 } : { status: 400 };

describe('a compliant function', () => {
  defineConformanceTests(compliant, { seed: 21 });
});

describe('the reference handler over HTTP', () => {
  let ref: ReferenceHandler;
  beforeAll(async () => {
    ref = await startReferenceHandler();
  });
  afterAll(() => ref.close());
  defineConformanceTests(
    lazy(() => ref.url),
    { seed: 22, cases: 'H-2,H-5.1' },
  );
});

describe('the failure message a broken handler gets', () => {
  it('names the case, expected, actual, rules and the rerun', async () => {
    const r = await runConformance({
      target: async function always500() {
        return { status: 500 };
      },
      cases: 'H-2.1',
      seed: 3,
    });
    expect(failureMessage(r.cases[0])).toBe(
      [
        'H-2.1 A valid task is answered 2xx (any body)',
        'expected: a 2xx status; the body may be anything (it is discarded)',
        'actual:   500 in 1µs; the queue retries the task (HANDLER-2)',
        'rules:    HANDLER-1, HANDLER-5',
        "rerun:    runConformance({ target: always500, cases: 'H-2.1', seed: 3 })",
      ].join('\n'),
    );
  });
});
