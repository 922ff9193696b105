/**
 * `tasksim check` judges a written trace offline (INV-DET hash and every INV rule), and only complete
 * traces of the schema; `--expect-hash` takes the hash as tasksim prints it. `tasksim report merge`
 * does not pass a campaign with shards missing unless asked to.
 *
 * Child processes prove the wiring (exit codes, the file and line named on stderr, nothing on stdout);
 * the rest of the refusals and the hash forms go through the functions `check` runs, in this process:
 * TraceSchemaChecker (each line, then the end) and parseExpectedHash.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExpectedHash } from '../../src/cli/check.js';
import { CliError, EXIT } from '../../src/cli/common.js';
import { TraceSchemaChecker } from '../../src/sim/trace-schema.js';
import { ROOT, tasksim } from '../helpers/cli.js';

let dir: string;
let trace: string;
let text: string;
let hash: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tasksim-check-merge-'));
  trace = join(dir, 'burst.ndjson');
  const r = await tasksim([
    'simulate',
    join(ROOT, 'scenarios/burst-drain.yaml'),
    '--trace',
    trace,
    '--json',
    '--no-det-check',
  ]);
  expect(r.code).toBe(0);
  hash = JSON.parse(r.stdout).traceHash;
  text = await readFile(trace, 'utf8');
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function checkText(name: string, content: string, extra: string[] = []) {
  const file = join(dir, name);
  await writeFile(file, content);
  return { file, ...(await tasksim(['check', file, ...extra])) };
}

/**
 * The first line of `lines` that `tasksim check` refuses, as it refuses it: JSON per line, blank lines
 * skipped, each event through TraceSchemaChecker (line numbers count every line, as the CLI's do).
 */
function firstRefusal(lines: string[]): { line: number; reason: string } | undefined {
  const schema = new TraceSchemaChecker();
  for (const [i, text] of lines.entries()) {
    if (!text.trim()) continue;
    const reason = schema.line(JSON.parse(text));
    if (reason) return { line: i + 1, reason };
  }
  return undefined;
}

describe('tasksim check judges a trace written by simulate', () => {
  it('INV-DET the trace checks clean and hashes to the run’s traceHash; the summary’s 16-digit form of it is taken', async () => {
    const r = await tasksim(['check', trace, '--json', '--expect-hash', `sha256:${hash.slice(0, 16)}…`]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.traceHash).toBe(hash);
    expect(out.hashOk).toBe(true);
    expect(out.ok).toBe(true);
    expect(out.invariants.filter((i: { status: string }) => i.status === 'fail')).toEqual([]);
  });

  it('HDR-3 a tampered RetryCount is caught, and the hash no longer matches', async () => {
    const tampered = text.replace(
      /("e":"dispatch","id":7,"q":"mail","n":1,"h":\{"qn":"mail","tn":"auto-7","rc":)"0"/,
      '$1"1"',
    );
    expect(tampered).not.toBe(text);
    const bad = join(dir, 'tampered.ndjson');
    await writeFile(bad, tampered);
    const r = await tasksim(['check', bad, '--expect-hash', hash]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/INV-HDR \(HDR-3\)/);
    expect(r.stdout).toMatch(/hash\s+expected/);
  });

  it('a missing file is exit 2 with the file named', async () => {
    const missing = await tasksim(['check', join(dir, 'nope.ndjson')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.ndjson: no such file/);
    expect(missing.stdout).toBe('');
  });
});

describe('tasksim check refuses what is not a complete trace', () => {
  it('{"hello":"world"} is not a trace: exit 2, line 1 named', async () => {
    const r = await checkText('hello.ndjson', '{"hello":"world"}\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^tasksim: ${r.file}:1: not a trace event: "e" must be an event type`));
    expect(r.stdout).toBe('');
  });

  it('a trace cut at a line boundary (no end event) is incomplete: exit 2, not a pass', async () => {
    const lines = text.split('\n');
    const r = await checkText('cut.ndjson', lines.slice(0, 1000).join('\n') + '\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `tasksim: ${r.file}: incomplete: no "end" event after its 1000 events (the run was cut short); it cannot be judged\n`,
    );
    expect(r.stdout).toBe('');
  });

  it('a trace cut mid-line is refused at that line', async () => {
    const cut = text.slice(0, text.indexOf('\n', 5000) + 20);
    const line = cut.split('\n').length;
    const r = await checkText('midline.ndjson', cut);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^tasksim: ${r.file}:${line}: not a trace line`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('NaN or Infinity (written as null) in a number field is refused at its line', async () => {
    const lines = text.split('\n');
    const i = lines.findIndex((l) => l.includes('"e":"response"'));
    lines[i] = lines[i].replace(/"lat":[0-9]+/, '"lat":null');
    expect(firstRefusal(lines)).toEqual({
      line: i + 1,
      reason: 'response event: "lat" must be a finite number, got null',
    });
  });

  it('an event after the end, or a trace that does not start with config, is refused', () => {
    const lines = text.trimEnd().split('\n');
    expect(firstRefusal([...lines, lines[1]])).toEqual({
      line: lines.length + 1,
      reason: expect.stringMatching(/^an event after the "end" event/),
    });
    expect(firstRefusal(lines.slice(1))).toEqual({
      line: 1,
      reason: expect.stringMatching(/^a trace starts with its "config" event/),
    });
  });

  it('control: the complete trace is refused at no line, nor at its end (its verdict: the first test above)', () => {
    const schema = new TraceSchemaChecker();
    for (const l of text.split('\n').filter((x) => x.trim())) expect(schema.line(JSON.parse(l))).toBeUndefined();
    expect(schema.finish()).toBeUndefined();
  });
});

describe('tasksim check --expect-hash takes the forms tasksim prints', () => {
  // The CLI takes the 16-digit summary form (first test of this file); each form is read to the digits
  // the trace hash must start with.
  it('sha256:<64 hex> (as check prints it), the bare hex (as --json prints it), and sha256:<16 hex>… (the summary)', () => {
    expect(parseExpectedHash(`sha256:${hash}`)).toBe(hash);
    expect(parseExpectedHash(hash)).toBe(hash);
    expect(parseExpectedHash(`sha256:${hash.slice(0, 16)}…`)).toBe(hash.slice(0, 16));
    expect(parseExpectedHash(`sha256:${hash.slice(0, 16)}...`)).toBe(hash.slice(0, 16));
    expect(parseExpectedHash(hash.toUpperCase())).toBe(hash);
  });

  it('a different hash fails (exit 1); something that is not a hash is bad input (exit 2)', async () => {
    const other = (hash[0] === '0' ? '1' : '0') + hash.slice(1);
    const wrong = await tasksim(['check', trace, '--expect-hash', `sha256:${other}`]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain(`hash        expected sha256:${other} (INV-DET)`);
    // Not a hash: refused as bad input before the trace is read.
    let refused: unknown;
    try {
      parseExpectedHash('sha256:xyz');
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(CliError);
    expect((refused as CliError).exitCode).toBe(EXIT.badInput);
    expect((refused as CliError).message).toContain('--expect-hash must be a SHA-256 as tasksim prints it');
    expect(() => parseExpectedHash(hash.slice(0, 15))).toThrow(/--expect-hash must be a SHA-256/); // fewer than 16 digits
  });
});

describe('tasksim report merge with shards missing', () => {
  let shard1: string;
  let shard2: string;

  beforeAll(async () => {
    shard1 = join(dir, 'shard-1.json');
    shard2 = join(dir, 'shard-2.json');
    for (const [i, file] of [
      [1, shard1],
      [2, shard2],
    ] as const) {
      const r = await tasksim([
        'fuzz',
        '--adapter',
        'reference',
        '--runs',
        '10',
        '--seed',
        '5',
        '--shard',
        `${i}/2`,
        '--json',
      ]);
      expect(r.code).toBe(0);
      await writeFile(file, r.stdout);
    }
  }, 120_000);

  it('1 of 2 passing shards is refused (exit 2) and --out is not written', async () => {
    const out = join(dir, 'merged.json');
    await writeFile(out, 'the last merge\n');
    const r = await tasksim(['report', 'merge', shard1, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tasksim: shard 2 of 2 missing');
    expect(r.stderr).toContain('--allow-partial');
    expect(r.stdout).toBe('');
    expect(await readFile(out, 'utf8')).toBe('the last merge\n');
  });

  it('--allow-partial merges and says "partial", in the text and in the JSON', async () => {
    const out = join(dir, 'partial.json');
    const r = await tasksim(['report', 'merge', shard1, '--allow-partial', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^tasksim report merge \(partial\): reference, seed 5: passed, 5 runs over 1 of 2 shards/);
    expect(r.stdout).toContain('missing shards: 2');
    expect(JSON.parse(await readFile(out, 'utf8'))).toMatchObject({ partial: true, missing: [2], runs: 5 });
  });

  it('both shards: a whole campaign, not partial', async () => {
    const r = await tasksim(['report', 'merge', shard1, shard2, '--json']);
    expect(r.code).toBe(0);
    const merged = JSON.parse(r.stdout);
    expect(merged.partial).toBeUndefined();
    expect(merged).toMatchObject({ ok: true, runs: 10, missing: [] });
  });
});
