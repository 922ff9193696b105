import { Worker } from 'node:worker_threads';
import { HttpTarget } from '../src/targets/http-target.js';
const SERVER = `
const { createServer } = require('node:http');
const { parentPort } = require('node:worker_threads');
const server = createServer((req, res) => { req.on('data', () => {}); req.on('end', () => { res.writeHead(200); res.end('ok'); }); });
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));`;
const w = new Worker(SERVER, { eval: true });
const port = await new Promise<number>((r) => w.once('message', r));
const headers = { 'X-AppEngine-QueueName': 'default', 'X-AppEngine-TaskName': 'bench', 'X-AppEngine-TaskRetryCount': '0', 'X-AppEngine-TaskExecutionCount': '0', 'X-AppEngine-TaskETA': '1767225600.000000', 'Content-Type': 'application/octet-stream' };
const d = { key: 1, id: 1, queue: 'default', name: 'b', attempt: 1, method: 'POST', url: '/_ah/queue/default', headers, body: new TextEncoder().encode('{"x":1}'), deadlineUs: 0, duplicate: false };
const t = new HttpTarget(`http://127.0.0.1:${port}/task`, { connections: 10 });
const cpu0 = process.cpuUsage(); let count = 0; const end = performance.now() + 4000;
await Promise.all(Array.from({ length: 10 }, async () => { while (performance.now() < end) { await t.deliver(d, { timeoutMs: 10000 }); count++; } }));
const cpu = process.cpuUsage(cpu0);
console.log('rps', count / 4, 'main-thread-ish CPU µs/req', ((cpu.user + cpu.system) / count).toFixed(1));
await t.close(); await w.terminate();
