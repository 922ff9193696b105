/**
 * The preflight request: a target that is not an HTTP task handler gets one clear message and exit 3
 * before any case runs — never a suite of identical failures, never one wait per case.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { preflight } from '../../src/conform/preflight.js';
import { tasksimInProcess } from '../helpers/cli-in-process.js';
import { registerConform } from '../../src/cli/conform.js';
import { MISBEHAVING, PICKY, httpHandler, type Running } from './servers.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** An HTTPS handler (a self-signed certificate for 127.0.0.1) that would accept every delivery. */
async function httpsHandler(): Promise<{ port: number; close(): Promise<void> }> {
  const server = createHttpsServer({ key: fixture('test-key.pem'), cert: fixture('test-cert.pem') }, (req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end('ok'));
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/**
 * `tasksim conform <url>` in-process (test/helpers/cli-in-process.ts): the command the CLI registers,
 * from parsing to its exit code, with its stdout and stderr. The same through the built CLI in a child
 * process is in test/conform/cli.test.ts (nothing listening, a silent server, a server that speaks no HTTP).
 */
async function conformStderr(url: string): Promise<string> {
  const r = await tasksimInProcess(registerConform, ['conform', url, '--seed', '1']);
  expect(r.code, r.stderr).toBe(3);
  expect(r.stdout).toBe('');
  return r.stderr;
}

describe('tasksim conform preflight (the CLI command, in-process)', () => {
  const open: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const o of open) await o.close();
  });

  it('a port that speaks TLS, asked for plain HTTP: "use https://", exit 3', async () => {
    const tls = await httpsHandler();
    open.push(tls);
    const stderr = await conformStderr(`http://127.0.0.1:${tls.port}/task`);
    expect(stderr).toMatch(
      new RegExp(`^tasksim: http://127\\.0\\.0\\.1:${tls.port} speaks TLS \\(HTTPS\\), not plain HTTP`),
    );
    expect(stderr).toContain(`Use https://127.0.0.1:${tls.port}/task\n`);
  });

  it('plain HTTP, asked for TLS: "use http://", exit 3', async () => {
    const plain = await PICKY.postOnly();
    open.push(plain);
    const stderr = await conformStderr(`https://127.0.0.1:${plain.port}/task`);
    expect(stderr).toMatch(new RegExp(`^tasksim: https://127\\.0\\.0\\.1:${plain.port} does not speak TLS`));
    expect(stderr).toContain(`Use http://127.0.0.1:${plain.port}/task\n`);
    expect(plain.requests.length).toBe(0);
  });

  it('404 at the path, with and without the queue headers: "no handler at /wrong", exit 3', async () => {
    const nf = await PICKY.notFound();
    open.push(nf);
    const stderr = await conformStderr(`http://127.0.0.1:${nf.port}/wrong`);
    expect(stderr).toBe(
      `tasksim: http://127.0.0.1:${nf.port}/wrong answers 404 Not Found, with and without the queue's headers: no handler at /wrong.\n` +
        "  Check the path (the handler's route, e.g. /tasks/handler or /_ah/queue/default), then run again.\n",
    );
    expect(nf.requests.length).toBe(2); // the preflight's two requests, no case ran
  });

  it('a handler that refuses requests without queue headers with 404 is not mistaken for a wrong path', async () => {
    const picky = await httpHandler(
      (req, _b, res) => void res.writeHead(req.headers['x-appengine-taskname'] ? 200 : 404).end(),
    );
    open.push(picky);
    const r = await preflight(new URL(picky.url), 2_000);
    expect(r).toEqual({ ok: true });
  });
});

describe('preflight against servers that never answer or are not HTTP', () => {
  it('never answers: one request, one deadline, one message', async () => {
    let requests = 0;
    const sockets = new Set<Socket>();
    const server = createNetServer((s) => {
      sockets.add(s);
      s.on('error', () => {});
      s.on('data', (d) => (requests += (String(d).match(/^POST /gm) ?? []).length));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const r = await preflight(new URL(`http://127.0.0.1:${port}/task`), 300);
      expect(r).toMatchObject({ ok: false, problem: 'no-answer' });
      expect(r.ok === false && r.message).toMatch(/sent no answer within 300ms/);
      expect(requests).toBe(1);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('speaks something else: not-http, and no TLS handshake mistaken for one', async () => {
    const garbage: Running = await MISBEHAVING.garbage();
    try {
      const r = await preflight(new URL(garbage.url), 2_000);
      expect(r).toMatchObject({ ok: false, problem: 'not-http' });
      expect(r.ok === false && r.message).toMatch(/does not speak HTTP: not HTTP/);
    } finally {
      await garbage.close();
    }
  });
});
