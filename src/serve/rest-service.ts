/**
 * The Cloud Tasks REST API (HTTP/1.1 + JSON): the google.api.http bindings of v2 and v2beta2 over the
 * same methods the gRPC wire serves (api.ts). A request is its path's bound fields, its body (the
 * whole request or one field, as the binding says) and, for the rest, its query string, read by the
 * proto3 JSON mapping (rest-json.ts). Refusals are Google's JSON error body,
 * `{"error": {"code": <HTTP status>, "message": …, "status": "NOT_FOUND"}}`, with the HTTP status
 * google/rpc/code.proto gives the gRPC code (CT-6). Every body is capped and every wait bounded.
 */
import { status } from '@grpc/grpc-js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type * as protobuf from 'protobufjs';
import { cloudTasksMethods, type ApiMethod, type Msg } from './api.js';
import type { CloudTasksEmulator } from './emulator.js';
import { ApiError } from './errors.js';
import { loadCloudTasksRoot, SERVICE_NAMES } from './protos.js';
import { messageFromJson, messageToJson, objectKey } from './rest-json.js';
import { routesOf, type Route } from './rest-routes.js';

/** A request body's cap: a task's 1 MB body, base64 in JSON, with room to spare. */
export const MAX_REST_BODY = 4 * 1024 * 1024;

/** google/rpc/code.proto's HTTP mapping of each gRPC code. */
const HTTP_STATUS_OF: Record<number, number> = {
  [status.OK]: 200,
  [status.CANCELLED]: 499,
  [status.UNKNOWN]: 500,
  [status.INVALID_ARGUMENT]: 400,
  [status.DEADLINE_EXCEEDED]: 504,
  [status.NOT_FOUND]: 404,
  [status.ALREADY_EXISTS]: 409,
  [status.PERMISSION_DENIED]: 403,
  [status.RESOURCE_EXHAUSTED]: 429,
  [status.FAILED_PRECONDITION]: 400,
  [status.ABORTED]: 409,
  [status.OUT_OF_RANGE]: 400,
  [status.UNIMPLEMENTED]: 501,
  [status.INTERNAL]: 500,
  [status.UNAVAILABLE]: 503,
  [status.DATA_LOSS]: 500,
  [status.UNAUTHENTICATED]: 401,
};

const CODE_NAME = Object.fromEntries(
  Object.entries(status)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => [v, k]),
) as Record<number, string>;

/** Google's system parameters (and gax's `$alt`, `$prettyPrint`): not request fields. */
const SYSTEM_PARAMS = new Set(['alt', 'prettyPrint', 'fields', 'key', 'access_token', 'quotaUser', 'callback']);

interface Bound {
  route: Route;
  fields: Record<string, string>;
  impl: ApiMethod | undefined;
}

/** The HTTP/1.1 server of the REST API (not listening: its connections are handed to it). */
export function restServer(em: CloudTasksEmulator): Server {
  const root = loadCloudTasksRoot();
  const services: { routes: Route[]; methods: Record<string, ApiMethod> }[] = [
    { routes: routesOf(root.lookupService(SERVICE_NAMES.v2)), methods: cloudTasksMethods(em, false) },
    { routes: routesOf(root.lookupService(SERVICE_NAMES.v2beta2)), methods: cloudTasksMethods(em, true) },
  ];

  const find = (verb: string, path: string): Bound => {
    const verbs: string[] = [];
    for (const s of services) {
      for (const route of s.routes) {
        const fields = route.match(path);
        if (!fields) continue;
        if (route.verb === verb) return { route, fields, impl: s.methods[route.method] };
        verbs.push(route.verb);
      }
    }
    throw new ApiError(
      status.NOT_FOUND,
      verbs.length > 0
        ? `${verb} ${path}: this path takes ${[...new Set(verbs)].join(', ')}`
        : `${verb} ${path} is not a Cloud Tasks v2 or v2beta2 method`,
    );
  };

  const server = createServer(
    { requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 },
    (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const numericEnums = /enum-encoding=int/.test(url.searchParams.get('$alt') ?? '');
      const pretty = !['0', 'false'].includes(url.searchParams.get('$prettyPrint') ?? '');
      const answer = (code: number, json: unknown): void => {
        const text = JSON.stringify(json, null, pretty ? 2 : undefined);
        res.writeHead(code, {
          'content-type': 'application/json; charset=UTF-8',
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
      };
      const fail = (err: unknown): void => {
        const e =
          err instanceof ApiError ? err : new ApiError(status.INTERNAL, `tasksim serve: ${(err as Error).message}`);
        const http = HTTP_STATUS_OF[e.code] ?? 500;
        answer(http, { error: { code: http, message: e.message, status: CODE_NAME[e.code] ?? 'UNKNOWN' } });
      };
      let bound: Bound;
      try {
        bound = find(req.method ?? 'GET', url.pathname);
      } catch (err) {
        req.resume(); // the body is not wanted, but the connection stays usable
        fail(err);
        return;
      }
      readBody(req, MAX_REST_BODY).then(
        (text) => {
          try {
            const { route, fields, impl } = bound;
            const request = requestOf(route, fields, text, url.searchParams);
            if (!impl) throw new ApiError(status.UNIMPLEMENTED, `${route.method} is not implemented by tasksim serve`);
            answer(200, messageToJson(route.responseType, (impl(request) ?? {}) as Msg, { numericEnums }));
          } catch (err) {
            fail(err);
          }
        },
        (err) => {
          // Too large: answer, then close (the rest of the body is not read).
          res.setHeader('connection', 'close');
          fail(err);
          res.once('finish', () => req.destroy());
        },
      );
    },
  );
  // The server is handed its connections and never listens itself, so Node's request and headers
  // timeouts (checked by a listening server) do not run: an idle socket timeout bounds every wait.
  server.setTimeout(30_000);
  return server;
}

function readBody(req: IncomingMessage, cap: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > cap) {
        req.pause();
        req.removeAllListeners('data');
        reject(new ApiError(status.INVALID_ARGUMENT, `the request body is larger than ${cap} bytes (the cap)`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The request message: the body's part, the query's fields, then the path's. */
function requestOf(route: Route, pathFields: Record<string, string>, text: string, query: URLSearchParams): Msg {
  let body: unknown = {};
  if (route.body !== undefined && text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new ApiError(status.INVALID_ARGUMENT, `Invalid JSON payload received. ${(err as Error).message}`);
    }
  }
  const type = route.requestType;
  let msg: Msg = {};
  if (route.body === '*') msg = messageFromJson(type, body);
  else if (route.body !== undefined) msg = messageFromJson(type, { [route.body]: body });
  if (route.body !== '*') {
    const fromQuery = queryObject(query, new Set([...Object.keys(pathFields), ...(route.body ? [route.body] : [])]));
    msg = merge(msg, messageFromJson(type, fromQuery, '', true));
  }
  for (const [path, value] of Object.entries(pathFields)) setPath(msg, type, path, value);
  return msg;
}

/** The query string as a JSON object: `a.b=1` nests, a repeated key is a list. */
function queryObject(query: URLSearchParams, skip: Set<string>): Msg {
  const out: Msg = {};
  for (const [key, value] of query) {
    if (key.startsWith('$') || SYSTEM_PARAMS.has(key) || skip.has(key)) continue;
    const parts = key.split('.');
    let at = out;
    for (const p of parts.slice(0, -1)) at = (at[p] ??= {}) as Msg;
    const last = parts[parts.length - 1];
    const prev = at[last];
    at[last] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

function merge(a: Msg, b: Msg): Msg {
  const out: Msg = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      prev && typeof prev === 'object' && !Buffer.isBuffer(prev) && v && typeof v === 'object' && !Array.isArray(v)
        ? merge(prev as Msg, v as Msg)
        : v;
  }
  return out;
}

/** A path variable's field (a proto path such as `queue.name`) set in the object form. */
function setPath(msg: Msg, type: protobuf.Type, path: string, value: string): void {
  const parts = path.split('.');
  let at = msg;
  let t: protobuf.Type = type;
  for (const [i, p] of parts.entries()) {
    const f = t.fields[p];
    if (!f) throw new ApiError(status.INTERNAL, `the binding names ${path}, which ${type.name} lacks`);
    const key = objectKey(p);
    if (i === parts.length - 1) {
      at[key] = value;
      return;
    }
    at = (at[key] ??= {}) as Msg;
    t = f.resolvedType as protobuf.Type;
  }
}
