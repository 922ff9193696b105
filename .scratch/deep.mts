import fc from 'fast-check';
import { configArb } from '../src/fuzz/config-arb.js';
import { commandArbs } from '../src/fuzz/commands.js';
import { Lockstep } from '../src/fuzz/lockstep.js';
import { ReferenceQueue } from '../src/adapters/reference.js';
let deliveries = 0, cmdsTotal = 0, runs = 0, tasks = 0;
const statuses: Record<string, number> = {};
await fc.assert(fc.asyncProperty(configArb, fc.nat(), fc.commands(commandArbs({ outages: true, realTime: false }), { maxCommands: 30, size: 'max' }), async (config, seed, cmds) => {
  const sut = new ReferenceQueue();
  const run = new Lockstep({ config, seed, sut, caps: await sut.describe() });
  await run.start();
  await fc.asyncModelRun(() => ({ model: { pull: run.pullQueues.length > 0, outages: true }, real: run }), cmds);
  await run.finish();
  runs++; cmdsTotal += run.log.length; tasks += run.book.tasks.length;
  deliveries += (run as any).sut.log.length;
  for (const s of (run as any).sut.log) statuses[s.answer.status] = (statuses[s.answer.status] ?? 0) + 1;
}), { numRuns: Number(process.argv[2] ?? 200), seed: Number(process.argv[3] ?? 7) });
console.log({ runs, cmdsTotal, tasks, deliveries, statuses });
