/**
 * The command line as a subprocess (the built CLI, see helpers/cli.ts): exit codes,
 * the --json shape, --report-dir files, rerun lines.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceHandler, type ReferenceHandler } from '../../src/conform/reference-handler.js';
import { HANDLER_CASES } from '../../conformance/handler/index.js';
import { EXPLORATION_CASES } from '../../conformance/handler/p-explore.js';
import { BROKEN, MISBEHAVING, freePort, httpHandler, type Running } from './servers.js';
import { tasksim, type CliResult } from '../helpers/cli.js';
import { invokedAs } from '../../src/cli/conform.js';
import { tasksimInProcess } from '../helpers/cli-in-process.js';
import { registerConform } from '../../src/cli/conform.js';

/** Every tag closed in order, every attribute quoted, no stray '<' or '&' in text: enough for JUnit readers. */
function assertWellFormedXml(xml: string): void {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const stack: string[] = [];
  const body = xml.replace(/^<\?xml[^>]*\?>/, '');
  const tag = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    const text = body.slice(last, m.index);
    expect(text, 'text between tags').not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|apos);)/);
    last = tag.lastIndex;
    if (m[4]) continue;
    if (m[1]) expect(stack.pop(), `closing ${m[2]}`).toBe(m[2]);
    else stack.push(m[2]);
  }
  expect(body.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
}

describe('how rerun lines name the command', () => {
  it('npx tasksim under npm (npx, npm run, npm exec) or a local install; tasksim only when that command is on PATH', () => {
    expect(invokedAs({ npm_command: 'exec', PATH: '/usr/bin' }, ['node', '/proj/node_modules/.bin/tasksim'])).toBe(
      'npx tasksim',
    );
    expect(invokedAs({ npm_lifecycle_event: 'test' }, ['node', '/x/dist/cli/main.js'])).toBe('npx tasksim');
    expect(invokedAs({ PATH: '/usr/bin:/opt/node/bin' }, ['node', '/opt/node/bin/tasksim'])).toBe('tasksim');
    expect(invokedAs({ PATH: '/usr/bin' }, ['node', '/proj/node_modules/.bin/tasksim'])).toBe('npx tasksim');
    expect(invokedAs({ PATH: '/usr/bin' }, ['node', '/proj/src/cli/main.ts'])).toBe('npx tasksim');
  });
});

describe('tasksim conform (CLI)', () => {
  let ref: ReferenceHandler;
  let broken: Running;
  let dir: string;
  beforeAll(async () => {
    ref = await startReferenceHandler();
    broken = await BROKEN.always500();
    dir = await mkdtemp(join(tmpdir(), 'tasksim-conform-'));
  });
  afterAll(async () => {
    await ref.close();
    await broken.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('exit 0 and one JSON object of the documented shape against the reference handler', async () => {
    // --explore 10: the exploring cases run (and pass) on 40 deliveries, not the default 400; the in-process
    // matrix (matrix.test.ts) explores more under every profile and option.
    const r = await tasksim(['conform', ref.url, '--json', '--seed', '77', '--explore', '10']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBe(1);
    const j = JSON.parse(lines[0]);
    expect(Object.keys(j)).toEqual(['target', 'seed', 'cases', 'summary']);
    expect(j.target).toBe(ref.url);
    expect(j.seed).toBe(77);
    // H-2.9 (a GET task) is skipped: the app was not declared to create GET tasks (--methods).
    expect(j.summary).toEqual({ pass: HANDLER_CASES.length - 1 + EXPLORATION_CASES.length, fail: 0, warn: 0, skip: 1 });
    expect(j.cases.find((c: { id: string }) => c.id === 'H-2.9').actual).toMatch(
      /^skipped: the app creates only POST tasks \(--methods POST\)/,
    );
    for (const c of j.cases) {
      expect(Object.keys(c)).toEqual(['id', 'title', 'rules', 'severity', 'status', 'expected', 'actual', 'replay']);
      // An exploring case's rerun carries its size; a fixed case's has none to carry.
      const exploring = c.id.startsWith('P-') ? ' --explore 10' : '';
      expect(c.replay).toBe(`npx tasksim conform ${ref.url} --cases ${c.id} --seed 77${exploring}`);
    }
  });

  /** One run against the broken handler serves two tests: what it prints and the files it writes. */
  let failingRun: Promise<CliResult> | undefined;
  const failing = (): Promise<CliResult> =>
    (failingRun ??= tasksim([
      'conform',
      broken.url,
      '--seed',
      '8',
      '--cases',
      'H-2',
      '--report-dir',
      join(dir, 'reports'),
    ]));

  it('exit 1 when a required case fails, with expected/actual, rules, the rerun line and the seed', async () => {
    const r = await failing();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/fail\s+H-2\.1 /);
    expect(r.stdout).toMatch(/expected {2}a 2xx status/);
    expect(r.stdout).toMatch(/actual {4}500 in /);
    expect(r.stdout).toMatch(/rules {5}HANDLER-1, HANDLER-5/);
    expect(r.stdout).toContain(`rerun     npx tasksim conform ${broken.url} --cases H-2.1 --seed 8`);
    expect(r.stdout).toContain(`Seed 8. Rerun everything: npx tasksim conform ${broken.url} --cases H-2 --seed 8\n`);
    expect(r.stderr).toBe('');
  });

  it('--report-dir writes report.json, valid junit.xml, report.md and index.html', async () => {
    const out = join(dir, 'reports');
    const r = await failing();
    expect(r.code).toBe(1);
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
    expect(report.cases.length).toBe(10);
    expect(report.cases[0].evidence.exchanges.length).toBeGreaterThan(0);
    const junit = await readFile(join(out, 'junit.xml'), 'utf8');
    assertWellFormedXml(junit);
    expect(junit).toMatch(/<testsuites name="tasksim conform" tests="10" failures="\d+" errors="0" skipped="1"/);
    expect((junit.match(/<testcase /g) ?? []).length).toBe(10);
    expect(junit).toMatch(/<failure message="HANDLER-1, HANDLER-5: expected a 2xx status/);
    expect(junit).toMatch(/<system-out>WARN \(recommended\)/); // H-2.9 and H-2.10 are recommended: a 500 there warns
    const md = await readFile(join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/^# tasksim conform — /);
    expect(md).toContain('| H-2.1 | ❌ fail | required |');
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)/); // self-contained
    expect(html).toContain('H-2.1');
  });

  it('evidence is the request actually sent; rerun lines carry every behaviour option as the user spelled it', async () => {
    const logPayload = await httpHandler((_req, _body, res) => void res.writeHead(500).end(), '/log_payload');
    const file = join(dir, 'order.json');
    await writeFile(file, '{"orderId":42}');
    const out = join(dir, 'evidence');
    try {
      const args = [
        '--cases',
        'H-2.1',
        '--seed',
        '12',
        '--profile',
        'cloud-tasks',
        '--option',
        'retry-limit=retries',
        '--scaling',
        'basic',
        '--deadline',
        '5s',
        '--methods',
        'POST,GET',
        '--payload',
        `@${file}`,
        '--content-type',
        'application/json',
      ];
      const r = await tasksim(['conform', logPayload.url, ...args, '--report-dir', out]);
      expect(r.code).toBe(1);
      const options = `--deadline 5s --scaling basic --profile cloud-tasks --option retry-limit=retries --methods POST,GET --payload @${file} --content-type application/json`;
      expect(r.stdout).toContain(
        `rerun     npx tasksim conform ${logPayload.url} --cases H-2.1 --seed 12 ${options}\n`,
      );
      expect(r.stdout).toContain(
        `Rerun everything: npx tasksim conform ${logPayload.url} --cases H-2.1 --seed 12 ${options}\n`,
      );
      const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
      const sent = report.cases[0].evidence.exchanges[0];
      expect(sent).toMatchObject({
        method: 'POST',
        url: '/log_payload',
        body: '{"orderId":42}',
        bodyEncoding: 'utf8',
        bodyBytes: 14,
        status: 500,
      });
      expect(sent.headers).toMatchObject({
        'Content-Type': 'application/json',
        'X-AppEngine-QueueName': 'default',
        host: `127.0.0.1:${logPayload.port}`,
        'content-length': '14',
      });
      expect(logPayload.requests[logPayload.requests.length - 1].url).toBe('/log_payload');
      const html = await readFile(join(out, 'index.html'), 'utf8');
      expect(html).toContain('POST /log_payload');
      expect(html).not.toContain('/_ah/queue/default');
    } finally {
      await logPayload.close();
    }
  });

  it('exit 3, quickly, when nothing listens — saying what was tried and what to do', async () => {
    const port = await freePort();
    // What starting the command costs on this machine now (a usage error: no network at all).
    // It is also the CLI's wiring of an option the suite checks (the bad-usage table below is in-process).
    const start = await tasksim(['conform', `http://127.0.0.1:${port}/task`, '--deadline', 'soon']);
    expect(start.code).toBe(2);
    expect(start.stderr).toMatch(/^tasksim: --deadline must be a duration/);
    expect(start.stderr).not.toMatch(/\n\s+at /);
    expect(start.stdout).toBe('');
    const r = await tasksim(['conform', `http://127.0.0.1:${port}/task`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`cannot reach http://127.0.0.1:${port}: ECONNREFUSED`);
    expect(r.stderr).toMatch(/Tried: one POST to/);
    expect(r.stderr).toMatch(/Is the handler running/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.ms - start.ms).toBeLessThan(10_000); // no retries, no waiting: at most the start again
  });

  it('a server that never answers: one preflight deadline, one message, exit 3 — not a suite of timeouts', async () => {
    const silent = await MISBEHAVING.silent();
    try {
      const r = await tasksim(['conform', silent.url, '--deadline', '300ms', '--seed', '4']);
      expect(r.code).toBe(3);
      // The preflight waits the run's deadline, but at least 1s: one wait, not one per case.
      expect(r.stderr).toBe(
        `tasksim: http://127.0.0.1:${silent.port} accepted the connection but sent no answer within 1s.\n` +
          `  Tried: one POST to ${silent.url} (timeout 1s).\n` +
          "  Is this the handler's port (not a proxy or a database)? If the handler is just slow to start, raise --deadline.\n",
      );
      expect(r.stdout).toBe('');
    } finally {
      await silent.close();
    }
  });

  it('a server that speaks no HTTP: one message, exit 3', async () => {
    const garbage = await MISBEHAVING.garbage();
    try {
      const r = await tasksim(['conform', garbage.url, '--seed', '4']);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(
        new RegExp(`^tasksim: http://127\\.0\\.0\\.1:${garbage.port} does not speak HTTP: not HTTP`),
      );
      expect(r.stderr.trim().split('\n').length).toBe(3);
      expect(r.stdout).toBe('');
    } finally {
      await garbage.close();
    }
  });

  // The table runs in-process, the command the CLI registers from parsing to its exit code
  // (test/helpers/cli-in-process.ts): each row still fails if its check is removed (the command then runs
  // on to an unreachable 127.0.0.1:1, exit 3). The process's own exit code and stderr are proven through
  // the built CLI in the exit 3 test above.
  it.each([
    [['conform', 'not a url'], /not a URL/],
    [['conform', 'ftp://127.0.0.1/x'], /only http: and https:/],
    [['conform', 'http://127.0.0.1:1/x', '--deadline', 'soon'], /--deadline must be a duration/],
    [
      ['conform', 'http://127.0.0.1:1/x', '--scaling', 'elastic'],
      /--scaling must be automatic, basic, manual or flexible/,
    ],
    [['conform', 'http://127.0.0.1:1/x', '--concurrency', '0'], /--concurrency must be an integer ≥ 1/],
    [['conform', 'http://127.0.0.1:1/x', '--seed', '-1'], /--seed must be an integer/],
    [['conform', 'http://127.0.0.1:1/x', '--profile', 'aws'], /--profile must be appengine or cloud-tasks/],
    [['conform', 'http://127.0.0.1:1/x', '--cases', 'H-9.9'], /no case matches "H-9.9"/],
    [['conform'], /missing the handler URL/],
    [
      ['conform', 'http://127.0.0.1:1/x', '--methods', 'POST,FETCH'],
      /--methods: "FETCH" is not a task method \(PUSH-1\)/,
    ],
    [['conform', 'http://127.0.0.1:1/x', '--explore', '-3'], /--explore must be an integer/],
    [
      ['conform', 'http://127.0.0.1:1/x', '--option', 'retry-limit=sometimes'],
      /option retry-limit must be retries or attempts/,
    ],
    [['conform', 'http://127.0.0.1:1/x', '--content-type', 'application/json'], /--content-type goes with --payload/],
    [
      ['conform', 'http://127.0.0.1:1/x', '--payload', '@no-such-file.json'],
      /cannot read --payload @no-such-file\.json: ENOENT/,
    ],
    [['conform', 'http://127.0.0.1:1/x', '--replay', 'd1.!!!'], /the --replay token is not base64url/],
    [['conform', 'http://127.0.0.1:1/x', '--replay', 'd1.eyJtIjoiQlJFVyIsImgiOnt9fQ'], /names no valid method/],
  ])('exit 2 for bad usage: %j', async (args, message) => {
    const r = await tasksimInProcess(registerConform, args as string[]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stdout).toBe('');
  });

  it('--reference runs the suite against the built-in handler, with rerun lines that say --reference', async () => {
    const r = await tasksim(['conform', '--reference', '--json', '--seed', '5', '--cases', 'H-2.1']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.cases[0].replay).toBe('npx tasksim conform --reference --cases H-2.1 --seed 5');
  });
});
