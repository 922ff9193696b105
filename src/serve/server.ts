/**
 * `tasksim serve`: the Cloud Tasks API (v2, and v2beta2 for pull queues) on the engine, over gRPC and
 * over REST (HTTP/1.1 + JSON) on the same port, with its clock control on a second port. An edge that
 * drives the pure engine (DESIGN).
 */
import * as grpc from '@grpc/grpc-js';
import type { ResolvedConfig } from '../model/config.js';
import { DEFAULT_APPENGINE_HOST } from './appengine-host.js';
import { serveClockControl } from './clock-control.js';
import { Deliveries } from './delivery.js';
import { CloudTasksEmulator } from './emulator.js';
import { cloudTasksHandlers } from './grpc-service.js';
import { loadCloudTasksServices } from './protos.js';
import { restServer } from './rest-service.js';
import { listenShared, type SharedPort } from './shared-port.js';

export interface ServeOptions {
  config: ResolvedConfig;
  host?: string;
  /** The API's port (gRPC and REST); 0 lets the OS choose. */
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
  /** host:port of the API (gRPC and REST). */
  address: string;
  /** Base URL of the REST API (`${restUrl}/v2/projects/…`). */
  restUrl: string;
  host: string;
  port: number;
  /** Base URL of the clock control API. */
  controlUrl: string;
  emulator: CloudTasksEmulator;
  close(): Promise<void>;
}

export { DEFAULT_APPENGINE_HOST };

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
  const rest = restServer(emulator);
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  let shared: SharedPort | undefined;
  let control;
  try {
    shared = await listenShared(host, opts.port ?? 0, { http2: (s) => injector.injectConnection(s), http1: rest });
    control = await serveClockControl(emulator, host, opts.controlPort ?? 0);
  } catch (err) {
    server.forceShutdown();
    await shared?.close();
    await emulator.close();
    await deliveries.close();
    throw err;
  }
  const port = shared.port;
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const listening = shared;
  let closing: Promise<void> | undefined;
  return {
    address,
    restUrl: `http://${address}`,
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
        rest.closeAllConnections();
        await listening.close();
        await control.close();
        await emulator.close();
        await deliveries.close();
      })()),
  };
}
