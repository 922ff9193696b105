/** `tasksim check`: a written trace re-checked offline (INV-DET hash and every INV rule). */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt, runCli } from '../helpers/engine.js';

let dir: string;
let trace: string;
let hash: string;

beforeAll(async () => {
  ensureCliBuilt();
  dir = await mkdtemp(join(tmpdir(), 'tasksim-check-'));
  trace = join(dir, 'burst.ndjson');
  const r = runCli(['simulate', 'scenarios/burst-drain.yaml', '--trace', trace, '--json', '--no-det-check']);
  expect(r.code).toBe(0);
  hash = JSON.parse(r.stdout).traceHash;
}, 180_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tasksim check', () => {
  it('INV-DET a trace written by simulate checks clean and hashes to the run’s traceHash', () => {
    const r = runCli(['check', trace, '--json', '--expect-hash', hash]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.traceHash).toBe(hash);
    expect(out.ok).toBe(true);
    expect(out.invariants.filter((i: { status: string }) => i.status === 'fail')).toEqual([]);
  });

  it('HDR-3 a tampered RetryCount is caught, and the hash no longer matches', async () => {
    const text = await readFile(trace, 'utf8');
    const tampered = text.replace(
      /("e":"dispatch","id":7,"q":"mail","n":1,"h":\{"qn":"mail","tn":"auto-7","rc":)"0"/,
      '$1"1"',
    );
    expect(tampered).not.toBe(text);
    const bad = join(dir, 'tampered.ndjson');
    await writeFile(bad, tampered);
    const r = runCli(['check', bad, '--expect-hash', hash]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/INV-HDR \(HDR-3\)/);
    expect(r.stdout).toMatch(/hash\s+expected/);
  });

  it('bad input: a missing file or a line that is not JSON is exit 2 with the file named', async () => {
    const missing = runCli(['check', join(dir, 'nope.ndjson')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.ndjson: no such file/);
    const garbage = join(dir, 'garbage.ndjson');
    await writeFile(garbage, '{"t":0,"e":"config"\nnot json\n');
    const r = runCli(['check', garbage]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/garbage\.ndjson:1: not a trace line/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
