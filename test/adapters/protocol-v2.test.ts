/**
 * Protocol tasksim-queue/2 over real HTTP on 127.0.0.1: a queue declares what it lacks and the
 * generators never use it; each run gets its own namespace; a queue whose headers carry its own
 * queue names maps them back at /reset.
 */
import { describe, expect, it } from 'vitest';
import type { Capabilities, PushAnswer, PushRequest, RunSetup } from '../../src/adapters/contract.js';
import { HttpJsonQueue } from '../../src/adapters/http-json.js';
import { serveQueueOverHttp } from '../../src/adapters/http-json-server.js';
import { readHello } from '../../src/adapters/http-json-wire.js';
import { ReferenceQueue } from '../../src/adapters/reference.js';
import { runFuzz } from '../../src/fuzz/campaign.js';

/** The reference, saying it lacks pull queues, 503 throttling and task_age_limit; it notes what it is given. */
class Lacking extends ReferenceQueue {
  readonly namespaces: string[] = [];
  pullQueues = 0;
  ageLimits = 0;
  readonly statuses = new Set<number>();
  override async describe(): Promise<Capabilities> {
    return { ...(await super.describe()), lacks: ['pull', '503', 'taskAgeLimit', 'runTask'] };
  }
  override async reset(setup: RunSetup): Promise<void> {
    this.namespaces.push(setup.namespace ?? '');
    this.pullQueues += setup.config.queues.filter((q) => q.mode === 'pull').length;
    this.ageLimits += setup.config.queues.filter((q) => q.retry.taskAgeLimitUs !== undefined).length;
    const handler = async (req: PushRequest): Promise<PushAnswer> => {
      const a = await setup.handler(req);
      this.statuses.add(a.status);
      return a;
    };
    await super.reset({ ...setup, handler });
  }
}

describe('protocol tasksim-queue/2', () => {
  it('GET / says what the queue lacks; /1 is still read', () => {
    expect(readHello({ protocol: 'tasksim-queue/2', lacks: ['virtualClock', 'pull', '503'] })).toEqual({
      version: 'tasksim-queue/2',
      caps: { controlsClock: false, outages: true, events: true, lacks: ['pull', '503'] },
    });
    expect(
      readHello({ protocol: 'tasksim-queue/1', capabilities: { controlsClock: true, outages: false, events: true } }),
    ).toEqual({
      version: 'tasksim-queue/1',
      caps: { controlsClock: true, outages: false, events: true },
    });
    expect(() => readHello({ protocol: 'tasksim-queue/2', lacks: ['teleport'] })).toThrow(
      /"lacks": "teleport" is not a feature the harness knows/,
    );
  });

  it('a queue lacking pull queues, 503s and task_age_limit is never given them; each run has its own namespace', async () => {
    const lacking = new Lacking();
    const served = await serveQueueOverHttp(lacking);
    const queue = new HttpJsonQueue(served.url);
    try {
      const report = await runFuzz({ adapter: served.url, queue, runs: 60, seed: 11 });
      expect(report.failure?.violations).toBeUndefined();
      expect(report.ok).toBe(true);
      expect(lacking.pullQueues).toBe(0);
      expect(lacking.ageLimits).toBe(0);
      expect(lacking.statuses.has(503)).toBe(false);
      expect(lacking.statuses.has(500)).toBe(true); // failures are still played, only not as 503
      expect(lacking.namespaces).toHaveLength(60);
      expect(new Set(lacking.namespaces).size).toBe(60);
      for (const ns of lacking.namespaces) expect(ns).toMatch(/^[a-z0-9-]+$/);
    } finally {
      await queue.close();
      await served.close();
    }
  }, 180_000);
});
