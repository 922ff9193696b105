/**
 * `tasksim check` judges only complete traces of the schema; `--expect-hash` takes the hash as tasksim
 * prints it. `tasksim report merge` does not pass a campaign with shards missing unless asked to.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    expect(r.stderr).toMatch(new RegExp(`${r.file}:${line}: not a trace line`));
  });

  it('NaN or Infinity (written as null) in a number field is refused at its line', async () => {
    const lines = text.split('\n');
    const i = lines.findIndex((l) => l.includes('"e":"response"'));
    lines[i] = lines[i].replace(/"lat":[0-9]+/, '"lat":null');
    const r = await checkText('null.ndjson', lines.join('\n'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${r.file}:${i + 1}: response event: "lat" must be a finite number, got null`);
  });

  it('an event after the end, or a trace that does not start with config, is refused', async () => {
    const lines = text.trimEnd().split('\n');
    const after = await checkText('after.ndjson', [...lines, lines[1]].join('\n') + '\n');
    expect(after.code).toBe(2);
    expect(after.stderr).toContain(`${after.file}:${lines.length + 1}: an event after the "end" event`);
    const headless = await checkText('headless.ndjson', lines.slice(1).join('\n') + '\n');
    expect(headless.code).toBe(2);
    expect(headless.stderr).toContain(`${headless.file}:1: a trace starts with its "config" event`);
  });

  it('the complete trace passes', async () => {
    const r = await tasksim(['check', trace]);
    expect(r.code).toBe(0);
  });
});

describe('tasksim check --expect-hash takes the forms tasksim prints', () => {
  it('sha256:<64 hex> (as check prints it), the bare hex (as --json prints it), and sha256:<16 hex>… (the summary)', async () => {
    for (const form of [`sha256:${hash}`, hash, `sha256:${hash.slice(0, 16)}…`, hash.toUpperCase()]) {
      const r = await tasksim(['check', trace, '--expect-hash', form]);
      expect(r.code, form).toBe(0);
    }
  });

  it('a different hash fails (exit 1); something that is not a hash is bad input (exit 2)', async () => {
    const other = (hash[0] === '0' ? '1' : '0') + hash.slice(1);
    const wrong = await tasksim(['check', trace, '--expect-hash', `sha256:${other}`]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain(`hash        expected sha256:${other} (INV-DET)`);
    const bad = await tasksim(['check', trace, '--expect-hash', 'sha256:xyz']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--expect-hash must be a SHA-256 as tasksim prints it');
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
