/** Where the tasksim package lives, whether running from src/ (tsx) or from dist/src/ (the bin). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'tasksim') return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot find the tasksim package.json above ' + fileURLToPath(import.meta.url));
}

export const PACKAGE_ROOT = findRoot();

export const VERSION = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;
