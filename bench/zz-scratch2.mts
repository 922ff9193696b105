import { HttpTarget } from '../src/targets/http-target.ts';
import { createServer } from 'node:http';
const s = createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(201).end('hi')); });
await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
const t = new HttpTarget(`http://127.0.0.1:${(s.address() as any).port}/task`);
console.log(await t.deliver({ key: 1, id: 1, queue: 'd', name: 'n', attempt: 1, method: 'POST', url: '/_ah/queue/default', headers: { a: 'b' }, body: new Uint8Array(3), deadlineUs: 0, duplicate: false }, { timeoutMs: 1000 }));
await t.close(); s.close();
