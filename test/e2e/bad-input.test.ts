/**
 * Bad input to `tasksim simulate` (CFG-3): exit code 2, one message on stderr that names the file, the
 * queue or field, and the rule broken — never a stack trace. Two cases run the built CLI in a child
 * process, proving the wiring (exit 2, the message on stderr, nothing on stdout); the rest of the table
 * goes through the command the CLI registers, in this process, from parsing to its exit code
 * (test/helpers/cli-in-process.ts).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { registerSimulate } from '../../src/cli/simulate.js';
import { tasksimInProcess } from '../helpers/cli-in-process.js';
import { ensureCliBuilt, runCliAsync, type CliRun } from '../helpers/engine.js';

interface Case {
  /** Test name (cites the rule). */
  name: string;
  /** The scenario file's content (YAML object or raw text); absent for cases that need no file. */
  scenario?: Record<string, unknown> | string;
  /** Extra files next to the scenario. */
  files?: Record<string, string>;
  /** CLI args after `simulate`; `$F` is the scenario path, `$D` the temp dir. */
  args?: string[];
  /** Run as the built CLI in a child process (the wiring), not in-process. */
  child?: true;
  /** What stderr must contain ($F and $D substituted). */
  says: (string | RegExp)[];
}

const push = (over: Record<string, unknown> = {}) => ({ name: 'mail', rate: '5/s', ...over });
const work = [{ queue: 'mail', count: 1 }];

const CASES: Case[] = [
  {
    name: 'CFG-1 bad rate grammar in an inline queue',
    scenario: { queues: [push({ rate: '5/x' })], workload: work },
    says: ['$F', 'queue "mail"', 'field "rate"', '"5/x"', '(CFG-1)'],
  },
  {
    name: 'RETRY-1 negative task_retry_limit',
    scenario: { queues: [push({ retry_parameters: { task_retry_limit: -1 } })], workload: work },
    says: ['$F', 'queue "mail"', 'field "retry_parameters.task_retry_limit"', '-1', '(RETRY-1)'],
  },
  {
    name: 'CFG-1 unknown field in queue.yaml (with its line)',
    child: true,
    scenario: { queue_yaml: 'queue.yaml', workload: work },
    files: { 'queue.yaml': 'queue:\n- name: mail\n  rate: 5/s\n  max_concurent_requests: 3\n' },
    says: ['$D/queue.yaml:4:', 'queue "mail"', 'field "max_concurent_requests"', 'unknown field', '(CFG-1)'],
  },
  {
    name: 'CFG-3 unknown field in the scenario',
    scenario: { queues: [push()], workload: work, workers_count: 3 },
    says: ['$F', 'field "workers_count"', 'unknown field', '(CFG-3)'],
  },
  {
    name: 'CFG-3 unknown field nested in a workload stream',
    scenario: { queues: [push()], workload: [{ queue: 'mail', count: 1, burst: true }] },
    says: ['$F', 'field "workload[0].burst"', 'unknown field', '(CFG-3)'],
  },
  {
    name: 'TASK-1 bad queue name',
    scenario: { queues: [push({ name: 'mail_queue' })], workload: [{ queue: 'mail_queue', count: 1 }] },
    says: ['$F', 'queue "mail_queue"', 'field "name"', '(TASK-1)'],
  },
  {
    name: 'TASK-1 bad task name prefix',
    scenario: { queues: [push()], workload: [{ queue: 'mail', count: 1, name_prefix: 'order #' }] },
    says: ['$F', 'field "workload[0].name_prefix"', '(TASK-1)'],
  },
  {
    name: 'TASK-3 oversize payload on a push queue (over 100 KiB)',
    scenario: { queues: [push()], workload: [{ queue: 'mail', count: 1, payload_bytes: 102_401 }] },
    says: ['$F', 'field "workload[0].payload_bytes"', '102400', '(TASK-3)'],
  },
  {
    name: 'PUSH-4 ETA past 30 days (eta_offset 31d)',
    scenario: { queues: [push()], workload: [{ queue: 'mail', count: 1, eta_offset: '31d' }] },
    says: ['$F', 'field "workload[0].eta_offset"', '(PUSH-4)'],
  },
  {
    name: 'PULL-2 lease over a week',
    scenario: {
      queues: [{ name: 'jobs', mode: 'pull' }],
      workload: [{ queue: 'jobs', count: 1 }],
      workers: [{ queue: 'jobs', lease: '8d' }],
    },
    says: ['$F', 'field "workers[0].lease"', 'at most 7d', '(PULL-2)'],
  },
  {
    name: 'PULL-2 batch of 1001 tasks',
    scenario: {
      queues: [{ name: 'jobs', mode: 'pull' }],
      workload: [{ queue: 'jobs', count: 1 }],
      workers: [{ queue: 'jobs', batch: 1001 }],
    },
    says: ['$F', 'field "workers[0].batch"', '1000', '(PULL-2)'],
  },
  {
    name: 'PULL-1 a worker on a push queue',
    scenario: { queues: [push()], workload: work, workers: [{ queue: 'mail' }] },
    says: ['$F', 'field "workers[0].queue"', 'push queue', '(PULL-1)'],
  },
  {
    name: 'CFG-1 malformed YAML in the scenario (with its line)',
    scenario: 'queues:\n  - name: mail\n    rate: [5/s\nworkload: []\n',
    says: [/\$F:\d+: malformed YAML/, '(CFG-1)'],
  },
  {
    name: 'CFG-1 malformed YAML in queue.yaml',
    scenario: { queue_yaml: 'queue.yaml', workload: work },
    files: { 'queue.yaml': 'queue:\n- name: mail\n  rate: "5/s\n' },
    says: ['$D/queue.yaml', 'malformed YAML', '(CFG-1)'],
  },
  {
    name: 'CFG-1 missing scenario file',
    args: ['$D/does-not-exist.yaml'],
    says: ['$D/does-not-exist.yaml', 'no such file', '(CFG-1)'],
  },
  {
    name: 'CFG-1 missing queue_yaml file',
    scenario: { queue_yaml: 'nowhere/queue.yaml', workload: work },
    says: ['$D/nowhere/queue.yaml', 'no such file', '(CFG-1)'],
  },
  {
    name: 'SPEC §10 unknown --profile',
    scenario: { queues: [push()], workload: work },
    args: ['$F', '--profile', 'legacy'],
    says: ['--profile', 'appengine or cloud-tasks', '"legacy"'],
  },
  {
    name: 'INV-DET non-integer --seed',
    scenario: { queues: [push()], workload: work },
    args: ['$F', '--seed', '1.5'],
    says: ['--seed', 'integer', '"1.5"'],
  },
  {
    name: 'CFG-3 unknown profile inside the scenario',
    scenario: { profile: 'legacy', queues: [push()], workload: work },
    says: ['$F', 'field "profile"', '"legacy"', '(CFG-3)'],
  },
  {
    name: 'CFG-3 every problem is listed at once, not only the first',
    scenario: {
      queues: [push({ rate: 'fast', bucket_size: 0 })],
      workload: [{ queue: 'mail', count: 1, eta_offset: '40d' }],
    },
    says: ['field "rate"', 'field "bucket_size"', 'field "workload[0].eta_offset"'],
  },
  {
    name: 'usage: no scenario argument',
    child: true,
    args: [],
    says: ['missing required argument'],
  },
];

let dir: string;
const results = new Map<string, CliRun & { file: string }>();

beforeAll(async () => {
  ensureCliBuilt();
  dir = await mkdtemp(join(tmpdir(), 'tasksim-bad-'));
  const prepared = await Promise.all(
    CASES.map(async (c, i) => {
      const sub = join(dir, `c${i}`);
      await mkdir(sub);
      const file = join(sub, 'scenario.yaml');
      if (c.scenario !== undefined)
        await writeFile(file, typeof c.scenario === 'string' ? c.scenario : stringify(c.scenario));
      for (const [name, text] of Object.entries(c.files ?? {})) await writeFile(join(sub, name), text);
      return { c, file, args: (c.args ?? ['$F']).map((a) => a.replace('$F', file).replace('$D', sub)) };
    }),
  );
  // The child-process cases run side by side; the in-process ones one at a time (they capture stdout).
  const children = prepared
    .filter((p) => p.c.child)
    .map(async (p) => results.set(p.c.name, { ...(await runCliAsync(['simulate', ...p.args])), file: p.file }));
  for (const p of prepared.filter((x) => !x.c.child))
    results.set(p.c.name, { ...(await tasksimInProcess(registerSimulate, ['simulate', ...p.args])), file: p.file });
  await Promise.all(children);
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bad input → exit 2, a message naming file, field and rule, no stack trace', () => {
  it('covers at least ten kinds of bad input, two of them through the built CLI', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(10);
    expect(CASES.filter((c) => c.child).length).toBeGreaterThanOrEqual(2);
  });

  for (const c of CASES) {
    it(c.name, () => {
      const r = results.get(c.name)!;
      const sub = r.file.replace(/\/scenario\.yaml$/, '');
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toContain('    at ');
      expect(r.stderr).not.toMatch(/internal error/);
      for (const want of c.says) {
        if (typeof want === 'string') expect(r.stderr).toContain(want.replace('$F', r.file).replace('$D', sub));
        else
          expect(r.stderr).toMatch(
            new RegExp(want.source.replace('\\$F', r.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))),
          );
      }
    });
  }
});
