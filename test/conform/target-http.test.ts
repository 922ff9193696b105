/**
 * `--target http`: the same suite for a Cloud Tasks HTTP target (CT-2) — the queue's headers under
 * their X-CloudTasks-* names, FailFast left out, and an HTTP target's dispatchDeadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance, resolveDeadline, ConformanceOptionError } from '../../src/conform/run.js';
import { PICKY, type Running } from './servers.js';
import { tasksim } from '../helpers/cli.js';
import { tasksimInProcess } from '../helpers/cli-in-process.js';
import { registerConform } from '../../src/cli/conform.js';

describe('--target http', () => {
  let s: Running;
  beforeAll(async () => {
    s = await PICKY.cloudTasksOnly();
  });
  afterAll(() => s.close());

  it('a handler that reads X-CloudTasks-* passes as an HTTP target, and fails as an App Engine handler', async () => {
    const http = await runConformance({ target: s.url, seed: 41, targetKind: 'http' });
    expect(http.cases.filter((c) => c.status !== 'pass').map((c) => `${c.id} ${c.status}`)).toEqual([
      'H-2.9 skip',
      'H-3.4 skip',
    ]);
    expect(http.targetKind).toBe('http');
    const sent = http.cases.find((c) => c.id === 'H-3.2')!.evidence.exchanges.find((x) => !x.injected)!;
    expect(sent.headers).toMatchObject({
      'X-CloudTasks-QueueName': 'default',
      'X-CloudTasks-TaskRetryCount': '2',
      'X-CloudTasks-TaskExecutionCount': '2',
      'X-CloudTasks-TaskPreviousResponse': '500',
      'X-CloudTasks-TaskRetryReason': 'App Error',
      'User-Agent': 'Google-Cloud-Tasks',
    });
    expect(Object.keys(sent.headers).filter((k) => /^x-appengine-/i.test(k))).toEqual([]);
    const appengine = await runConformance({ target: s.url, seed: 41, cases: 'H-2.1' });
    expect(appengine.cases[0]).toMatchObject({ status: 'fail' });
    expect(appengine.cases[0].actual).toMatch(/^403 /);
  });

  it("deadlines are an HTTP target's: 10 min by default, at most 30 min, no scaling type (CT-2)", () => {
    expect(resolveDeadline({ isFunction: true, targetKind: 'http' })).toMatchObject({
      deadlineUs: 600_000_000,
      label: '10m (the default dispatchDeadline of an HTTP target, CT-2), virtual time',
    });
    expect(resolveDeadline({ isFunction: false, targetKind: 'http', deadline: '30m' })).toMatchObject({
      timeoutMs: 1_800_000,
    });
    expect(() => resolveDeadline({ isFunction: false, targetKind: 'http', deadline: '31m' })).toThrow(
      ConformanceOptionError,
    );
    expect(resolveDeadline({ isFunction: false, targetKind: 'http', deadline: '5s' }).label).toBe(
      '5s (--deadline; shorter than any dispatchDeadline (15s, CT-2))',
    );
  });

  it('rerun lines carry --target http', async () => {
    const r = await tasksim([
      'conform',
      s.url,
      '--target',
      'http',
      '--seed',
      '3',
      '--cases',
      'H-2.1',
      '--deadline',
      '20s',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).cases[0].replay).toBe(
      `npx tasksim conform ${s.url} --cases H-2.1 --seed 3 --target http --deadline 20s`,
    );
  });

  // In-process, through the command the CLI registers (test/helpers/cli-in-process.ts); the CLI's printing of a
  // usage error (exit 2, stderr) is proven in test/conform/cli.test.ts.
  it.each([
    [['--target', 'http', '--scaling', 'basic'], /--scaling is about App Engine services/],
    [['--target', 'http', '--deadline', '2h'], /--deadline of an HTTP target is at most 30m/],
    [['--target', 'lambda'], /--target must be appengine or http/],
  ])('bad usage %j: exit 2', async (args, message) => {
    const r = await tasksimInProcess(registerConform, ['conform', s.url, ...(args as string[])]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stdout).toBe('');
  });
});
