/**
 * A fingerprint of the engine's traces, to show a change to the engine or the trace codec keeps every
 * byte: each scenario of scenarios/ (streams cut to a few thousand tasks) × 3 seeds × duplicate rate 0
 * and 0.05 × the three ways a run is judged (no checkers: events as fields; checkers in this thread:
 * events as objects; checkers in their own thread: the encoded bytes decoded again). One line per run:
 * trace hash, event count, counts and each invariant's verdict. Two builds agree when their outputs do.
 * Run: node --import tsx bench/trace-fingerprint.ts <dir with dist/> [tasks per stream] > out.txt
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { moduleOfBuild } from './other-build.js';

const root = process.argv[2];
const cap = Number(process.argv[3] ?? 3000);
if (!root) throw new Error('usage: trace-fingerprint.ts <dir with dist/> [tasks per stream]');
const { loadScenario } = (await import(
  moduleOfBuild(root, 'scenario/load')
)) as typeof import('../src/scenario/load.js');
const { runScenario } = (await import(moduleOfBuild(root, 'scenario/run'))) as typeof import('../src/scenario/run.js');

const dir = fileURLToPath(new URL('../scenarios/', import.meta.url));
const modes = [
  { label: 'fields', opts: { checkInvariants: false } },
  { label: 'objects', opts: { invariantThread: 'off' as const } },
  { label: 'thread', opts: { invariantThread: 'on' as const } },
];
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()) {
  const s = await loadScenario(dir + file);
  const workload = s.workload.map((w) => ({ ...w, count: Math.min(w.count, cap) }));
  const maxEvents = Math.min(s.stop.maxEvents, cap * 40);
  for (const dup of [0, 0.05]) {
    for (const seed of [1, 2, 3]) {
      for (const { label, opts } of modes) {
        const scenario = {
          ...s,
          workload,
          stop: { ...s.stop, maxEvents },
          service: { ...s.service, duplicateRate: dup },
        };
        const r = await runScenario(scenario, { ...opts, seed });
        const verdicts = r.invariants.map((i) => `${i.id}:${i.status}`).join(',');
        console.log(
          `${file} dup=${dup} seed=${seed} ${label}: ${r.traceHash} events=${r.events} end=${r.end} counts=${JSON.stringify(r.counts)} ${verdicts}`,
        );
      }
    }
  }
}
