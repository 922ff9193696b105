import { Worker } from 'node:worker_threads';
import { Pool, Client } from 'undici';
import { HttpTarget } from '../src/targets/http-target.ts';
const SERVER = `
const { createServer } = require('node:http');
const { parentPort } = require('node:worker_threads');
const server = createServer((req, res) => { req.on('data', () => {}); req.on('end', () => { res.writeHead(200); res.end('ok'); }); });
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));`;
const w = new Worker(SERVER, { eval: true });
const port = await new Promise<number>((r) => w.once('message', r));
const url = `http://127.0.0.1:${port}/task`;
const headers = { 'X-AppEngine-QueueName': 'default', 'X-AppEngine-TaskName': 'bench', 'X-AppEngine-TaskRetryCount': '0', 'X-AppEngine-TaskExecutionCount': '0', 'X-AppEngine-TaskETA': '1767225600.000000', 'Content-Type': 'application/octet-stream' };
const body = Buffer.from('{"tasksim":"bench"}');
async function measure(name: string, one: () => Promise<unknown>, ms = 2000) {
  let count = 0; const end = performance.now() + ms;
  await Promise.all(Array.from({ length: 10 }, async () => { while (performance.now() < end) { await one(); count++; } }));
  console.log(name, Math.round(count / ms * 1000));
}
const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 10, pipelining: 1 });
await measure('undici pool dump', async () => { const r = await pool.request({ path: '/task', method: 'POST', headers, body }); await r.body.dump(); });
await measure('undici pool dump', async () => { const r = await pool.request({ path: '/task', method: 'POST', headers, body }); await r.body.dump(); });
await measure('undici pool for-await', async () => { const r = await pool.request({ path: '/task', method: 'POST', headers, body }); for await (const c of r.body) {} });
await measure('undici pool signal+timer', async () => { const ac = new AbortController(); const t = setTimeout(() => ac.abort(), 10000); const r = await pool.request({ path: '/task', method: 'POST', headers, body, signal: ac.signal }); await r.body.dump(); clearTimeout(t); });
const d = { key: 1, id: 1, queue: 'default', name: 'b', attempt: 1, method: 'POST', url: '/_ah/queue/default', headers, body: new Uint8Array(body), deadlineUs: 0, duplicate: false };
const t = new HttpTarget(url, { connections: 10 });
await measure('HttpTarget', () => t.deliver(d, { timeoutMs: 10000 }));
await measure('HttpTarget', () => t.deliver(d, { timeoutMs: 10000 }));
// pool.dispatch raw handler
await measure('undici dispatch', () => new Promise<void>((resolve, reject) => {
  pool.dispatch({ path: '/task', method: 'POST', headers, body }, {
    onConnect() {}, onHeaders() { return true; }, onData() { return true; }, onComplete() { resolve(); }, onError(e: Error) { reject(e); },
  } as any);
}));
await w.terminate(); await pool.close(); await t.close();
