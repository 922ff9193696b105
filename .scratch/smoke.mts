import { runFuzz } from '../src/fuzz/campaign.js';
import { createAdapter } from '../src/adapters/registry.js';
const spec = process.argv[2] ?? 'reference';
const runs = Number(process.argv[3] ?? 100);
const t0 = Date.now();
const r = await runFuzz({ adapter: spec, queue: createAdapter(spec), runs, seed: Number(process.argv[4] ?? 1) });
console.log(JSON.stringify({ ok: r.ok, ms: Date.now() - t0, failure: r.failure && { config: r.failure.config, commands: r.failure.commands, v: r.failure.violations.map(v => `${v.rule} [${v.check}] ${v.task ?? ''} ${v.message}`) } }, null, 1));
