/**
 * Targets that are not proper HTTP handlers: each gets a clear verdict within bounded time — never
 * a hang, never a thrown error.
 */
import { describe, expect, it } from 'vitest';
import { runConformance } from '../../src/conform/run.js';
import { MISBEHAVING, endlessBody, freePort, keepAliveCloser } from './servers.js';

describe('misbehaving targets', () => {
  it('nothing listening → every case a net verdict (ECONNREFUSED), quickly', async () => {
    const port = await freePort();
    const started = performance.now();
    const r = await runConformance({ target: `http://127.0.0.1:${port}/task`, seed: 1, cases: 'H-2.1,H-2.2,H-1.3' });
    expect(r.cases.every((c) => c.status === 'fail' && /ECONNREFUSED/.test(c.actual))).toBe(true);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('accepts and never answers → deadline verdicts, one deadline per case at most', async () => {
    const server = await MISBEHAVING.silent();
    try {
      const started = performance.now();
      const r = await runConformance({
        target: server.url,
        seed: 2,
        deadline: '300ms',
        cases: 'H-2.1,H-2.2,H-1.3,H-5.1,H-2.10',
      });
      const elapsed = performance.now() - started;
      for (const c of r.cases) {
        expect(c.actual, c.id).toMatch(/timed out after 300ms/);
        expect(c.durationMs, c.id).toBeLessThan(1_500); // the retry cycle stops once the target gave no answer
      }
      expect(r.cases.find((c) => c.id === 'H-5.1')!.status).toBe('fail');
      expect(r.cases.find((c) => c.id === 'H-2.10')!.status).toBe('warn');
      expect(elapsed).toBeLessThan(5_000);
    } finally {
      await server.close();
    }
  });

  it('writes garbage instead of HTTP → a net verdict that says "not HTTP"', async () => {
    const server = await MISBEHAVING.garbage();
    try {
      const r = await runConformance({ target: server.url, seed: 3, deadline: '2s', cases: 'H-2.1,H-2.8' });
      for (const c of r.cases) {
        expect(c.status).toBe('fail');
        expect(c.actual).toMatch(/no HTTP answer: not HTTP/);
      }
    } finally {
      await server.close();
    }
  });

  it('resets connections → a net verdict that says so', async () => {
    const server = await MISBEHAVING.reset();
    try {
      const r = await runConformance({ target: server.url, seed: 4, deadline: '2s', cases: 'H-2.1,H-2.4' });
      for (const c of r.cases) {
        expect(c.status).toBe('fail');
        expect(c.actual).toMatch(/no HTTP answer: connection (reset|closed)/);
      }
    } finally {
      await server.close();
    }
  });

  it('answers 200 with a body that never ends → not a pass: a missed deadline (DEADLINE-2), in bounded time', async () => {
    const server = await endlessBody();
    try {
      const r = await runConformance({ target: server.url, seed: 5, deadline: '20s', cases: 'H-2.1,H-5.1' });
      for (const c of r.cases) {
        expect(c.status, c.id).toBe('fail');
        expect(c.rules, c.id).toContain('DEADLINE-2');
        expect(c.actual, c.id).toMatch(/answered 200 but the body had not ended after \d+ bytes/);
      }
      expect(r.ok).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('closes idle keep-alive connections after 20–50 ms → H-1.3 and the retry cases pass', async () => {
    const server = await keepAliveCloser();
    try {
      for (let seed = 1; seed <= 8; seed++) {
        const r = await runConformance({ target: server.url, seed, cases: 'H-1.3,H-2.2,H-3.2,H-3.3', explore: 0 });
        expect(r.cases.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.actual}`)).toEqual([]);
      }
    } finally {
      await server.close();
    }
  });
});
