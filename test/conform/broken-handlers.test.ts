/**
 * e2e over real HTTP on loopback: the compliant reference handler passes every case; each broken
 * handler makes the right case fail (or warn) citing the right rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance, type CaseResult, type ConformanceReport } from '../../src/conform/run.js';
import { startReferenceHandler, type ReferenceHandler } from '../../src/conform/reference-handler.js';
import { HANDLER_CASES } from '../../conformance/handler/index.js';
import { EXPLORATION_CASES } from '../../conformance/handler/p-explore.js';
import { BROKEN, type Running } from './servers.js';

const byId = (r: ConformanceReport, id: string): CaseResult => {
  const c = r.cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id} in the report`);
  return c;
};

async function against(
  name: keyof typeof BROKEN,
  opts: { cases?: string; deadline?: string } = {},
): Promise<ConformanceReport> {
  const server: Running = await BROKEN[name]();
  try {
    return await runConformance({ target: server.url, seed: 1234, ...opts });
  } finally {
    await server.close();
  }
}

describe('the reference handler', () => {
  let ref: ReferenceHandler;
  beforeAll(async () => {
    ref = await startReferenceHandler();
  });
  afterAll(() => ref.close());

  it('passes every case, required and recommended', async () => {
    const r = await runConformance({ target: ref.url, seed: 99, methods: ['POST', 'GET'] });
    const all = [...HANDLER_CASES, ...EXPLORATION_CASES];
    expect(r.cases.map((c) => c.id)).toEqual(all.map((c) => c.id));
    expect(r.cases.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.actual}`)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.summary).toEqual({ pass: all.length, fail: 0, warn: 0, skip: 0 });
  });

  it('received the duplicate of H-2.4 under the same task name (HANDLER-4)', async () => {
    await runConformance({ target: ref.url, cases: 'H-2.4', seed: 5 });
    const dupCase = [...ref.seen.entries()].filter(([name]) => name.includes('h-2-4'));
    expect(dupCase.length).toBeGreaterThan(0);
    expect(dupCase.every(([, n]) => n === 2)).toBe(true);
  });
});

describe('broken handlers fail the right case, citing the right rule', () => {
  it('answers 500 always → H-2.1 fails (HANDLER-1), exit status not ok', async () => {
    const r = await against('always500');
    const c = byId(r, 'H-2.1');
    expect(c.status).toBe('fail');
    expect(c.rules).toContain('HANDLER-1');
    expect(c.actual).toMatch(/^500 /);
    expect(c.replay).toBe(`npx tasksim conform ${c.replay.split(' ')[3]} --cases H-2.1 --seed 1234`);
    expect(r.ok).toBe(false);
  });

  it('answers 503 → H-2.3 warns (HANDLER-3) and explains the throttling', async () => {
    const r = await against('always503', { cases: 'H-2.3,H-2.1' });
    const c = byId(r, 'H-2.3');
    expect(c.status).toBe('warn');
    expect(c.rules).toEqual(['HANDLER-3']);
    expect(c.actual).toMatch(/code other than 2xx or 503/);
    expect(c.actual).toMatch(/throttled/);
  });

  it('rejects retried deliveries → H-2.2, H-3.2 and H-3.3 fail citing HDR-3; first attempts pass', async () => {
    const r = await against('rejectsRetries');
    for (const id of ['H-2.2', 'H-3.2', 'H-3.3']) {
      expect(byId(r, id).status, id).toBe('fail');
      expect(byId(r, id).rules, id).toContain('HDR-3');
    }
    expect(byId(r, 'H-2.1').status).toBe('pass');
    expect(byId(r, 'H-3.1').status).toBe('pass');
    expect(byId(r, 'H-2.4').status).toBe('pass'); // a duplicate repeats attempt 1: RetryCount 0
  });

  it('chokes on binary and 100 KiB bodies → H-2.7 (HANDLER-6) and H-2.8 (TASK-3) fail; text passes', async () => {
    const r = await against('chokesOnBinary', { cases: 'H-2' });
    expect(byId(r, 'H-2.7').status).toBe('fail');
    expect(byId(r, 'H-2.7').rules).toContain('HANDLER-6');
    expect(byId(r, 'H-2.8').status).toBe('fail');
    expect(byId(r, 'H-2.8').rules).toContain('TASK-3');
    expect(byId(r, 'H-2.8').actual).toMatch(/^413 /);
    expect(byId(r, 'H-2.6').status).toBe('pass');
    expect(byId(r, 'H-2.5').status).toBe('pass');
  });

  it('redirects → H-1.2 warns (PUSH-6); the redirect is never followed', async () => {
    const server = await BROKEN.redirects();
    try {
      const r = await runConformance({ target: server.url, cases: 'H-1.2', seed: 3 });
      const c = byId(r, 'H-1.2');
      expect(c.status).toBe('warn');
      expect(c.rules).toContain('PUSH-6');
      expect(c.actual).toMatch(/302 .*not followed/);
      expect(c.actual).toMatch(/forever/);
      expect(server.requests.length).toBe(3); // attempt 1 and two retries, all at the handler's URL
      expect(server.requests.every((q) => q.url === '/task')).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('is slow past --deadline 200ms → H-5.1 fails (DEADLINE-2) within bounded time', async () => {
    const started = performance.now();
    const r = await against('slow', { cases: 'H-5.1', deadline: '200ms' });
    const c = byId(r, 'H-5.1');
    expect(c.status).toBe('fail');
    expect(c.rules).toEqual(['DEADLINE-1', 'DEADLINE-2']);
    expect(c.expected).toBe('an answer within 200ms (--deadline)');
    expect(c.actual).toMatch(/timed out after 200ms/);
    expect(c.replay).toMatch(/--deadline 200ms$/);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('fails duplicates of completed tasks → H-2.4 fails (HANDLER-4); H-2.1 passes', async () => {
    const r = await against('failsDuplicates', { cases: 'H-2.1,H-2.4' });
    expect(byId(r, 'H-2.4').status).toBe('fail');
    expect(byId(r, 'H-2.4').rules).toEqual(['HANDLER-4']);
    expect(byId(r, 'H-2.4').actual).toMatch(/duplicate: 409/);
    expect(byId(r, 'H-2.1').status).toBe('pass');
  });

  it('accepts requests without X-AppEngine headers → H-2.10 warns (HANDLER-8), the run is still ok', async () => {
    const r = await against('acceptsWithoutHeaders');
    const c = byId(r, 'H-2.10');
    expect(c.status).toBe('warn');
    expect(c.rules).toContain('HANDLER-8');
    expect(r.ok).toBe(true);
    expect(r.summary.fail).toBe(0);
  });
});
