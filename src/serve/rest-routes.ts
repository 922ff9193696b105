/**
 * The REST API's routes, read from the google.api.http bindings of the protos the client ships
 * (e.g. `post: "/v2/{name=projects/*\/locations/*\/queues/*}:pause", body: "*"`), so the paths served
 * are exactly the ones the client builds. A template's variables bind request fields (dotted paths
 * such as `queue.name`); `*` is one path segment, `**` any number of them.
 */
import type * as protobuf from 'protobufjs';

export interface Route {
  /** The service's method name, e.g. `PauseQueue`. */
  method: string;
  verb: string;
  /** The field the body carries: `*` (the whole request), one field's proto name, or none. */
  body?: string;
  requestType: protobuf.Type;
  responseType: protobuf.Type;
  /** Tries the path (still percent-encoded); the bound fields by proto path, decoded. */
  match(path: string): Record<string, string> | undefined;
  template: string;
}

const VERBS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface HttpRule {
  get?: string;
  post?: string;
  put?: string;
  patch?: string;
  delete?: string;
  body?: string;
  additional_bindings?: HttpRule | HttpRule[];
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A segment pattern (`projects/*\/locations/*`) as a regular expression. */
function segmentsRe(pattern: string): string {
  return pattern
    .split('/')
    .map((seg) => (seg === '**' ? '.+' : seg === '*' ? '[^/]+' : escapeRe(seg)))
    .join('/');
}

/** A path template as an anchored regular expression and the field each group binds. */
export function compileTemplate(template: string): { re: RegExp; fields: string[] } {
  const fields: string[] = [];
  let re = '';
  let rest = template;
  for (;;) {
    const m = /^([^{]*)\{([^}=]+)(?:=([^}]*))?\}/.exec(rest);
    if (!m) break;
    re += segmentsRe(m[1]);
    re += `(${segmentsRe(m[3] ?? '*')})`;
    fields.push(m[2]);
    rest = rest.slice(m[0].length);
  }
  re += segmentsRe(rest);
  return { re: new RegExp(`^${re}$`), fields };
}

function rulesOf(method: protobuf.Method): HttpRule[] {
  const out: HttpRule[] = [];
  for (const o of method.parsedOptions ?? []) {
    const rule = (o as Record<string, unknown>)['(google.api.http)'] as HttpRule | undefined;
    if (!rule) continue;
    out.push(rule);
    const more = rule.additional_bindings;
    if (more) out.push(...(Array.isArray(more) ? more : [more]));
  }
  return out;
}

export function routesOf(service: protobuf.Service): Route[] {
  const routes: Route[] = [];
  for (const method of service.methodsArray) {
    method.resolve();
    for (const rule of rulesOf(method)) {
      for (const verb of VERBS) {
        const template = rule[verb];
        if (typeof template !== 'string') continue;
        const { re, fields } = compileTemplate(template);
        routes.push({
          method: method.name,
          verb: verb.toUpperCase(),
          body: rule.body || undefined,
          requestType: method.resolvedRequestType!,
          responseType: method.resolvedResponseType!,
          template,
          match: (path) => {
            const m = re.exec(path);
            if (!m) return undefined;
            const bound: Record<string, string> = {};
            try {
              fields.forEach((f, i) => (bound[f] = decodeURIComponent(m[i + 1])));
            } catch {
              return undefined; // a malformed escape: no route binds it
            }
            return bound;
          },
        });
      }
    }
  }
  return routes;
}
