/**
 * A fresh clone stays clean: `npm install` finds nothing to rewrite in the lockfile, and everything
 * the scripts write (the build, reports, traces, screenshots) is ignored by git.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));

describe('a fresh clone after npm install', () => {
  it('the lockfile’s root entry says what package.json says (bin path, version, dependencies), so npm install does not rewrite it', () => {
    const root = lock.packages[''];
    expect(lock.name).toBe(pkg.name);
    expect(lock.version).toBe(pkg.version);
    for (const key of ['name', 'version', 'license', 'bin', 'dependencies', 'devDependencies', 'engines']) {
      expect(root[key], key).toEqual(pkg[key]);
    }
    // Every direct dependency is locked.
    for (const dep of [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]) {
      expect(lock.packages[`node_modules/${dep}`], dep).toBeDefined();
    }
  });

  it('what the scripts write is ignored by git: dist/ (prepare), reports/latest (npm start), screenshots, traces', () => {
    const paths = [
      'dist/src/cli/main.js',
      'reports/latest/simulation/index.html',
      'reports/screenshots/simulation.png',
      'trace.ndjson',
      'reports/retry/report.json',
      'tasksim-0.1.0.tgz',
    ];
    const r = spawnSync('git', ['check-ignore', '--no-index', ...paths], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout.trim().split('\n').sort()).toEqual([...paths].sort());
  });
});
