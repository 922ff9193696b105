/**
 * The proto3 JSON mapping of the REST wire, case by case, on the API's own message types: what a
 * request body becomes in the methods' object form, what a message becomes on the wire, and the
 * refusals (INVALID_ARGUMENT naming the field). Expected values are written from the mapping's rules.
 */
import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/serve/errors.js';
import { loadCloudTasksRoot } from '../../src/serve/protos.js';
import { messageFromJson, messageToJson } from '../../src/serve/rest-json.js';

const root = loadCloudTasksRoot();
const type = (name: string) => root.lookupType(`google.cloud.tasks.${name}`);

function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(status.INVALID_ARGUMENT);
    return err as ApiError;
  }
  throw new Error('expected a refusal');
}

describe('JSON → message', () => {
  const retry = type('v2.RetryConfig');

  it('Durations: whole, fractional and negative, both parts signed', () => {
    expect(messageFromJson(retry, { minBackoff: '2s', maxBackoff: '0.000001s', maxRetryDuration: '-1.5s' })).toEqual({
      minBackoff: { seconds: 2, nanos: 0 },
      maxBackoff: { seconds: 0, nanos: 1000 },
      maxRetryDuration: { seconds: -1, nanos: -500_000_000 },
    });
    for (const bad of ['2', '2 s', '1.0000000001s', 's', 2]) refusal(() => messageFromJson(retry, { minBackoff: bad }));
  });

  it('Timestamps: Z or an offset, up to nine digits; impossible dates refused', () => {
    const task = type('v2.Task');
    // 2030-01-02T03:04:05Z is 1893553445 s after the epoch.
    expect(messageFromJson(task, { scheduleTime: '2030-01-02T03:04:05.25Z' }).scheduleTime).toEqual({
      seconds: 1_893_553_445,
      nanos: 250_000_000,
    });
    expect(messageFromJson(task, { scheduleTime: '2030-01-02T01:04:05.000000001-02:00' }).scheduleTime).toEqual({
      seconds: 1_893_553_445,
      nanos: 1,
    });
    for (const bad of ['2030-02-30T00:00:00Z', '2030-01-02 03:04:05Z', '2030-01-02T03:04:05', '1893553445'])
      expect(refusal(() => messageFromJson(task, { scheduleTime: bad })).message).toContain("'schedule_time'");
  });

  it('proto names and JSON names alike; enums by name or number; int32 in range, as numbers or strings', () => {
    expect(messageFromJson(retry, { max_attempts: '7', maxDoublings: 3 })).toEqual({ maxAttempts: 7, maxDoublings: 3 });
    expect(refusal(() => messageFromJson(retry, { maxAttempts: 2 ** 31 })).message).toContain('TYPE_INT32');
    expect(refusal(() => messageFromJson(retry, { maxAttempts: 1.5 })).message).toContain("'max_attempts'");
    const get = type('v2.GetTaskRequest');
    expect(messageFromJson(get, { responseView: 'FULL' })).toEqual({ responseView: 'FULL' });
    expect(messageFromJson(get, { responseView: 2 })).toEqual({ responseView: 'FULL' });
    refusal(() => messageFromJson(get, { responseView: 'FULLEST' }));
    refusal(() => messageFromJson(get, { responseView: '2' })); // a string is a name, except in a query
    expect(messageFromJson(get, { responseView: '2' }, '', true)).toEqual({ responseView: 'FULL' });
  });

  it('bytes in standard or URL-safe base64; a FieldMask from lowerCamelCase paths to proto names', () => {
    const http = type('v2.HttpRequest');
    expect(messageFromJson(http, { body: '+/8=' }).body).toEqual(Buffer.from([0xfb, 0xff]));
    expect(messageFromJson(http, { body: '-_8' }).body).toEqual(Buffer.from([0xfb, 0xff]));
    refusal(() => messageFromJson(http, { body: 'not base64!' }));
    const update = type('v2.UpdateQueueRequest');
    expect(messageFromJson(update, { updateMask: 'rateLimits.maxDispatchesPerSecond,retryConfig' })).toEqual({
      updateMask: { paths: ['rate_limits.max_dispatches_per_second', 'retry_config'] },
    });
  });

  it('unknown names and a second member of a oneof are refused; null leaves a field unset', () => {
    const task = type('v2.Task');
    expect(refusal(() => messageFromJson(task, { nmae: 'x' })).message).toContain('Unknown name "nmae"');
    expect(
      refusal(() => messageFromJson(task, { appEngineHttpRequest: {}, httpRequest: { url: 'http://127.0.0.1/' } }))
        .message,
    ).toContain('only one of message_type');
    // The oneof's name says which member is set, as the gRPC wire's objects do.
    expect(messageFromJson(task, { httpRequest: { url: 'http://127.0.0.1/' }, name: null })).toEqual({
      messageType: 'httpRequest',
      httpRequest: { url: 'http://127.0.0.1/' },
    });
  });
});

describe('message → JSON', () => {
  it('defaults left out, messages kept even when empty, Durations with 0/3/6/9 digits', () => {
    const q = type('v2.Queue');
    expect(
      messageToJson(q, {
        name: 'projects/p/locations/l/queues/q',
        rateLimits: { maxDispatchesPerSecond: 0, maxBurstSize: 0 },
        retryConfig: {
          maxAttempts: -1,
          minBackoff: { seconds: 0, nanos: 100_000_000 },
          maxBackoff: { seconds: 1, nanos: 1 },
          maxRetryDuration: { seconds: 0, nanos: 0 },
        },
        state: 'STATE_UNSPECIFIED',
      }),
    ).toEqual({
      name: 'projects/p/locations/l/queues/q',
      rateLimits: {},
      retryConfig: { maxAttempts: -1, minBackoff: '0.100s', maxBackoff: '1.000000001s', maxRetryDuration: '0s' },
    });
    expect(messageToJson(type('v2.Task'), { dispatchDeadline: { seconds: -2, nanos: -5000 } })).toEqual({
      dispatchDeadline: '-2.000005s',
    });
  });

  it('Timestamps in UTC with 0, 3, 6 or 9 digits; enums as numbers when asked', () => {
    const t = type('v2.Task');
    const at = (nanos: number) => messageToJson(t, { createTime: { seconds: 1_893_553_445, nanos } }) as Msg;
    expect(at(0).createTime).toBe('2030-01-02T03:04:05Z');
    expect(at(5_000_000).createTime).toBe('2030-01-02T03:04:05.005Z');
    expect(at(5_000).createTime).toBe('2030-01-02T03:04:05.000005Z');
    expect(at(5).createTime).toBe('2030-01-02T03:04:05.000000005Z');
    expect(messageToJson(t, { view: 'FULL' }, { numericEnums: true })).toEqual({ view: 2 });
    expect(messageToJson(t, { view: 'FULL' })).toEqual({ view: 'FULL' });
  });
});

type Msg = Record<string, unknown>;
