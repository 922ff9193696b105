/**
 * `tasksim serve`: the Cloud Tasks API (v2, and v2beta2 for pull queues) on the engine, over gRPC,
 * with its clock control on a second port. An edge that drives the pure engine (DESIGN).
 */
import * as grpc from '@grpc/grpc-js';
import type { ResolvedConfig } from '../model/config.js';
import { serveClockControl } from './clock-control.js';
import { Deliveries } from './delivery.js';
import { CloudTasksEmulator } from './emulator.js';
import { cloudTasksHandlers } from './grpc-service.js';
import { loadCloudTasksServices } from './protos.js';

export interface ServeOptions {
  config: ResolvedConfig;
  host?: string;
  /** gRPC port; 0 lets the OS choose. */
  port?: number;
  /** Clock control port; 0 lets the OS choose. */
  controlPort?: number;
  clock?: 'real' | 'virtual';
  appEngineHost?: string;
  traceFile?: string;
  seed?: number;
  epochUs?: number;
}

export interface RunningServer {
  /** host:port of the gRPC API. */
  address: string;
  host: string;
  port: number;
  /** Base URL of the clock control API. */
  controlUrl: string;
  emulator: CloudTasksEmulator;
  close(): Promise<void>;
}

export const DEFAULT_APPENGINE_HOST = 'http://127.0.0.1:8080';

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const deliveries = new Deliveries();
  const emulator = await CloudTasksEmulator.start({
    config: opts.config,
    clock: opts.clock ?? 'real',
    appEngineHost: opts.appEngineHost ?? DEFAULT_APPENGINE_HOST,
    send: deliveries.send,
    traceFile: opts.traceFile,
    seed: opts.seed,
    epochUs: opts.epochUs,
  });
  const services = loadCloudTasksServices();
  const server = new grpc.Server();
  server.addService(services.v2, cloudTasksHandlers(emulator, false));
  server.addService(services.v2beta2, cloudTasksHandlers(emulator, true));
  let port: number;
  let control;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const where = host.includes(':') ? `[${host}]:${opts.port ?? 0}` : `${host}:${opts.port ?? 0}`;
      server.bindAsync(where, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
    });
    control = await serveClockControl(emulator, host, opts.controlPort ?? 0);
  } catch (err) {
    server.forceShutdown();
    await emulator.close();
    await deliveries.close();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    address: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
    host,
    port,
    controlUrl: control.url,
    emulator,
    close: () =>
      (closing ??= (async () => {
        // Calls in progress get a moment to finish; then the server stops regardless (bounded).
        await new Promise<void>((r) => {
          const timer = setTimeout(() => {
            server.forceShutdown();
            r();
          }, 2_000);
          server.tryShutdown(() => {
            clearTimeout(timer);
            r();
          });
        });
        await control.close();
        await emulator.close();
        await deliveries.close();
      })()),
  };
}
