import { MUTANTS } from '../src/adapters/mutants/index.js';
import { runFuzz } from '../src/fuzz/campaign.js';
const bad: string[] = [];
for (const m of MUTANTS) for (let seed = 100; seed < 130; seed++) {
  const r = await runFuzz({ adapter: m.name, queue: m.create(), seed });
  const f = r.failure;
  if (!f) { bad.push(`${m.name} seed ${seed}: NOT CAUGHT`); continue; }
  const cited = f.violations.map((v) => v.rule);
  if (f.commands.length > 10 || !cited.some((c) => m.rules.includes(c))) bad.push(`${m.name} seed ${seed}: ${f.commands.length} cmds, cited ${cited.join(',')} :: ${f.commands.join(' | ')} :: ${f.violations[0].message}`);
}
console.log(bad.join('\n') || 'all good');
