/** HttpTarget: real requests on loopback, every failure an outcome, every wait bounded. */
import { afterEach, describe, expect, it } from 'vitest';
import { HttpTarget, parseTargetUrl, TargetUrlError } from '../../src/targets/http-target.js';
import type { Delivery } from '../../src/model/types.js';
import { endlessBody, httpHandler, keepAliveCloser, MISBEHAVING, freePort, type Running } from '../conform/servers.js';

function delivery(extra: Partial<Delivery> = {}): Delivery {
  return {
    key: 1,
    id: 1,
    queue: 'default',
    name: 't1',
    attempt: 1,
    method: 'POST',
    url: '/_ah/queue/default',
    headers: { 'X-AppEngine-QueueName': 'default', 'X-AppEngine-TaskName': 't1' },
    deadlineUs: 0,
    duplicate: false,
    ...extra,
  };
}

describe('HttpTarget', () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const o of open.splice(0)) await o.close();
  });
  async function serve(s: Promise<Running>): Promise<Running> {
    const r = await s;
    open.push(r);
    return r;
  }
  function target(url: string, opts = {}): HttpTarget {
    const t = new HttpTarget(url, opts);
    open.push(t);
    return t;
  }

  it('refuses URLs it cannot or should not talk to', () => {
    expect(() => parseTargetUrl('nope')).toThrow(TargetUrlError);
    expect(() => parseTargetUrl('file:///etc/passwd')).toThrow(/only http: and https:/);
    expect(() => parseTargetUrl('http://u:p@127.0.0.1/')).toThrow(/credentials/);
    expect(parseTargetUrl('https://example.test/a?b=1').href).toBe('https://example.test/a?b=1');
  });

  it("sends the default queue path to the user's URL, a task's own path as is, never another origin", () => {
    const t = target('http://127.0.0.1:9/tasks/run?x=1');
    expect(t.pathFor({ url: '/_ah/queue/default' })).toBe('/tasks/run?x=1');
    expect(t.pathFor({ url: '/_ah/queue/other-queue' })).toBe('/tasks/run?x=1');
    expect(t.pathFor({ url: '/tasks/run?x=1&y=2' })).toBe('/tasks/run?x=1&y=2');
    expect(t.pathFor({ url: 'http://evil.example/steal?q' })).toBe('/steal?q');
  });

  it('delivers method, headers and body; a 2xx is ok and the body is counted, not kept', async () => {
    const s = await serve(
      httpHandler((req, body, res) =>
        res.writeHead(201).end(`got ${body.length} ${req.headers['x-appengine-taskname']}`),
      ),
    );
    const r = await target(s.url).deliver(delivery({ body: new Uint8Array(100) }), { timeoutMs: 2000 });
    expect(r).toMatchObject({ status: 201, outcome: 'ok', bodyBytes: 'got 100 t1'.length });
    expect(s.requests[0]).toMatchObject({ method: 'POST', url: '/task' });
    expect(s.requests[0].headers['x-appengine-queuename']).toBe('default');
  });

  it('does not follow a redirect: the 3xx is the answer (PUSH-6)', async () => {
    const s = await serve(
      httpHandler((req, _b, res) => res.writeHead(req.url === '/task' ? 307 : 200, { location: '/moved' }).end()),
    );
    const r = await target(s.url).deliver(delivery(), { timeoutMs: 2000 });
    expect(r).toMatchObject({ status: 307, outcome: 'error' });
    expect(r.detail).toBe('redirect to /moved not followed (PUSH-6)');
    expect(s.requests.map((q) => q.url)).toEqual(['/task']);
  });

  it('nothing listening: net, ECONNREFUSED, marked unreachable', async () => {
    const r = await target(`http://127.0.0.1:${await freePort()}/`).deliver(delivery(), { timeoutMs: 2000 });
    expect(r).toMatchObject({ status: 0, outcome: 'net', unreachable: true });
    expect(r.detail).toMatch(/^ECONNREFUSED/);
  });

  it('a silent server: deadline after the timeout, and close() does not wait for it', async () => {
    const s = await serve(MISBEHAVING.silent());
    const t = new HttpTarget(s.url);
    const started = performance.now();
    const r = await t.deliver(delivery(), { timeoutMs: 150 });
    expect(r).toMatchObject({ status: 0, outcome: 'deadline', latencyUs: 150_000, detail: 'timed out after 150ms' });
    const pending = t.deliver(delivery(), { timeoutMs: 60_000 });
    await t.close();
    expect(await pending).toMatchObject({ outcome: 'net' });
    expect(performance.now() - started).toBeLessThan(2_500);
  });

  it('a slow body counts against the same deadline as the headers', async () => {
    const s = await serve(
      httpHandler((_req, _b, res) => {
        res.writeHead(200, { 'content-length': '10' });
        res.write('12345'); // and never the rest
      }),
    );
    const r = await target(s.url).deliver(delivery(), { timeoutMs: 200 });
    expect(r.outcome).toBe('deadline');
  });

  it('a body past the cap has not ended: the queue would wait for it, so it is a missed deadline (DEADLINE-2)', async () => {
    const s = await serve(MISBEHAVING.hugeBody());
    const r = await target(s.url, { maxBodyBytes: 256 * 1024 }).deliver(delivery(), { timeoutMs: 5000 });
    expect(r).toMatchObject({ status: 0, outcome: 'deadline' });
    expect(r.bodyBytes).toBeGreaterThan(256 * 1024);
    expect(r.bodyBytes).toBeLessThan(1024 * 1024); // stopped reading soon after the cap
    expect(r.detail).toMatch(/^answered 200 but the body had not ended after \d+ bytes; tasksim stopped reading/);
  });

  it('a finite body under the cap is drained to its end: the status counts (HANDLER-5)', async () => {
    const s = await serve(MISBEHAVING.hugeBody()); // 50 MB
    const r = await target(s.url).deliver(delivery(), { timeoutMs: 30_000 });
    expect(r).toMatchObject({ status: 200, outcome: 'ok', bodyBytes: 50 * 1024 * 1024 });
  });

  it('an endless 200 body is never a success: stopped at the cap, or at the deadline when it trickles', async () => {
    const fast = await serve(endlessBody());
    const capped = await target(fast.url, { maxBodyBytes: 1024 * 1024 }).deliver(delivery(), { timeoutMs: 30_000 });
    expect(capped).toMatchObject({ status: 0, outcome: 'deadline' });
    expect(capped.detail).toMatch(/body had not ended/);
    const slow = await serve(
      httpHandler((_req, _b, res) => {
        res.writeHead(200);
        const t = setInterval(() => res.write('.'), 20);
        res.on('close', () => clearInterval(t));
      }),
    );
    const trickled = await target(slow.url).deliver(delivery(), { timeoutMs: 300 });
    expect(trickled).toMatchObject({ status: 0, outcome: 'deadline' });
    expect(trickled.detail).toMatch(/^answered 200 but the body had not ended after 300ms/);
  });

  it('a connection the server closed as idle is not a failure: the request goes again on a fresh one', async () => {
    const s = await serve(keepAliveCloser());
    const t = target(s.url, { connections: 4 });
    const answers: string[] = [];
    // Requests 15–55 ms apart meet connections the server closes 20–50 ms after their last answer.
    for (let i = 0; i < 150; i++) {
      await new Promise((r) => setTimeout(r, 15 + (i % 9) * 5));
      const r = await t.deliver(delivery(), { timeoutMs: 5000 });
      answers.push(r.outcome === 'ok' ? 'ok' : `${r.outcome}: ${r.detail}`);
    }
    expect(answers.filter((a) => a !== 'ok')).toEqual([]);
    // A request the server read just as it closed may reach it twice: deliveries are idempotent (HANDLER-4).
    expect(s.requests.length).toBeGreaterThanOrEqual(150);
    expect(s.requests.length).toBeLessThan(200);
  });

  it('runs up to `connections` requests truly in parallel', async () => {
    let now = 0;
    let max = 0;
    const s = await serve(
      httpHandler((_req, _b, res) => {
        max = Math.max(max, ++now);
        setTimeout(() => {
          now--;
          res.writeHead(200).end();
        }, 50);
      }),
    );
    const t = target(s.url, { connections: 4 });
    const rs = await Promise.all(Array.from({ length: 8 }, () => t.deliver(delivery(), { timeoutMs: 2000 })));
    expect(rs.every((r) => r.outcome === 'ok')).toBe(true);
    expect(max).toBe(4);
  });
});
