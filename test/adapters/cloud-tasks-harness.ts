/**
 * What the Cloud Tasks adapter tests share: tasksim serve in-process on 127.0.0.1 (port 0), the
 * harness's handler bound first (port 0) so serve can be told where App Engine tasks go, and the
 * adapter on the official client over gRPC (or REST: serve speaks both on one port). Serve's mutants are hooks on the running emulator
 * instance (its methods as the gRPC service calls them), never changes to serve itself.
 */
import { CloudTasksQueue } from '../../src/adapters/cloud-tasks.js';
import { parseCloudTasksAddress } from '../../src/adapters/cloud-tasks-address.js';
import { DeliveryListener } from '../../src/adapters/cloud-tasks-listener.js';
import { defaultConfig } from '../../src/model/queue-yaml.js';
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

/** PUSH-8 broken: ResumeQueue says RUNNING but the queue's dispatching never restarts. */
export const resumeNotRestarting: ServeMutant = (em) => {
  em.resumeQueue = (name) => {
    const entry = em.queue(name);
    entry.state = 'RUNNING';
    return entry;
  };
};
