/** SPEC §10 options reach the engine a conformance run drives: runConformance's and the vitest helper's `options`. */
import { describe, expect, it } from 'vitest';
import { ConformanceOptionError, runConformance } from '../../src/conform/run.js';

const ok = async (): Promise<{ status: number }> => ({ status: 200 });

async function etaHeaders(options?: Record<string, string>): Promise<string[]> {
  const report = await runConformance({ target: ok, cases: 'H-3.2', seed: 5, options });
  const c = report.cases[0];
  expect(c.status).toBe('pass');
  return c.evidence.exchanges.map((x) => x.headers['X-AppEngine-TaskETA']);
}

describe('options in a conformance run', () => {
  it('HDR-5 retry-eta-header=original: every attempt of H-3.2 carries the first ETA; by default each retry its own', async () => {
    const byDefault = await etaHeaders();
    const original = await etaHeaders({ 'retry-eta-header': 'original' });
    expect(byDefault).toHaveLength(3); // two scripted 500s, then the handler's 2xx
    expect(new Set(byDefault).size).toBe(3);
    expect(original).toEqual([byDefault[0], byDefault[0], byDefault[0]]);
  });

  it('an unknown option or value is refused before anything runs, naming the choices', async () => {
    await expect(runConformance({ target: ok, cases: 'H-3.2', options: { 'eta-header': 'original' } })).rejects.toThrow(
      ConformanceOptionError,
    );
    await expect(
      runConformance({ target: ok, cases: 'H-3.2', options: { 'retry-eta-header': 'first' } }),
    ).rejects.toThrow('option retry-eta-header must be retry or original, got "first" (HDR-5)');
  });
});
