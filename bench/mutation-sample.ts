/**
 * A seeded sample of Stryker's mutate ranges, for a mutation score on a small machine.
 *
 * A full run over src/model and src/invariants is about 3,100 mutants, and each surviving mutant
 * re-runs every test that covers it: hours on two cores. This picks whole blocks of CHUNK lines from
 * every file, each with probability FRACTION, from a seed, and prints them as one `--mutate` value:
 *
 *   npx stryker run --mutate "$(node --import tsx bench/mutation-sample.ts 0.15 1)"
 *
 * The score of the mutants inside the picked blocks estimates the folder's score (a cluster sample;
 * a mutant that spans a block's edge, such as a whole long function body removed, is never picked).
 * Same fraction and seed, same blocks, so an `--incremental` re-run after new tests scores the same mutants.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '../src/sim/random.js';

const CHUNK = 8;
const FOLDERS = ['src/model', 'src/invariants'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return filesUnder(path);
      return path.endsWith('.ts') ? [path] : [];
    });
}

function sampleRanges(fraction: number, seed: number): string[] {
  const random = new Random(seed);
  const ranges: string[] = [];
  for (const file of FOLDERS.flatMap(filesUnder)) {
    const lines = readFileSync(file, 'utf8').split('\n').length;
    for (let first = 1; first <= lines; first += CHUNK) {
      if (random.chance(fraction)) ranges.push(`${file}:${first}-${Math.min(first + CHUNK - 1, lines)}`);
    }
  }
  return ranges;
}

const [fractionArg = '0.15', seedArg = '1'] = process.argv.slice(2);
const fraction = Number(fractionArg);
const seed = Number(seedArg);
if (!(fraction > 0 && fraction <= 1) || !Number.isInteger(seed)) {
  console.error('usage: mutation-sample.ts [fraction in (0,1], default 0.15] [integer seed, default 1]');
  process.exit(2);
}
console.log(sampleRanges(fraction, seed).join(','));
