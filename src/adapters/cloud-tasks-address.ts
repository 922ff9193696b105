/**
 * The address `tasksim fuzz --adapter` takes for a Cloud Tasks service:
 *
 *   cloud-tasks://HOST:PORT[?clock=HOST:PORT][&handler=HOST:PORT][&project=P][&location=L]
 *   cloud-tasks+rest://HOST:PORT[…the same]
 *
 * HOST:PORT is the API: over gRPC (`cloud-tasks://`), or over REST, HTTP/1.1 + JSON, the official
 * client's `fallback: 'rest'` transport (`cloud-tasks+rest://`; tasksim serve speaks both on one port). `clock` is its clock control (tasksim serve --control-port): given, the
 * harness moves the service's clock and compares in virtual time; left out, it follows the wall
 * clock. `handler` is where the service delivers App Engine tasks (tasksim serve --appengine-host):
 * the harness's handler listens there; default 127.0.0.1:8080, serve's default.
 */
export const CLOUD_TASKS_SCHEME = 'cloud-tasks://';
export const CLOUD_TASKS_REST_SCHEME = 'cloud-tasks+rest://';

export type CloudTasksTransport = 'grpc' | 'rest';

export interface CloudTasksAddress {
  /** How the client speaks to the API. */
  transport: CloudTasksTransport;
  /** The API. */
  host: string;
  port: number;
  /** The clock control API's base URL (virtual time), if given. */
  clockUrl?: string;
  /** Where the harness's handler listens: the service's App Engine host. */
  handlerHost: string;
  handlerPort: number;
  project: string;
  location: string;
}

export const DEFAULT_HANDLER = { host: '127.0.0.1', port: 8080 } as const;

export class BadCloudTasksAddress extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadCloudTasksAddress';
  }
}

const USAGE =
  'expected cloud-tasks://HOST:PORT[?clock=HOST:PORT][&handler=HOST:PORT][&project=P][&location=L] (or cloud-tasks+rest://…)';
const PARAMS = new Set(['clock', 'handler', 'project', 'location']);
/** CT-6's project and location ids. */
const PROJECT_RE = /^[a-z0-9.:-]{1,100}$/i;
const LOCATION_RE = /^[a-z0-9-]{1,63}$/i;

export function isCloudTasksAddress(spec: string): boolean {
  return /^cloud-tasks(\+rest)?:\/\//i.test(spec);
}

export function parseCloudTasksAddress(spec: string): CloudTasksAddress {
  const transport: CloudTasksTransport = spec.toLowerCase().startsWith(CLOUD_TASKS_REST_SCHEME) ? 'rest' : 'grpc';
  const scheme = transport === 'rest' ? CLOUD_TASKS_REST_SCHEME : CLOUD_TASKS_SCHEME;
  let url: URL;
  try {
    url = new URL(`http://${spec.slice(scheme.length)}`);
  } catch {
    throw new BadCloudTasksAddress(`${JSON.stringify(spec)} is not an address: ${USAGE}`);
  }
  if (url.pathname !== '/' && url.pathname !== '')
    throw new BadCloudTasksAddress(`${JSON.stringify(spec)} has a path: ${USAGE}`);
  if (url.port === '') throw new BadCloudTasksAddress(`${JSON.stringify(spec)} names no port: ${USAGE}`);
  for (const k of url.searchParams.keys()) {
    if (!PARAMS.has(k))
      throw new BadCloudTasksAddress(`${JSON.stringify(spec)}: unknown parameter ${JSON.stringify(k)}: ${USAGE}`);
  }
  const clock = url.searchParams.get('clock');
  const handler = hostPort(
    url.searchParams.get('handler') ?? `${DEFAULT_HANDLER.host}:${DEFAULT_HANDLER.port}`,
    'handler',
    spec,
  );
  const project = url.searchParams.get('project') ?? 'tasksim-fuzz';
  const location = url.searchParams.get('location') ?? 'us-central1';
  if (!PROJECT_RE.test(project))
    throw new BadCloudTasksAddress(`project=${JSON.stringify(project)} is not a project id (CT-6)`);
  if (!LOCATION_RE.test(location))
    throw new BadCloudTasksAddress(`location=${JSON.stringify(location)} is not a location id (CT-6)`);
  const out: CloudTasksAddress = {
    transport,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(url.port),
    handlerHost: handler.host,
    handlerPort: handler.port,
    project,
    location,
  };
  if (clock !== null) {
    const c = hostPort(clock, 'clock', spec);
    out.clockUrl = `http://${c.host.includes(':') ? `[${c.host}]` : c.host}:${c.port}`;
  }
  return out;
}

function hostPort(text: string, what: string, spec: string): { host: string; port: number } {
  let url: URL;
  try {
    url = new URL(`http://${text.replace(/^https?:\/\//i, '')}`);
  } catch {
    throw new BadCloudTasksAddress(`${JSON.stringify(spec)}: ${what}=${JSON.stringify(text)} is not HOST:PORT`);
  }
  if (url.port === '' || (url.pathname !== '/' && url.pathname !== '')) {
    throw new BadCloudTasksAddress(`${JSON.stringify(spec)}: ${what}=${JSON.stringify(text)} is not HOST:PORT`);
  }
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port) };
}

/** The address's own spelling of the API: `cloud-tasks://HOST:PORT` or `cloud-tasks+rest://HOST:PORT`. */
export function apiName(a: CloudTasksAddress): string {
  const scheme = a.transport === 'rest' ? CLOUD_TASKS_REST_SCHEME : CLOUD_TASKS_SCHEME;
  return `${scheme}${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
}
