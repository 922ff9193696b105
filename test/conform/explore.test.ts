/**
 * Exploration finds what fixed cases miss: real handlers on 127.0.0.1, each with one defect of the kind
 * official samples have, each found by generated deliveries and shrunk to the smallest delivery, which
 * is printed as a curl command and a --replay line that reproduce it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance, type CaseResult, type ConformanceReport } from '../../src/conform/run.js';
import { decodeReplay } from '../../src/conform/explore/reproduce.js';
import { HANDLER_CASES } from '../../conformance/handler/index.js';
import { defineConformanceTests } from '../../src/conform/vitest.js';
import type { HandlerFunction } from '../../src/targets/function-target.js';
import { PICKY, type Running } from './servers.js';
import { tasksim } from '../helpers/cli.js';

// TASK-1, written here from the spec.
const TASK_NAME = /^[a-zA-Z0-9_-]{1,500}$/;

const finding = (r: ConformanceReport, id: string): CaseResult => {
  const c = r.cases.find((x) => x.id === id);
  if (!c) throw new Error(`no ${id} in the report: ${r.cases.map((x) => x.id).join(', ')}`);
  return c;
};

/** The fixed cases all pass: only exploration can see these defects. */
function fixedCasesPass(r: ConformanceReport): void {
  const fixed = r.cases.filter((c) => c.id.startsWith('H-'));
  expect(fixed.length).toBe(HANDLER_CASES.length);
  expect(fixed.filter((c) => c.status === 'fail' || c.status === 'warn').map((c) => c.id)).toEqual([]);
}

describe('exploration against handlers with one defect each', () => {
  const servers: Running[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });
  async function start(s: Promise<Running>): Promise<Running> {
    const r = await s;
    servers.push(r);
    return r;
  }

  it('refuses the task name "0" (PHP empty("0")): found, shrunk to "0", replayable with curl and --replay', async () => {
    const s = await start(PICKY.refusesNameZero());
    const r = await runConformance({ target: s.url, seed: 10 });
    fixedCasesPass(r);
    const c = finding(r, 'P-TASK-1');
    expect(c.status).toBe('fail');
    expect(c.rules).toEqual(['TASK-1', 'HDR-2']);
    expect(c.actual).toMatch(/^TaskName "0" → 400 in /);
    expect(r.ok).toBe(false); // a required finding fails the run, as a required case would
    // The evidence is the shrunk delivery, exactly as sent.
    expect(c.evidence.exchanges.length).toBe(1);
    const sent = c.evidence.exchanges[0];
    expect(sent).toMatchObject({ method: 'POST', url: '/task', status: 400 });
    expect(sent.headers['X-AppEngine-TaskName']).toBe('0');
    expect(c.curl).toBe(
      `curl -i -X POST ${s.url} -H 'X-AppEngine-QueueName: default' -H 'X-AppEngine-TaskName: 0' -H 'X-AppEngine-TaskRetryCount: 0' ` +
        "-H 'X-AppEngine-TaskExecutionCount: 0' -H 'X-AppEngine-TaskETA: 1767225600.000000' -H 'Content-Type: application/octet-stream' " +
        "--data-binary 'tasksim exploration'",
    );
    const token = /--replay (\S+)$/.exec(c.replay)?.[1];
    expect(c.replay).toBe(`npx tasksim conform ${s.url} --replay ${token}`);
    expect(decodeReplay(token!).headers['X-AppEngine-TaskName']).toBe('0');
    // The replay line, run as printed, sends it again and reports the refusal.
    const before = s.requests.length;
    const replayed = await tasksim(['conform', s.url, '--replay', token!]);
    expect(replayed.code).toBe(1);
    expect(replayed.stdout).toMatch(/X-AppEngine-TaskName: 0\n/);
    expect(replayed.stdout).toMatch(/refused: 400/);
    expect(s.requests.length).toBe(before + 1);
    expect(s.requests[before].headers['x-appengine-taskname']).toBe('0');
  });

  it('checks names narrower than TASK-1: found, shrunk to a short valid name it refuses', async () => {
    const s = await start(PICKY.narrowNames());
    const r = await runConformance({ target: s.url, seed: 11 });
    fixedCasesPass(r);
    const c = finding(r, 'P-TASK-1');
    expect(c.status).toBe('fail');
    const name = /^TaskName "([^"]*)"(?:… \((\d+) characters\))? → 400/.exec(c.actual);
    expect(name, c.actual).not.toBeNull();
    const sentName = c.evidence.exchanges[0].headers['X-AppEngine-TaskName'];
    expect(TASK_NAME.test(sentName)).toBe(true); // valid by TASK-1
    expect(/^[a-zA-Z]/.test(sentName)).toBe(false); // refused by the handler's own rule
    expect(sentName.length, sentName).toBe(1); // shrunk to one character: a digit, `-` or `_`
    expect(c.actual).toContain(`TaskName ${JSON.stringify(sentName)} → 400`);
  });

  it('insists on six fractional ETA digits: found, shrunk to another form HDR-5 allows', async () => {
    const s = await start(PICKY.sixDigitEta());
    const r = await runConformance({ target: s.url, seed: 12 });
    fixedCasesPass(r);
    const c = finding(r, 'P-HDR-5');
    expect(c.status).toBe('fail');
    expect(c.rules).toEqual(['HDR-5']);
    const eta = c.evidence.exchanges[0].headers['X-AppEngine-TaskETA'];
    expect(eta).toMatch(/^1767225600(\.[0-9]{0,5}|\.[0-9]{7,9})?$/); // shrunk to the run's epoch, another form
    expect(c.actual).toContain(`TaskETA "${eta}" → 400`);
    expect(c.curl).toContain(`-H 'X-AppEngine-TaskETA: ${eta}'`);
    // The other dimensions pass: each finding is one rule.
    expect(r.cases.filter((x) => x.status === 'fail').map((x) => x.id)).toEqual(['P-HDR-5']);
  });

  it('a POST-only handler comes out clean: H-2.9 (a GET task) is skipped with the reason, never failed', async () => {
    const s = await start(PICKY.postOnly());
    const r = await runConformance({ target: s.url, seed: 13 });
    expect(r.cases.filter((c) => c.status !== 'pass').map((c) => `${c.id} ${c.status}`)).toEqual(['H-2.9 skip']);
    expect(finding(r, 'H-2.9').actual).toBe(
      'skipped: the app creates only POST tasks (--methods POST); this case sends a GET task. Declare --methods POST,GET if the app creates GET tasks',
    );
    expect(r.ok).toBe(true);
    expect(s.requests.every((q) => q.method === 'POST')).toBe(true);
    // Declared to create GET tasks too, the same handler is told about it (recommended: a warning).
    const withGet = await runConformance({ target: s.url, seed: 13, methods: ['POST', 'GET'], explore: 0 });
    expect(finding(withGet, 'H-2.9')).toMatchObject({ status: 'warn' });
  });

  it('the same exploration runs in-process against a handler function', async () => {
    const phpLike: HandlerFunction = async function phpLike(req) {
      return { status: req.headers['x-appengine-taskname'] === '0' ? 400 : 200 };
    };
    const r = await runConformance({ target: phpLike, seed: 14, cases: 'P-*' });
    expect(r.cases.map((c) => `${c.id} ${c.status}`)).toEqual([
      'P-TASK-1 fail',
      'P-HDR-5 pass',
      'P-HDR-3 pass',
      'P-HDR-1 pass',
    ]);
    expect(finding(r, 'P-TASK-1').replay).toMatch(
      /^replayDelivery\(\{ target: phpLike, token: 'd1\.[A-Za-z0-9_-]+' \}\)$/,
    );
  });

  it('--explore 0 turns exploration off; --explore N bounds each exploring case', async () => {
    const s = await start(PICKY.postOnly());
    const off = await runConformance({ target: s.url, seed: 15, explore: 0 });
    expect(off.cases.some((c) => c.id.startsWith('P-'))).toBe(false);
    const before = s.requests.length;
    const few = await runConformance({ target: s.url, seed: 15, explore: 7, cases: 'P-*' });
    expect(few.cases.length).toBe(4);
    expect(s.requests.length - before).toBe(4 * 7);
    expect(few.cases[0].actual).toMatch(/^7 generated deliveries, all 2xx; seed \d+$/);
  });

  it('--explore-payloads varies bodies and Content-Types up to 100 KiB (HANDLER-6, TASK-3)', async () => {
    const sizes: number[] = [];
    const s = await start(PICKY.postOnly());
    const r = await runConformance({
      target: s.url,
      seed: 16,
      explore: 60,
      explorePayloads: true,
      cases: 'P-HANDLER-6',
    });
    expect(r.cases.map((c) => `${c.id} ${c.status}`)).toEqual(['P-HANDLER-6 pass']);
    for (const q of s.requests) sizes.push(Number(q.headers['content-length'] ?? 0));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100 * 1024);
    expect(new Set(s.requests.map((q) => q.headers['content-type'])).size).toBeGreaterThan(3);
  });
});

describe('defineConformanceTests: exploration as one vitest test', () => {
  const compliant: HandlerFunction = async (req) => ({ status: req.headers['x-appengine-taskname'] ? 200 : 403 });
  defineConformanceTests(compliant, { seed: 31, explore: 30 });
});

describe('--payload sets the body cases and exploration send', () => {
  let s: Running;
  beforeAll(async () => {
    s = await PICKY.postOnly();
  });
  afterAll(() => s.close());

  it('sends the business payload with its Content-Type; payload-form cases keep theirs', async () => {
    const body = new TextEncoder().encode('{"orderId":42}');
    const r = await runConformance({
      target: s.url,
      seed: 17,
      cases: 'H-2.1,H-2.5,P-HDR-5',
      explore: 5,
      payload: { bytes: body, contentType: 'application/json', arg: '{"orderId":42}' },
    });
    expect(r.cases.map((c) => c.status)).toEqual(['pass', 'pass', 'pass']);
    const h21 = r.cases[0].evidence.exchanges[0];
    expect(h21).toMatchObject({ body: '{"orderId":42}', bodyEncoding: 'utf8', bodyBytes: 14 });
    expect(h21.headers['Content-Type']).toBe('application/json');
    expect(r.cases[1].evidence.exchanges[0].bodyBytes).toBe(0); // H-2.5 is about the empty payload
    const explored = s.requests.slice(-5);
    expect(
      explored.every((q) => q.headers['content-type'] === 'application/json' && q.headers['content-length'] === '14'),
    ).toBe(true);
  });
});
