/**
 * One delivery, reproducible outside the run: a `--replay` token (the request's method, headers and
 * body, checked before use) and a ready `curl` command.
 */
import type { PushRequest } from '../../sim/exchange.js';
import type { DirectRequest } from '../case.js';
import { shellQuote } from '../../report/shell.js';

const PREFIX = 'd1.';
/** A push task is at most 100 KiB (TASK-3); a token carries a little more for headers. */
const MAX_TOKEN_CHARS = 200_000;
const MAX_BODY_BYTES = 100 * 1024;
const METHODS = new Set(['POST', 'GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

export class ReplayTokenError extends Error {
  override name = 'ReplayTokenError';
}

export function encodeReplay(req: DirectRequest): string {
  const json = {
    m: req.method ?? 'POST',
    h: req.headers,
    ...(req.body && req.body.byteLength > 0 ? { b: Buffer.from(req.body).toString('base64') } : {}),
  };
  return PREFIX + Buffer.from(JSON.stringify(json)).toString('base64url');
}

/** The request in a token; anything malformed, oversized or not a header is refused with the reason. */
export function decodeReplay(token: string): DirectRequest {
  if (!token.startsWith(PREFIX))
    throw new ReplayTokenError(`a --replay token starts with ${JSON.stringify(PREFIX)} (as conform prints it)`);
  if (token.length > MAX_TOKEN_CHARS)
    throw new ReplayTokenError(`the --replay token is longer than ${MAX_TOKEN_CHARS} characters`);
  const text = token.slice(PREFIX.length);
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new ReplayTokenError('the --replay token is not base64url');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new ReplayTokenError('the --replay token does not decode to a delivery (was it cut short?)');
  }
  const v = value as { m?: unknown; h?: unknown; b?: unknown };
  if (typeof v !== 'object' || v === null || typeof v.m !== 'string' || !METHODS.has(v.m))
    throw new ReplayTokenError('the --replay token names no valid method');
  if (typeof v.h !== 'object' || v.h === null || Array.isArray(v.h))
    throw new ReplayTokenError('the --replay token has no headers');
  const headers: Record<string, string> = {};
  for (const [k, val] of Object.entries(v.h as Record<string, unknown>)) {
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(k) || typeof val !== 'string' || /[\r\n\0]/.test(val)) {
      throw new ReplayTokenError(`the --replay token carries a malformed header ${JSON.stringify(k)}`);
    }
    headers[k] = val;
  }
  let body: Uint8Array | undefined;
  if (v.b !== undefined) {
    if (typeof v.b !== 'string') throw new ReplayTokenError('the --replay token has a malformed body');
    body = new Uint8Array(Buffer.from(v.b, 'base64'));
    if (body.byteLength > MAX_BODY_BYTES)
      throw new ReplayTokenError(`the --replay token's body is over ${MAX_BODY_BYTES} bytes (TASK-3)`);
  }
  return { method: v.m, headers, body };
}

const SKIP = new Set(['host', 'connection', 'content-length']);
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** `curl -i -X POST 'http://…' -H '…' --data-binary '…'`, exactly the request sent (binary bodies through base64 -d). */
export function curlCommand(origin: string, sent: PushRequest): string {
  const parts = ['curl', '-i', '-X', sent.method, shellQuote(origin + sent.url)];
  for (const [k, v] of Object.entries(sent.headers))
    if (!SKIP.has(k.toLowerCase())) parts.push('-H', shellQuote(`${k}: ${v}`));
  const body = sent.body;
  if (!body || body.byteLength === 0) return parts.join(' ');
  let text: string | undefined;
  try {
    text = UTF8.decode(body);
  } catch {
    text = undefined;
  }
  // Text without NULs or a leading '@' travels as an argument; anything else through base64.
  if (text !== undefined && !text.includes('\0') && !text.startsWith('@') && body.byteLength <= 4096)
    return [...parts, '--data-binary', shellQuote(text)].join(' ');
  return `printf %s ${shellQuote(Buffer.from(body).toString('base64'))} | base64 -d | ${[...parts, '--data-binary', '@-'].join(' ')}`;
}
