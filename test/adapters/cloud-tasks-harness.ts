/**
 * What the Cloud Tasks adapter tests share: tasksim serve in-process on 127.0.0.1 (port 0), the
 * harness's handler bound first (port 0) so serve can be told where App Engine tasks go, and the
 * adapter on the official client over gRPC (or REST: serve speaks both on one port). Serve's mutants are hooks on the running emulator
 * instance (its methods as the gRPC service calls them), never changes to serve itself.
 */
import { expect } from 'vitest';
import { CloudTasksQueue } from '../../src/adapters/cloud-tasks.js';
import { parseCloudTasksAddress } from '../../src/adapters/cloud-tasks-address.js';
import { DeliveryListener } from '../../src/adapters/cloud-tasks-listener.js';
import { runFuzz } from '../../src/fuzz/campaign.js';
import { formatText } from '../../src/fuzz/report.js';
import { defaultConfig } from '../../src/model/queue-yaml.js';
import type { RuleId } from '../../src/rules/catalog.js';
import type { CloudTasksEmulator } from '../../src/serve/emulator.js';
import { startServer, type RunningServer } from '../../src/serve/index.js';

export interface ServedQueue {
  server: RunningServer;
  queue: CloudTasksQueue;
  /** The --adapter address, as a user would give it. */
  address: string;
  close(): Promise<void>;
}

/** A deliberately broken serve: a hook on its emulator. */
export type ServeMutant = (em: CloudTasksEmulator) => void;

export async function serveAndAdapt(
  clock: 'virtual' | 'real',
  mutant?: ServeMutant,
  scheme: 'cloud-tasks' | 'cloud-tasks+rest' = 'cloud-tasks',
): Promise<ServedQueue> {
  const listener = await DeliveryListener.listen('127.0.0.1', 0, 10_000);
  const server = await startServer({
    config: defaultConfig({ profile: 'cloud-tasks' }),
    clock,
    appEngineHost: listener.origin,
  });
  mutant?.(server.emulator);
  const handler = new URL(listener.origin).host;
  const address = `${scheme}://127.0.0.1:${server.port}?handler=${handler}${clock === 'virtual' ? `&clock=${new URL(server.controlUrl).host}` : ''}`;
  const queue = new CloudTasksQueue(parseCloudTasksAddress(address), { listener });
  return {
    server,
    queue,
    address,
    close: async () => {
      await queue.close();
      await server.close();
      await listener.close();
    },
  };
}

/** CT-4 broken: RunTask answers as if it ran the task, and leaves it to its schedule. */
export const runTaskIgnored: ServeMutant = (em) => {
  em.runTask = (name) => em.task(name);
};

/** A counterexample the fuzzer found and shrank against a serve mutant, pinned by its replay token. */
export interface CaughtFace {
  rule: RuleId;
  why: string;
  commands: string[];
  token: string;
}

/**
 * runTaskIgnored's two faces, as counterexamples the fuzzer found and shrank (seed 1, at most 30
 * commands, through gRPC), replayed by their tokens. A campaign meets this mutant often (35 runs of
 * 100 at seed 1: RunTask aims at a task still held), but each run shows one face or another, and
 * shrinking keeps to the rule of the first; a token shows a given face every time. The fuzzer's draws
 * are pinned (test/fuzz/draws.test.ts), so a token names the same run until they change; the commands
 * are checked so that such a change says so.
 */
export const RUN_TASK_IGNORED_CAUGHT: readonly CaughtFace[] = [
  {
    rule: 'CT-4',
    why: "a paused queue's RunTask answered as done, where the service must refuse it",
    commands: ['pause q0', 'add to q0: (unnamed)', 'run_task q0/auto-1'],
    token:
      'eyJ2IjoxLCJzZWVkIjoxLCJwYXRoIjoiNzc6MDowOjA6MDowOjA6MDowOjA6MDo2OjY6Njo2OjY6Njo2OjY6Njo2OjYiLCJyZXBsYXlQYXRoIjoiQUFBRUFBRWo6cUMiLCJtYXhDb21tYW5kcyI6MzAsInJlYWxUaW1lIjpmYWxzZX0',
  },
  {
    rule: 'PUSH-5',
    why: 'the attempt RunTask owes now never made: the task waits for its countdown',
    commands: ['add to default: "a" countdown5000ms; "a" payload 100KiB+1', 'run_task default/a'],
    token:
      'eyJ2IjoxLCJzZWVkIjoxLCJwYXRoIjoiNDowOjA6MDowOjA6MDowOjA6MDowOjA6MDoyOjE6MTozOjM6MzozOjM6MzozOjM6MzozOjM6MzozIiwicmVwbGF5UGF0aCI6IkRJZzpGIiwibWF4Q29tbWFuZHMiOjMwLCJyZWFsVGltZSI6ZmFsc2V9',
  },
];

/** PUSH-8 broken: ResumeQueue says RUNNING but the queue's dispatching never restarts. */
export const resumeNotRestarting: ServeMutant = (em) => {
  em.resumeQueue = (name) => {
    const entry = em.queue(name);
    entry.state = 'RUNNING';
    return entry;
  };
};

/**
 * resumeNotRestarting's faces, each the shrunk counterexample of a campaign through gRPC (at most 30
 * commands; seeds 1, 18 and 8), replayed by its token. Cloud Tasks reports no events, so each is the
 * resume not taken as the harness sees it: nothing of the queue reached the handler since the queue
 * answered the resume (PUSH-8). A campaign shrinks to the drain's resume when it can (the drain
 * resumes every queue left paused): one command fewer than a resume of its own.
 */
export const RESUME_NOT_RESTARTING_CAUGHT: readonly CaughtFace[] = [
  {
    rule: 'PUSH-8',
    why: "a task held by a pause, never sent once the drain's resume is answered RUNNING",
    commands: ['pause q0', 'add to q0: (unnamed)'],
    token:
      'eyJ2IjoxLCJzZWVkIjoxLCJwYXRoIjoiODowOjA6MDowOjA6MDowOjA6MDowOjA6NTo0OjQ6NDo0IiwicmVwbGF5UGF0aCI6IkFCQURBQUFCQ0o6cUsiLCJtYXhDb21tYW5kcyI6MzAsInJlYWxUaW1lIjpmYWxzZX0',
  },
  {
    rule: 'PUSH-8',
    why: 'a task held by a pause, never sent after a resume command answered RUNNING',
    commands: ['pause default', 'add to default: (unnamed)', 'resume default'],
    token:
      'eyJ2IjoxLCJzZWVkIjoxOCwicGF0aCI6IjI6MDowOjA6MDowOjA6MDowOjM6Mjo1OjU6NjozOjQ6NDo0OjQ6NDo0OjQ6NCIsInJlcGxheVBhdGgiOiJEQUJBQ0FCQUJHODpWViIsIm1heENvbW1hbmRzIjozMCwicmVhbFRpbWUiOmZhbHNlfQ',
  },
  {
    rule: 'PUSH-8',
    why: 'a retry held by a pause, never sent after the resume',
    commands: ['handler answers timeouts (without timeout) (error)', 'add to default: (unnamed)', 'pause default'],
    token:
      'eyJ2IjoxLCJzZWVkIjo4LCJwYXRoIjoiMjowOjA6MDowOjA6MDowOjA6MDowOjA6MDoyOjE6MTo0OjQ6NDo0OjQ6NDo0OjQiLCJyZXBsYXlQYXRoIjoiQUhBQUFsOnEiLCJtYXhDb21tYW5kcyI6MzAsInJlYWxUaW1lIjpmYWxzZX0',
  },
];

/**
 * Replays one of RUN_TASK_IGNORED_CAUGHT or RESUME_NOT_RESTARTING_CAUGHT against `served` (running
 * its mutant): the failure it must give, its rule, its commands, and the replay line for the address in use.
 */
export async function expectCaughtOnReplay(served: ServedQueue, c: CaughtFace): Promise<void> {
  const report = await runFuzz({ adapter: served.address, queue: served.queue, seed: 0, replay: c.token });
  expect(report.ok, formatText(report)).toBe(false);
  const f = report.failures![0];
  expect(f.commands, "the token names another run: the fuzzer's draws changed (record the tokens anew)").toEqual(
    c.commands,
  );
  expect(f.rule, formatText(report)).toBe(c.rule);
  expect(f.replay).toBe(`tasksim fuzz --adapter '${served.address}' --replay ${c.token}`);
}
