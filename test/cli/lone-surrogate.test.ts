/**
 * INV-DET end to end: a scenario whose tags hold lone surrogates (YAML "\uD800") runs, writes its
 * trace as NDJSON (each surrogate escaped as \udXXX), and `tasksim check` reads the file back to the
 * run's own hash; the same file with the surrogate replaced by U+FFFD (what a UTF-8 encoder would have
 * made of it) hashes differently.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tasksim } from '../helpers/cli.js';

const SCENARIO = `name: lone-surrogates
seed: 3
queues:
  - name: jobs
    mode: pull
workload:
  - { queue: jobs, kind: burst, count: 6, tags: ["\\uD800", "x\\uDFFF", "\\uDBFF\\uDC00"] }
workers:
  - { queue: jobs, count: 1, poll_interval: 1s, lease: 10s, batch: 10, processing_time: 10ms }
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tasksim-lone-'));
  await writeFile(join(dir, 'lone.yaml'), SCENARIO);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a trace with lone surrogates, written and checked (INV-DET)', () => {
  it('INV-DET check hashes the written trace to the run’s hash; U+FFFD in its place is another trace', async () => {
    const trace = join(dir, 'lone.ndjson');
    const run = await tasksim(['simulate', join(dir, 'lone.yaml'), '--trace', trace, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { traceHash } = JSON.parse(run.stdout) as { traceHash: string };
    const text = await readFile(trace, 'utf8');
    expect(text).toContain('"tag":"\\ud800"');
    expect(text).toContain('"tag":"x\\udfff"');
    expect(text).toContain('"tag":"\u{10FC00}"'); // a pair is one character, written as its UTF-8

    const same = await tasksim(['check', trace, '--json', '--expect-hash', traceHash]);
    expect(same.code).toBe(0);
    expect(JSON.parse(same.stdout).traceHash).toBe(traceHash);

    const replaced = join(dir, 'replaced.ndjson');
    await writeFile(replaced, text.replaceAll('"tag":"\\ud800"', '"tag":"\\ufffd"'));
    const other = await tasksim(['check', replaced, '--json', '--expect-hash', traceHash]);
    expect(other.code).toBe(1);
    expect(JSON.parse(other.stdout).hashOk).toBe(false);
  }, 120_000);
});
