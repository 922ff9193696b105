/**
 * Targets that are not proper HTTP handlers: each gets a clear verdict within bounded time — never
 * a hang, never a thrown error.
 */
import { describe, expect, it } from 'vitest';
import { runConformance } from '../../src/conform/run.js';
import { MISBEHAVING, freePort } from './servers.js';

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
      const r = await runConformance({ target: server.url, seed: 2, deadline: '300ms', cases: 'H-2.1,H-2.2,H-1.3,H-5.1,H-2.10' });
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

  it('answers with a 50 MB body → reads at most ~1 MiB, no hang, the status still counts', async () => {
    const server = await MISBEHAVING.hugeBody();
    try {
      const started = performance.now();
      const r = await runConformance({ target: server.url, seed: 5, deadline: '5s', cases: 'H-2.1,H-2.5' });
      expect(performance.now() - started).toBeLessThan(5_000);
      for (const c of r.cases) {
        expect(c.status).toBe('pass');
        const x = c.evidence.exchanges[0];
        expect(x.status).toBe(200);
        expect(x.detail).toMatch(/cut off after \d+ bytes/);
      }
      const bytes = Number(/after (\d+) bytes/.exec(r.cases[0].evidence.exchanges[0].detail!)![1]);
      expect(bytes).toBeGreaterThanOrEqual(1024 * 1024);
      expect(bytes).toBeLessThan(2 * 1024 * 1024);
    } finally {
      await server.close();
    }
  });
});
