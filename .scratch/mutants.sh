for m in $(npx tsx -e "import('./src/adapters/mutants/index.ts').then(m=>console.log(m.MUTANTS.map(x=>x.name).join(' ')))" 2>/dev/null); do echo "== $m"; timeout 120 npx tsx .scratch/smoke.mts mutant:$m ${RUNS:-200} ${SEED:-1} 2>&1 | grep -v "npm warn" | python3 -c "
import json,sys
d=json.load(sys.stdin)
f=d.get('failure')
print('ok' if d['ok'] else 'CAUGHT', d['ms'],'ms')
if f:
  print(' ', len(f['commands']),'cmds:', ' | '.join(f['commands'])[:300])
  for v in f['v'][:3]: print('   ', v[:220])
"; done
