/**
 * How the adapter's official client reaches a Cloud Tasks API: gRPC on an insecure channel
 * (`cloud-tasks://`), or REST, the client's own `fallback: 'rest'` transport, over plain HTTP
 * (`cloud-tasks+rest://`). Neither looks for credentials or a metadata server: traffic goes only to
 * the address named. Each transport's failures are read into one shape, a gRPC status code.
 */
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import type { v2 } from '@google-cloud/tasks';
import type { CloudTasksAddress } from './cloud-tasks-address.js';
import { CallDeadlineExceeded, callSignal, eitherSignal, withinDeadline } from './cloud-tasks-deadline.js';
import { GRPC, grpcFailure, type GrpcFailure } from './cloud-tasks-messages.js';

export type CloudTasksClient = InstanceType<typeof v2.CloudTasksClient>;

const require = createRequire(import.meta.url);

/**
 * An auth client that adds nothing (google-auth-library's PassThroughClient, "for local emulators"),
 * from the google-gax the client itself loads. It also carries the REST transport's HTTP options:
 * every status handed back as a response, so gax reads Google's JSON error body into a gRPC code
 * instead of gaxios throwing an HTTP status. Each request follows its call's deadline
 * (cloud-tasks-deadline.ts) rather than gaxios's own `timeout`, which a garbage collection can lose
 * on Node 20; one made outside a call gets a deadline of its own.
 */
function noCredentials(timeoutMs: number): unknown {
  const gax = createRequire(require.resolve('@google-cloud/tasks'))('google-gax') as {
    googleAuthLibrary: { PassThroughClient: new (opts: unknown) => HttpRequester };
  };
  const auth = new gax.googleAuthLibrary.PassThroughClient({ transporterOptions: { validateStatus: () => true } });
  const send = auth.request.bind(auth);
  auth.request = (opts) => {
    const call = callSignal();
    if (call === undefined) return withinDeadline(timeoutMs, () => auth.request(opts));
    return send({ ...opts, signal: eitherSignal(opts.signal, call) });
  };
  return auth;
}

/** The part of google-auth-library's AuthClient the REST transport sends its requests through. */
interface HttpRequester {
  request(opts: { signal?: AbortSignal }): Promise<unknown>;
}

/** The official client loads when a run first needs it: `tasksim fuzz` on any other adapter starts 0.4 s sooner. */
function cloudTasksV2(): typeof v2 {
  return (require('@google-cloud/tasks') as typeof import('@google-cloud/tasks')).v2;
}

export function cloudTasksClient(a: CloudTasksAddress, timeoutMs: number): CloudTasksClient {
  const api = cloudTasksV2();
  // Neither client may look for a metadata server: no traffic to hosts nobody named.
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  if (a.transport === 'grpc') {
    return new api.CloudTasksClient({
      apiEndpoint: a.host,
      port: a.port,
      sslCreds: grpc.credentials.createInsecure(),
      projectId: a.project,
    });
  }
  return new api.CloudTasksClient({
    fallback: 'rest',
    protocol: 'http',
    apiEndpoint: a.host.includes(':') ? `[${a.host}]` : a.host,
    port: a.port,
    projectId: a.project,
    auth: noCredentials(timeoutMs),
  } as ConstructorParameters<typeof v2.CloudTasksClient>[0]);
}

/** Socket errors that mean the service is not there (or went away). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

/**
 * A failed call as a gRPC status, or undefined when it is none (an answer outside the API). gRPC
 * errors carry their code; REST ones carry it once gax has read the error body, and otherwise are the
 * transport's: a socket error (UNAVAILABLE) or the request's deadline (DEADLINE_EXCEEDED).
 */
export function callFailure(err: unknown): GrpcFailure | undefined {
  if (err instanceof CallDeadlineExceeded) return { code: GRPC.DEADLINE_EXCEEDED, details: err.message };
  const f = grpcFailure(err);
  if (f !== undefined && f.code < 100) return f;
  const e = err as { code?: unknown; message?: unknown; name?: unknown; cause?: { code?: unknown; name?: unknown } };
  const message = String(e?.message ?? err);
  const code = typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
  if (code !== undefined && NETWORK_CODES.has(code)) return { code: GRPC.UNAVAILABLE, details: message };
  const name = `${String(e?.name ?? '')} ${String(e?.cause?.name ?? '')}`;
  if (/Abort|Timeout/.test(name) || /operation was aborted|timed? ?out/i.test(message))
    return { code: GRPC.DEADLINE_EXCEEDED, details: `no answer in time (${message})` };
  return undefined;
}
