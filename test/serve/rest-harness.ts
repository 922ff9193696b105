/**
 * The serve tests' harness with the official clients in REST mode (`fallback: 'rest'`, plain HTTP,
 * google-auth-library's PassThroughClient: no credentials, no metadata server) on the same
 * tasksim serve port the gRPC clients use. Every TCP connection the process opens is recorded
 * (node:diagnostics_channel), so a test can say where its traffic went.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { v2, v2beta2 } from '@google-cloud/tasks';
import { PROJECT, startServe, type Serve } from './harness.js';

const require = createRequire(import.meta.url);
const gax = createRequire(require.resolve('@google-cloud/tasks'))('google-gax') as {
  googleAuthLibrary: { PassThroughClient: new (opts?: unknown) => unknown };
};

export interface RestServe extends Serve {
  rest: InstanceType<typeof v2.CloudTasksClient>;
  restBeta: InstanceType<typeof v2beta2.CloudTasksClient>;
}

export function restClientOptions(port: number): ConstructorParameters<typeof v2.CloudTasksClient>[0] {
  return {
    fallback: 'rest',
    protocol: 'http',
    apiEndpoint: '127.0.0.1',
    port,
    projectId: PROJECT,
    // Every status is a response (gax then reads Google's JSON error into a gRPC code); every request has a deadline.
    auth: new gax.googleAuthLibrary.PassThroughClient({
      transporterOptions: { timeout: 20_000, validateStatus: () => true },
    }),
  } as ConstructorParameters<typeof v2.CloudTasksClient>[0];
}

export async function startRestServe(opts: { clock: 'real' | 'virtual'; appEngineHost?: string }): Promise<RestServe> {
  const serve = await startServe(opts);
  const rest = new v2.CloudTasksClient(restClientOptions(serve.server.port));
  const restBeta = new v2beta2.CloudTasksClient(restClientOptions(serve.server.port));
  return {
    ...serve,
    rest,
    restBeta,
    close: async () => {
      await rest.close();
      await restBeta.close();
      await serve.close();
    },
  };
}

/**
 * Records where every TCP connection the process opens until `stop()` is headed, as `host:port` as
 * asked for (before any name lookup, so an attempt that fails is recorded too).
 */
export function recordConnections(): { seen: string[]; stop(): void } {
  const seen: string[] = [];
  const onSocket = (message: unknown): void => {
    const socket = (message as { socket: Socket }).socket;
    const connect = socket.connect;
    // Published before the socket connects: its first connect call names the destination.
    socket.connect = function (this: Socket, ...args: unknown[]) {
      const first = (Array.isArray(args[0]) ? args[0][0] : args[0]) as { host?: string; port?: number; path?: string };
      seen.push(first?.path ?? `${first?.host ?? 'localhost'}:${first?.port}`);
      socket.connect = connect;
      return (connect as (...a: unknown[]) => Socket).apply(this, args);
    } as typeof socket.connect;
  };
  subscribe('net.client.socket', onSocket);
  return { seen, stop: () => unsubscribe('net.client.socket', onSocket) };
}
