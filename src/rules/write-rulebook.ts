/**
 * `npm run rules:docs`: regenerates docs/RULES.md from the catalog and the citations in the source (run from
 * the package root). With `--check` it writes nothing and exits 1 when the committed file is stale.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RULEBOOK_PATH } from './index.js';
import { CATALOG, checkRulebook, coverageProblems, renderRulebook } from './rulebook.js';
import { scanCitations } from './scan.js';

function main(args: readonly string[]): number {
  const root = process.cwd();
  const unknownArgs = args.filter((a) => a !== '--check');
  if (unknownArgs.length) {
    process.stderr.write(`rules:docs: unknown argument ${unknownArgs[0]} (the only option is --check)\n`);
    return 2;
  }
  if (args.includes('--check')) {
    const state = checkRulebook(root);
    if (!state.fresh) process.stderr.write(`${state.problem}\n`);
    return state.fresh ? 0 : 1;
  }
  const scan = scanCitations(root, CATALOG.resolve);
  const path = join(root, RULEBOOK_PATH);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, renderRulebook(CATALOG, scan));
  renameSync(tmp, path); // never half a rulebook over the last good one
  process.stdout.write(`wrote ${RULEBOOK_PATH}\n`);
  for (const line of scan.unknown) process.stderr.write(`warning: cites no known rule: ${line}\n`);
  for (const line of coverageProblems(CATALOG, scan)) process.stderr.write(`warning: ${line}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
