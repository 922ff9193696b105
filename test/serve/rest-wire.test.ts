/**
 * The REST wire as bytes: raw HTTP/1.1 requests (undici) to tasksim serve, and JSON bodies compared
 * with values written by hand from the proto3 JSON mapping (Duration "1.500s", Timestamp RFC 3339 in
 * UTC with 0, 3, 6 or 9 fractional digits, bytes base64, enums by name or, asked, by number, default
 * values left out) and Google's JSON error body (HTTP status from google/rpc/code.proto, CT-6).
 * The virtual clock starts at a fixed instant, so every time is known in advance.
 */
import { connect } from 'node:net';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/model/queue-yaml.js';
import { startServer, type RunningServer } from '../../src/serve/index.js';

const EPOCH_US = Date.UTC(2030, 0, 2, 3, 4, 5) * 1000; // 2030-01-02T03:04:05Z
const P = 'projects/wire-p/locations/us-east1';
let server: RunningServer;

beforeEach(async () => {
  server = await startServer({
    config: defaultConfig({ profile: 'cloud-tasks' }),
    clock: 'virtual',
    epochUs: EPOCH_US,
  });
});
afterEach(async () => {
  await server.close();
});

/** One request, bounded; the status and the body parsed as JSON. */
async function call(method: string, path: string, body?: string): Promise<{ status: number; json: any }> {
  const r = await request(`${server.restUrl}${path}`, {
    method: method as 'GET',
    body,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    headersTimeout: 20_000,
    bodyTimeout: 20_000,
  });
  const text = await r.body.text();
  expect(r.headers['content-type']).toBe('application/json; charset=UTF-8');
  return { status: r.statusCode, json: JSON.parse(text) };
}

const queueBody = JSON.stringify({
  name: `${P}/queues/shapes`,
  rateLimits: { maxDispatchesPerSecond: 2.5, maxConcurrentDispatches: 3 },
  retryConfig: { maxAttempts: 6, minBackoff: '1.5s', maxBackoff: '90s', maxRetryDuration: '3600.000250s' },
});

describe('proto3 JSON on the REST wire', () => {
  it('Durations as seconds with 0, 3, 6 or 9 fractional digits; enums by name; numbers as numbers', async () => {
    const { status, json } = await call('POST', `/v2/${P}/queues`, queueBody);
    expect(status).toBe(200);
    expect(json.name).toBe(`${P}/queues/shapes`);
    expect(json.state).toBe('RUNNING');
    expect(json.rateLimits.maxDispatchesPerSecond).toBe(2.5);
    expect(json.rateLimits.maxConcurrentDispatches).toBe(3);
    expect(json.retryConfig).toEqual({
      maxAttempts: 6,
      minBackoff: '1.500s', // 1.5 s: three digits
      maxBackoff: '90s', // whole seconds: none
      maxRetryDuration: '3600.000250s', // 250 µs: six
      maxDoublings: 16, // Cloud Tasks' default (CT-1)
    });
    // The same queue read back with enums as numbers (the client's `$alt=json;enum-encoding=int`): RUNNING is 1.
    const asInt = await call('GET', `/v2/${P}/queues/shapes?$alt=json%3Benum-encoding=int`);
    expect(asInt.json.state).toBe(1);
    // Paused: PAUSED is 2, by name by default.
    expect((await call('POST', `/v2/${P}/queues/shapes:pause`, '')).json.state).toBe('PAUSED');
  });

  it('Timestamps in RFC 3339 UTC (offsets read, whole µs kept), bytes as base64, default values left out', async () => {
    await call('POST', `/v2/${P}/queues`, queueBody);
    await call('POST', `/v2/${P}/queues/shapes:pause`, '{}'); // no dispatch: the task stays as created
    const created = await call(
      'POST',
      `/v2/${P}/queues/shapes/tasks`,
      JSON.stringify({
        task: {
          name: `${P}/queues/shapes/tasks/t-1`,
          // An hour on, at .123456789 s: the engine keeps whole µs (HDR-5), so .123456.
          scheduleTime: '2030-01-02T04:04:05.123456789Z',
          appEngineHttpRequest: { relativeUri: '/w', body: 'aGVsbG8=', httpMethod: 'PUT' },
        },
        responseView: 'FULL',
      }),
    );
    expect(created.status).toBe(200);
    expect(created.json).toEqual({
      name: `${P}/queues/shapes/tasks/t-1`,
      appEngineHttpRequest: { httpMethod: 'PUT', relativeUri: '/w', body: 'aGVsbG8=' }, // "hello"
      scheduleTime: '2030-01-02T04:04:05.123456Z',
      createTime: '2030-01-02T03:04:05Z', // the clock's start: no fraction
      dispatchDeadline: '600s',
      view: 'FULL',
      // dispatchCount and responseCount are 0: left out.
    });
    // An offset is read as the instant it names: 05:04:05.5+01:00 is 04:04:05.500Z.
    const offset = await call(
      'POST',
      `/v2/${P}/queues/shapes/tasks`,
      JSON.stringify({ task: { scheduleTime: '2030-01-02T05:04:05.5+01:00', appEngineHttpRequest: {} } }),
    );
    expect(offset.json.scheduleTime).toBe('2030-01-02T04:04:05.500Z');
    // BASIC (the default view) leaves the body out (CT-3).
    const basic = await call('GET', `/v2/${P}/queues/shapes/tasks/t-1`);
    expect(basic.json.appEngineHttpRequest).toEqual({ httpMethod: 'PUT', relativeUri: '/w' });
    expect(basic.json.view).toBe('BASIC');
  });
});

describe("Google's JSON errors on the REST wire (CT-6)", () => {
  it('NOT_FOUND is 404, ALREADY_EXISTS 409, INVALID_ARGUMENT and FAILED_PRECONDITION 400, each {error: {code, message, status}}', async () => {
    const missing = await call('GET', `/v2/${P}/queues/nope`);
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({
      error: { code: 404, message: expect.stringContaining('(CT-6)'), status: 'NOT_FOUND' },
    });
    await call('POST', `/v2/${P}/queues`, queueBody);
    const twice = await call('POST', `/v2/${P}/queues`, queueBody);
    expect(twice.status).toBe(409);
    expect(twice.json.error).toMatchObject({ code: 409, status: 'ALREADY_EXISTS' });
    const badName = await call('POST', `/v2/${P}/queues`, JSON.stringify({ name: `${P}/queues/bad_name` }));
    expect(badName.status).toBe(400);
    expect(badName.json.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(badName.json.error.message).toContain('TASK-1');
    await call('POST', `/v2/${P}/queues/shapes:pause`);
    const task = await call('POST', `/v2/${P}/queues/shapes/tasks`, '{"task": {}}');
    const run = await call('POST', `/v2/${task.json.name}:run`, '{}');
    expect(run.status).toBe(400);
    expect(run.json.error).toMatchObject({ code: 400, status: 'FAILED_PRECONDITION' });
  });

  it('bad JSON, an unknown field, a wrong type and an oversized body are 400 INVALID_ARGUMENT naming what was wrong', async () => {
    const garbled = await call('POST', `/v2/${P}/queues`, '{"name": ');
    expect(garbled.status).toBe(400);
    expect(garbled.json.error.status).toBe('INVALID_ARGUMENT');
    expect(garbled.json.error.message).toMatch(/^Invalid JSON payload received\./);

    const unknown = await call('POST', `/v2/${P}/queues`, JSON.stringify({ name: `${P}/queues/q`, colour: 'red' }));
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toContain('Unknown name "colour"');

    const wrongType = await call(
      'POST',
      `/v2/${P}/queues`,
      JSON.stringify({ name: `${P}/queues/q`, retryConfig: { minBackoff: 5 } }),
    );
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.error.message).toContain("'queue.retry_config.min_backoff'");

    const huge = await call(
      'POST',
      `/v2/${P}/queues/default/tasks`,
      JSON.stringify({ task: { appEngineHttpRequest: { body: 'A'.repeat(5 * 1024 * 1024) } } }),
    );
    expect(huge.status).toBe(400);
    expect(huge.json.error.message).toContain('larger than 4194304 bytes');

    // None of it was applied, and the server still answers.
    expect((await call('GET', `/v2/${P}/queues/q`)).status).toBe(404);
    expect((await call('GET', `/v2/${P}/queues/default/tasks`)).json).toEqual({});
  });

  it('a path no binding has is 404 NOT_FOUND in the same shape; a known path with the wrong method says which it takes', async () => {
    const nowhere = await call('GET', '/v3/whatever');
    expect(nowhere.status).toBe(404);
    expect(nowhere.json.error).toMatchObject({ code: 404, status: 'NOT_FOUND' });
    const wrongVerb = await call('PUT', `/v2/${P}/queues/default`, '{}');
    expect(wrongVerb.status).toBe(404);
    expect(wrongVerb.json.error.message).toContain('this path takes GET, PATCH, DELETE');
  });
});

describe('one port, two wires', () => {
  it('an HTTP/1.1 request whose first bytes arrive apart (a "P", as HTTP/2\'s preface starts) is still REST', async () => {
    const body = JSON.stringify({ name: `${P}/queues/split` });
    const head = `POST /v2/${P}/queues HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
    const socket = connect(server.port, '127.0.0.1');
    socket.setNoDelay(true);
    socket.setTimeout(20_000, () => socket.destroy(new Error('no answer')));
    const answer = new Promise<string>((resolve, reject) => {
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    await new Promise<void>((r) => socket.once('connect', () => r()));
    // Each write waits for the last to be flushed, and a turn of the event loop, so they go out apart.
    for (const part of ['P', 'OST', head.slice(4), body]) {
      await new Promise<void>((r) => socket.write(part, () => setImmediate(r)));
    }
    const text = await answer;
    expect(text.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)).name).toBe(`${P}/queues/split`);
  });
});
