/** SPEC §10 by name in the adapter protocol's `/reset` (HTTP-JSON-PROTOCOL.md), over real HTTP on 127.0.0.1. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { HttpJsonQueue } from '../../src/adapters/http-json.js';
import { serveReferenceOverHttp, type Served } from '../../src/adapters/http-json-server.js';
import { defaultConfig } from '../../src/model/queue-yaml.js';

const TIMEOUT = { headersTimeout: 10_000, bodyTimeout: 10_000 };

async function post(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...TIMEOUT,
  });
  return { status: r.statusCode, json: (await r.body.json()) as Record<string, unknown> };
}

describe('/reset options', () => {
  let reference: Served;
  beforeAll(async () => {
    reference = await serveReferenceOverHttp();
  });
  afterAll(async () => {
    await reference.close();
  });

  const reset = (options: unknown) =>
    post(`${reference.url}/reset`, {
      config: defaultConfig(),
      seed: 1,
      epochUs: 0,
      handlerUrl: 'http://127.0.0.1:9/h',
      options,
    });

  it("the reference applies options by name over the config (its trace's config event shows them)", async () => {
    expect(await reset({ 'retry-limit': 'attempts', 'retry-eta-header': 'original' })).toEqual({
      status: 200,
      json: { ok: true },
    });
    const adv = await post(`${reference.url}/advance`, { us: 0 });
    const config = (adv.json.events as { e: string; config?: { options: Record<string, unknown> } }[]).find(
      (e) => e.e === 'config',
    )!.config!;
    expect(config.options).toMatchObject({
      retryLimitMeans: 'attempts',
      retryEtaHeader: 'original',
      handler503Counts: true,
    });
  });

  it('an unknown name or value is answered 400, naming the choices', async () => {
    const bad = await reset({ 'retry-limit': 'tries' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('option retry-limit must be retries or attempts, got "tries" (RETRY-1)');
    const unknown = await reset({ 'eta-header': 'original' });
    expect(unknown.status).toBe(400);
    expect(String(unknown.json.error)).toContain('unknown option "eta-header"; the options are backoff-linear-step');
  });

  it('the harness sends every option by name, as config.options holds them', async () => {
    let body: Record<string, unknown> | undefined;
    const queue = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req
        .on('data', (c: Buffer) => chunks.push(c))
        .on('end', () => {
          if (req.url === '/reset') body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          const answer =
            req.method === 'GET'
              ? { protocol: 'tasksim-queue/1', capabilities: { controlsClock: true, outages: false, events: false } }
              : { ok: true };
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
        });
    });
    await new Promise<void>((r) => queue.listen(0, '127.0.0.1', () => r()));
    const client = new HttpJsonQueue(`http://127.0.0.1:${(queue.address() as AddressInfo).port}`);
    try {
      const config = defaultConfig({ profile: 'cloud-tasks', options: { 'retry-eta-header': 'original' } });
      await client.reset({
        config,
        seed: 1,
        epochUs: 0,
        handler: async () => ({ status: 200, outcome: 'ok', latencyUs: 0 }),
      });
      expect(body?.options).toEqual({
        'backoff-linear-step': 'double',
        'handler-503': 'not-counted',
        'retry-limit': 'attempts',
        'age-from': 'first-attempt',
        'deadline-execution': 'not-counted',
        'execution-count-5xx': 'left-out',
        'retry-eta-header': 'original',
      });
    } finally {
      await client.close();
      await new Promise<void>((r) => queue.close(() => r()));
    }
  });
});
